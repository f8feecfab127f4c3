from django.contrib import admin

from cas_server.admin import LabelledInlineFormSet, ServiceAdmin

from .models import StrengthRule


class StrengthRuleInline(admin.TabularInline):
    """The service's policy: from each date on, the level or strengths it requires."""

    model = StrengthRule
    formset = LabelledInlineFormSet
    extra = 0
    fields = ("effective_from", "requirement", "note")


# The service's admin page shows its policy (cas_server's admin knows no policy app).
ServiceAdmin.inlines = [*ServiceAdmin.inlines, StrengthRuleInline]


@admin.register(StrengthRule)
class StrengthRuleAdmin(admin.ModelAdmin):
    list_display = ["service", "effective_from", "requirement", "note"]
    list_filter = ["service", "requirement"]
    search_fields = ["service__name", "note"]
    date_hierarchy = "effective_from"
