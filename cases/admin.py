from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assessment, Case


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "inspection", "disposal", "rosh", "in_sample"]
    list_filter = ["inspection__service", "in_sample", "disposal", "rosh"]
    search_fields = ["reference"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["case", "assessor", "marking", "status", "answered"]
    list_filter = ["case__inspection__service", "marking", "status"]
