"""Rows inserted by statements of our own, for the hot paths: an INSERT the ORM would have
written (the same columns, each value prepared by its field for this database), without
the ORM's per-save machinery, so two of them can share one statement (a data-modifying
CTE: one round trip and one commit). The instance then looks saved, and pre_save and
post_save are sent as Model.save() sends them, so receivers (the audit metrics) see it.
"""

from django.db import connections
from django.db.models import Model
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
