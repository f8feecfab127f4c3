"""The form renderer draws <input> widgets without a template: exactly as Django's would."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from accounts.forms import SignInEmailForm
from eulogin.forms_renderer import INPUT_TEMPLATES, FormRenderer

WIDGETS = [
    forms.TextInput(), forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    forms.PasswordInput(attrs={"autocomplete": "current-password", "required": True, "disabled": False}),
    forms.PasswordInput(render_value=True), forms.HiddenInput(), forms.NumberInput(attrs={"min": 0, "step": 1.5}),
    forms.URLInput(), forms.DateInput(), forms.TimeInput(), forms.DateTimeInput(),
    forms.TextInput(attrs={"data-x": '"><script>alert(1)</script>', "aria-describedby": "a b"}),
]
VALUES = [None, "", "someone@example.org", '"><img src=x onerror=alert(1)>', 42, 0, mark_safe("<b>safe</b>"),
          "été ünïcode", ("a", "b")]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_an_input_is_drawn_as_django_draws_it(widget, value):
    django_html = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
    ours = widget.render("field", value, attrs={"id": "id_field"}, renderer=FormRenderer())
    assert ours == django_html


def test_the_fast_path_is_taken_for_inputs_only(monkeypatch):
    renderer = FormRenderer()
    drawn = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, name, context, request=None: drawn.append(name) or "")
    forms.EmailInput().render("email", "x@example.org", renderer=renderer)
    forms.Select(choices=[("a", "A")]).render("choice", "a", renderer=renderer)
    assert drawn == ["django/forms/widgets/select.html"]
    assert "django/forms/widgets/email.html" in INPUT_TEMPLATES


def test_the_project_uses_it_on_its_forms():
    form = SignInEmailForm(initial={"email": "a@example.org"})
    assert isinstance(form.renderer, FormRenderer)
    html = str(form["email"])
    assert html.startswith('<input type="email" name="email"') and 'autocomplete="username"' in html
