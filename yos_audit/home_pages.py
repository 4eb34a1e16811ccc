"""Each role's home page ("my work"): (template, context) for the current service."""

from django.db.models import Count, Q
from django.utils import timezone

from cases.feedback.selectors import my_feedback, overdue_case_actions
from cases.models import Assessment, AssessmentStatus, ReAudit
from cases.safeguarding.selectors import open_concerns_for
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
    feedback = my_feedback(request.user, request.service)
    return "home/officer.html", {
        "page_title": "My cases",
        "assessments": assessments,
        "to_do": sum(1 for a in assessments if a.status != AssessmentStatus.SUBMITTED),
        "feedback_to_acknowledge": sum(1 for f in feedback if not f.acknowledged_at),
        "case_actions_to_do": sum(f.open_actions for f in feedback),
        "re_audits": ReAudit.objects.filter(assessor=request.user, case__inspection__service=request.service)
        .exclude(status=AssessmentStatus.SUBMITTED)
        .select_related("case__inspection"),
        **_concerns(request),
    }


def _concerns(request):
    """Open safeguarding concerns for a manager or safeguarding lead (none for others)."""
    membership = request.membership
    if not (membership.role == "manager" or membership.safeguarding_lead or membership.head_of_service):
        return {"open_concerns": [], "now": timezone.now()}
    return {"open_concerns": open_concerns_for(request.user, request.service), "now": timezone.now()}


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
        "overdue_case_actions": overdue_case_actions(request.service),
        **_concerns(request),
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
