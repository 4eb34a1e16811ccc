"""Each role's home page ("my work"): (template, context) for the current service."""

from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Assessment, AssessmentStatus
from cases.programme.selectors import overdue_audits
from improvement.models import ImprovementPlan
from inspections.models import Inspection
from inspections.scoping import in_my_services


def officer_home(request):
    """The cases assigned to the officer in this service, with their state."""
    assessments = (
        Assessment.objects.filter(assessor=request.user, case__inspection__service=request.service)
        .exclude(case__inspection__status__in=["published", "closed"])
        .select_related("case", "case__inspection")
        .order_by("status", "case__inspection__title", "case__reference")
    )
    return "home/officer.html", {
        "page_title": "My cases",
        "assessments": assessments,
        "to_do": sum(1 for a in assessments if a.status != AssessmentStatus.SUBMITTED),
    }


def _inspections_with_progress(queryset):
    return queryset.select_related("service", "framework").annotate(
        sampled=Count("cases", filter=Q(cases__in_sample=True), distinct=True),
        submitted=Count(
            "cases__assessments",
            filter=Q(cases__assessments__status=AssessmentStatus.SUBMITTED, cases__assessments__marking="first"),
            distinct=True,
        ),
    )


def manager_home(request):
    """The service's inspections and audits with scoring progress, and its improvement plans."""
    inspections = _inspections_with_progress(Inspection.objects.filter(service=request.service))
    return "home/manager.html", {
        "page_title": f"{request.service.name}: home",
        "inspections": inspections,
        "plans": _plans(request),
        "overdue_audits": overdue_audits(request.service, timezone.localdate()),
    }


def board_home(request):
    """What the board reads: the service's improvement plans and published judgements."""
    published = Inspection.objects.filter(service=request.service).published().select_related("framework")
    return "home/board.html", {
        "page_title": f"{request.service.name}: board",
        "published_inspections": published,
        "plans": _plans(request),
    }


def inspector_home(request):
    """Inspections in every service the inspector belongs to."""
    inspections = _inspections_with_progress(in_my_services(Inspection.objects.all(), request.user))
    return "home/inspector.html", {"page_title": "Inspections", "inspections": inspections}


def _plans(request):
    """The service's improvement plans."""
    return ImprovementPlan.objects.filter(inspection__service=request.service).select_related("inspection")
