"""Retention: case-level data of inspections closed more than RETENTION_DAYS ago is deleted.

Deleted: the cases, their assessments and answers, the feedback to case holders with its case
actions, re-audits and safeguarding concerns raised about the cases (issue 14; docs/security.md
says why), the record (history rows) of each, sample draws and sample changes. Kept: the
inspection, its published judgements and question scores (so its report reads the same),
findings, recommendations and the improvement plan with its evidence.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inspections.models import Inspection, InspectionStatus

from .models import (
    Answer,
    Assessment,
    Case,
    CaseAction,
    ConcernStep,
    Feedback,
    FeedbackArea,
    ReAudit,
    ReAuditAnswer,
    SafeguardingConcern,
    SampleChange,
    SampleDraw,
)


@dataclass
class PurgeCounts:
    inspection: Inspection
    counts: dict = field(default_factory=dict)

    @property
    def total(self):
        return sum(self.counts.values())

    def describe(self):
        return ", ".join(f"{n} {label}" for label, n in self.counts.items())


def retention_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS)


def expired_inspections(now=None):
    """Closed inspections whose closing is older than the retention period."""
    return Inspection.objects.filter(
        status=InspectionStatus.CLOSED, closed_at__lt=retention_cutoff(now)
    ).select_related("service")


def closed_without_date():
    """Closed inspections with no closing date (closed before it was recorded): never purged by date."""
    return Inspection.objects.filter(status=InspectionStatus.CLOSED, closed_at__isnull=True).select_related("service")


def _querysets(inspection):
    """What is deleted for the inspection, by label: live rows and their history rows."""
    historical_case = Case.history.model.objects.filter(inspection_id=inspection.pk)
    case_ids = historical_case.values("id")
    historical_assessment = Assessment.history.model.objects.filter(case_id__in=case_ids)
    assessment_ids = historical_assessment.values("id")
    return {
        "cases": Case.objects.filter(inspection=inspection),
        "assessments": Assessment.objects.filter(case__inspection=inspection),
        "answers": Answer.objects.filter(assessment__case__inspection=inspection),
        "sample draws": SampleDraw.objects.filter(inspection=inspection),
        "sample changes": SampleChange.objects.filter(inspection=inspection),
        "case history rows": historical_case,
        "assessment history rows": historical_assessment,
        "answer history rows": Answer.history.model.objects.filter(assessment_id__in=assessment_ids),
        **_feedback_and_concerns(case_ids),
    }


def _feedback_and_concerns(case_ids):
    """Issue 14's case-level rows (live and history) about the cases with these ids."""
    feedback_ids = Feedback.history.model.objects.filter(case_id__in=case_ids).values("id")
    re_audit_ids = ReAudit.history.model.objects.filter(case_id__in=case_ids).values("id")
    concern_ids = SafeguardingConcern.history.model.objects.filter(case_id__in=case_ids).values("id")
    return {
        "safeguarding concerns": SafeguardingConcern.objects.filter(pk__in=concern_ids),
        "concern steps": ConcernStep.objects.filter(concern_id__in=concern_ids),
        "feedback": Feedback.objects.filter(case_id__in=case_ids),
        "case actions": CaseAction.objects.filter(feedback_id__in=feedback_ids),
        "re-audits": ReAudit.objects.filter(case_id__in=case_ids),
        "feedback, case action, re-audit and concern history rows": _Several(
            [
                FeedbackArea.history.model.objects.filter(feedback_id__in=feedback_ids),
                CaseAction.history.model.objects.filter(feedback_id__in=feedback_ids),
                ReAuditAnswer.history.model.objects.filter(re_audit_id__in=re_audit_ids),
                Feedback.history.model.objects.filter(case_id__in=case_ids),
                ReAudit.history.model.objects.filter(case_id__in=case_ids),
                SafeguardingConcern.history.model.objects.filter(case_id__in=case_ids),
            ]
        ),
    }


class _Several:
    """Several querysets counted and deleted as one line of the purge."""

    def __init__(self, querysets):
        self.querysets = querysets

    def count(self):
        return sum(qs.count() for qs in self.querysets)

    def delete(self):
        for qs in self.querysets:
            qs.delete()


def purge_counts(inspection):
    return PurgeCounts(inspection, {label: qs.count() for label, qs in _querysets(inspection).items()})


@transaction.atomic
def inspection_purge(*, inspection):
    """Delete the inspection's case-level data. Returns what was there (PurgeCounts)."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != InspectionStatus.CLOSED:
        raise ValueError(f"Inspection {locked.pk} is not closed: its case data is kept")
    counts = purge_counts(locked)
    querysets = _querysets(locked)
    # Live rows first (sample changes point at cases), then every history row, including those
    # written by the deletions themselves.
    concern_ids = list(querysets["safeguarding concerns"].values_list("pk", flat=True))
    SafeguardingConcern.objects.filter(pk__in=concern_ids).delete()
    for label in ["sample changes", "sample draws", "answers", "assessments", "cases"]:
        querysets[label].delete()
    _feedback_and_concerns(
        list(Case.history.model.objects.filter(inspection_id=locked.pk).values_list("id", flat=True))
    )["feedback, case action, re-audit and concern history rows"].delete()
    historical_case_ids = list(Case.history.model.objects.filter(inspection_id=locked.pk).values_list("id", flat=True))
    historical_assessment = Assessment.history.model.objects.filter(case_id__in=historical_case_ids)
    assessment_ids = list(historical_assessment.values_list("id", flat=True))
    Answer.history.model.objects.filter(assessment_id__in=assessment_ids).delete()
    historical_assessment.delete()
    Case.history.model.objects.filter(inspection_id=locked.pk).delete()
    return counts
