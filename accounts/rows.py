"""Rows written and read by statements of our own, for the hot paths (ticket issue and
validation, the signed-in user of each request), without the ORM's per-query compilation,
which cost more CPU there than the database's own work.

- Inserts: the INSERT the ORM would have written (the same columns, each value prepared by
  its field for this database), so two of them can share one statement (a data-modifying
  CTE: one round trip and one commit). The instance then looks saved, and pre_save and
  post_save are sent as Model.save() sends them, so receivers (the audit metrics) see it.
- row_by: one row by a unique column, its SELECT built once per model and column.
"""

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save


def insert_values(instance: Model, *, using: str = "default") -> tuple[str, str, list]:
    """(table and columns, VALUES placeholders, parameters) of `instance`'s INSERT, for
    `INSERT INTO {0} VALUES ({1})`; the primary key is the database's."""
    connection = connections[using]
    meta, quote = instance._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    placeholders = ", ".join(
        f.get_placeholder(p, None, connection) if hasattr(f, "get_placeholder") else "%s"
        for f, p in zip(fields, params, strict=True)
    )
    return f"{quote(meta.db_table)} ({columns})", placeholders, params


def insert_sending(instance: Model, *, using: str = "default") -> None:
    """pre_save, as Model.save() sends it before its INSERT."""
    pre_save.send(sender=type(instance), instance=instance, raw=False, using=using, update_fields=None)


def insert_done(instance: Model, pk, *, using: str = "default") -> Model:
    """`instance` as saved with primary key `pk`; post_save sent as Model.save() does."""
    instance.pk = pk
    instance._state.adding, instance._state.db = False, using
    post_save.send(sender=type(instance), instance=instance, created=True, update_fields=None, raw=False,
                   using=using)
    return instance


def row_insert(instance: Model, *, using: str = "default") -> Model:
    """Insert `instance` in one statement (RETURNING its key where the database can)."""
    connection = connections[using]
    if not connection.features.can_return_columns_from_insert:
        instance.save(force_insert=True, using=using)
        return instance
    insert_sending(instance, using=using)
    target, placeholders, params = insert_values(instance, using=using)
    pk_column = connection.ops.quote_name(instance._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {target} VALUES ({placeholders}) RETURNING {pk_column}", params)
        pk = cursor.fetchone()[0]
    return insert_done(instance, pk, using=using)


_selects: dict[tuple, str] = {}


def model_from_row(model: type[Model], values, *, using: str = "default") -> Model:
    """An instance of `model` from the values of its concrete fields, in order, as a
    queryset would build it (each value through its field's from_db_value)."""
    connection = connections[using]
    fields = model._meta.concrete_fields
    values = [f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") and v is not None else v
              for f, v in zip(fields, values, strict=True)]
    return model.from_db(using, [f.attname for f in fields], values)


def row_by(model: type[Model], field_name: str, value, *, using: str = "default") -> Model | None:
    """The row of `model` whose unique field `field_name` is `value`, or None. PostgreSQL
    only (elsewhere: the ORM), where no value needs a converter but from_db_value."""
    if connections[using].vendor != "postgresql":
        return model._default_manager.using(using).filter(**{field_name: value}).first()
    connection = connections[using]
    field: Field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
    key = (model, field.column, using)
    sql = _selects.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
        sql = _selects[key] = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {quote(field.column)} = %s"
    try:
        prepared = field.get_db_prep_value(field.to_python(value), connection)
    except (ValueError, TypeError, ValidationError):  # a value this field cannot hold: no row has it
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [prepared])
        row = cursor.fetchone()
    return None if row is None else model_from_row(model, row, using=using)
