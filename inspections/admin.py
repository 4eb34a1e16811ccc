from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BEFORE_SCORING,
    Area,
    Band,
    Framework,
    Inspection,
    Judgement,
    Membership,
    OverallBand,
    Question,
    Service,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "local_authority", "slug"]
    search_fields = ["name", "local_authority"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "service", "role"]
    list_filter = ["role", "service"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "service__name"]
    autocomplete_fields = ["user", "service"]


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


class OverallBandInline(admin.TabularInline):
    model = OverallBand
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Read-only: frameworks come from `load_framework`, and a change is a new version."""

    list_display = ["name", "code", "version", "rule", "loaded_at"]
    inlines = [BandInline, OverallBandInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_in_use and super().has_delete_permission(request, obj)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "framework"]
    list_filter = ["framework"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "area", "stage", "key"]
    list_filter = ["framework", "stage", "key"]
    search_fields = ["code", "text"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "service", "kind", "status", "period_end"]
    list_filter = ["service", "kind", "status"]
    search_fields = ["title"]

    def get_readonly_fields(self, request, obj=None):
        """The framework and service cannot change once scoring has started (the model refuses it too)."""
        readonly = list(super().get_readonly_fields(request, obj))
        # Asked of the stored inspection: a refused post has already written its status onto `obj`.
        if obj is not None and Inspection.objects.filter(pk=obj.pk).exclude(status__in=BEFORE_SCORING).exists():
            readonly += ["framework", "service"]
        return readonly


@admin.register(Judgement)
class JudgementAdmin(SimpleHistoryAdmin):
    list_display = ["inspection", "area", "score", "band_label", "override_band_label"]
    list_filter = ["inspection__service"]
