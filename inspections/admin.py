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
    list_display = ["name", "local_authority", "slug", "require_single_sign_on"]
    search_fields = ["name", "local_authority"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "service", "role"]
    list_filter = ["role", "service"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "service__name"]
    autocomplete_fields = ["user", "service"]


class FrozenWhenInUse:
    """An inline of a framework's parts: nothing added, changed or removed once an inspection uses it."""

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_in_use) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_in_use) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_in_use) and super().has_delete_permission(request, obj)


class BandInline(FrozenWhenInUse, admin.TabularInline):
    model = Band
    extra = 0


class OverallBandInline(FrozenWhenInUse, admin.TabularInline):
    model = OverallBand
    extra = 0


class FrameworkPartAdmin(admin.ModelAdmin):
    """Areas and questions come from `load_framework`: none added or changed here, and none removed
    from a framework an inspection uses (a change is a new version of the framework)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.framework.is_in_use and super().has_delete_permission(request, obj)


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
class AreaAdmin(FrameworkPartAdmin):
    list_display = ["name", "code", "framework"]
    list_filter = ["framework"]


@admin.register(Question)
class QuestionAdmin(FrameworkPartAdmin):
    list_display = ["code", "area", "stage", "key"]
    list_filter = ["framework", "stage", "key"]
    search_fields = ["code", "text"]


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
