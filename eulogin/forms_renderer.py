"""The form renderer: Django's, with the plain <input> widgets drawn without a template.

Every page of the sign-in shows a form, and Django draws each of its inputs by rendering
two small templates (the widget's and `attrs.html`): on the anonymous /cas/login page that
was about an eighth of the request's CPU. An input is one element whose markup those
templates fix entirely, so this renderer writes it directly, with the same escaping and
the same attribute rules (an attribute whose value is False is left out, True is written
bare, anything else is written as its str()). Every other template (select, textarea,
checkbox lists, error lists, whole forms) goes through Django's renderer as before, and so
would an input template the project ever overrides (INPUT_TEMPLATES lists Django's own).

tests/test_forms_renderer.py draws every input widget both ways and compares them.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# Django's templates that are exactly {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "password", "hidden", "number", "tel", "url", "search", "date",
                 "datetime", "time", "color")
)


def input_html(widget: dict) -> str:
    """The markup of django/forms/widgets/input.html for a widget's context."""
    parts = ['<input type="', conditional_escape(widget["type"]), '" name="', conditional_escape(widget["name"]), '"']
    if widget["value"] is not None:
        parts += [' value="', conditional_escape(str(widget["value"])), '"']
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts += [" ", conditional_escape(name)]
        if value is not True:
            parts += ['="', conditional_escape(str(value)), '"']
    parts.append(">")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES and self._input_template_is_django(template_name):
            return mark_safe(input_html(context["widget"]))
        return super().render(template_name, context, request=request)

    def _input_template_is_django(self, template_name: str) -> bool:
        """Whether `template_name` resolves to Django's own file (found once per name)."""
        known = self.__dict__.setdefault("_django_inputs", {})
        if template_name not in known:
            origin = self.get_template(template_name).origin.name
            known[template_name] = "/django/forms/templates/django/forms/widgets/" in origin.replace("\\", "/")
        return known[template_name]
