from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, Board, BoardReport, Evidence, ImprovementPlan, Meeting, ProgressUpdate, Term, Theme


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "approved_on", "reinspection_due"]
    list_filter = ["status"]
    list_select_related = ["inspection"]
    raw_id_fields = ["inspection", "submitted_by", "approved_by"]
    inlines = [ThemeInline]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "theme", "due_on", "status", "brag"]
    list_filter = ["status", "brag"]
    raw_id_fields = ["plan", "theme", "owner"]
    filter_horizontal = ["recommendations", "areas", "questions"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "date", "brag", "author"]
    raw_id_fields = ["action", "author"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = ["stored_name", "sha256", "size", "content_type"]
    raw_id_fields = ["update", "uploaded_by"]


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "service"]
    filter_horizontal = ["members"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["board", "held_on"]


@admin.register(BoardReport)
class BoardReportAdmin(admin.ModelAdmin):
    list_display = ["plan", "meeting", "issued_at", "issued_by"]
    exclude = ["pdf"]
    readonly_fields = ["html", "brag_counts", "issued_at", "issued_by"]


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["term", "meaning"]
    search_fields = ["term", "meaning", "definition"]
