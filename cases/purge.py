"""Retention: case-level data of inspections closed more than RETENTION_DAYS ago is deleted.

Deleted: the cases, their assessments and answers, the record (history rows) of each, sample draws
and sample changes. Kept: the inspection, its published judgements and question scores (so its
report reads the same), findings, recommendations and the improvement plan with its evidence.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inspections.models import Inspection, InspectionStatus

from .models import Answer, Assessment, Case, SampleChange, SampleDraw


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
    }


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
    for label in ["sample changes", "sample draws", "answers", "assessments", "cases"]:
        querysets[label].delete()
    historical_case_ids = list(Case.history.model.objects.filter(inspection_id=locked.pk).values_list("id", flat=True))
    historical_assessment = Assessment.history.model.objects.filter(case_id__in=historical_case_ids)
    assessment_ids = list(historical_assessment.values_list("id", flat=True))
    Answer.history.model.objects.filter(assessment_id__in=assessment_ids).delete()
    historical_assessment.delete()
    Case.history.model.objects.filter(inspection_id=locked.pk).delete()
    return counts
