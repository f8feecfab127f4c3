from django.contrib import admin

from .models import StrengthRule


@admin.register(StrengthRule)
class StrengthRuleAdmin(admin.ModelAdmin):
    list_display = ["service", "effective_from", "requirement", "note"]
    list_filter = ["service", "requirement"]
    search_fields = ["service__name", "note"]
    date_hierarchy = "effective_from"
