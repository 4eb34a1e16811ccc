"""Reads of the audit programme, each in a fixed number of queries whatever the number of audits:
the calendar (what is due, open, late and done, with progress), the overdue audits for the
manager's home page, the run charts, and what an improvement action's audits show."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from inspections import ratings
from inspections.models import (
    Area,
    InspectionKind,
    InspectionStatus,
    Judgement,
    PublishedQuestionScore,
)
from inspections.prepared_objects import PreparedObjects

from ..models import Answer, Assessment, AssessmentStatus, AuditTemplate, Marking, ProgrammeAudit
from ..oversight.disclosure import SMALL_GROUP, SUPPRESSED
from . import periods
from .services import given_dates

REFERENCE_KINDS = (InspectionKind.HMIP_INSPECTION, InspectionKind.HMIP_REINSPECTION, InspectionKind.YJB_MOCK)


@dataclass
class Progress:
    submitted: int = 0
    total: int = 0

    @property
    def percent(self):
        return round(100 * self.submitted / self.total) if self.total else 0

    @property
    def text(self):
        return f"{self.submitted} of {self.total} cases scored" if self.total else "No cases assigned yet"


@dataclass
class CalendarCell:
    template: AuditTemplate
    period: periods.Period
    due_on: dt.date
    status: str
    audit: ProgrammeAudit | None
    progress: Progress

    @property
    def status_label(self):
        return periods.STATUS_LABELS[self.status]

    @property
    def on_time(self):
        inspection = self.audit.inspection if self.audit else None
        return bool(inspection and inspection.is_published and inspection.published_on <= self.due_on)


@dataclass
class CalendarRow:
    template: AuditTemplate
    cells: list[CalendarCell]

    @property
    def counts(self):
        found = defaultdict(int)
        for cell in self.cells:
            found[cell.status] += 1
        return [(periods.STATUS_LABELS[s], found[s]) for s in periods.STATUS_LABELS if found[s]]


def _template_periods(template, first, last):
    dates = given_dates(template) if template.rhythm == periods.DATES else ()
    return periods.periods_between(template.rhythm, first, last, template.starts_on, dates)


def _progress(inspection_ids):
    """{inspection id: Progress} over first markings: one query."""
    rows = (
        Assessment.objects.filter(case__inspection_id__in=inspection_ids, marking=Marking.FIRST)
        .values("case__inspection_id")
        .annotate(total=Count("pk"), submitted=Count("pk", filter=Q(status=AssessmentStatus.SUBMITTED)))
        .order_by()
    )
    return {r["case__inspection_id"]: Progress(r["submitted"], r["total"]) for r in rows}


def programme_calendar(service, first, last, today, templates=None) -> list[CalendarRow]:
    """Each template's periods overlapping first..last with their status and progress: three queries."""
    # The service's templates by the read built once, run with its id; or those given.
    templates = _SERVICE_TEMPLATES.objects(service.pk) if templates is None else list(_with_framework(templates))
    if not templates:
        return []
    audits = {
        (a.template_id, a.period_start): a
        for a in ProgrammeAudit.objects.filter(
            template__in=[t.pk for t in templates], period_start__lte=last, period_end__gte=first
        ).select_related("inspection")
    }
    progress = _progress([a.inspection_id for a in audits.values()])
    rows = []
    for template in templates:
        cells = []
        for period in _template_periods(template, first, last):
            audit = audits.get((template.pk, period.start))
            due = audit.due_on if audit else periods.due_on(period, template.days_to_complete)
            finished = bool(audit and audit.inspection.is_published)
            if audit is None and not template.active and today >= period.start:
                continue  # a template no longer in use owes no new audits
            status = periods.period_status(period, today, due, audit is not None, finished)
            cells.append(
                CalendarCell(
                    template,
                    period,
                    due,
                    status,
                    audit,
                    progress.get(audit.inspection_id, Progress()) if audit else Progress(),
                )
            )
        rows.append(CalendarRow(template, cells))
    return rows


def _with_framework(templates):
    return templates.select_related("framework").order_by("name")


_SERVICE_TEMPLATES = PreparedObjects(
    AuditTemplate, lambda service_id: _with_framework(AuditTemplate.objects.filter(service_id=service_id))
)


def overdue_audits(service, today) -> list[CalendarCell]:
    """Audits of the last twelve months past their due date and not finished (created or not): three queries."""
    rows = programme_calendar(service, today - dt.timedelta(days=366), today, today)
    return [cell for row in rows for cell in row.cells if cell.status == periods.LATE]


# --- run charts ------------------------------------------------------------------------------


@dataclass
class RunPoint:
    label: str
    date: dt.date
    percent: int | None
    cases: int
    suppressed: bool = False
    reference: bool = False  # an inspection or mock inspection, not an audit of the programme
    href: str = ""

    @property
    def text(self):
        if self.suppressed:
            return SUPPRESSED
        return "Not rated" if self.percent is None else f"{self.percent}%"


@dataclass
class RunSeries:
    code: str
    name: str
    points: list[RunPoint]
    median: int | None = None
    questions: list = field(default_factory=list)


def median_of(values) -> int | None:
    """The median of the shown whole percentages, rounded half up; None if there are none."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return int(statistics.median(values) + 0.5)


def _counting_tallies(inspection_ids):
    """{inspection id: {question id: Tally}} and {inspection id: cases} from counting assessments: two queries."""
    counting = Assessment.objects.counting().filter(case__inspection_id__in=inspection_ids)
    cases = {
        r["case__inspection_id"]: r["n"]
        for r in counting.values("case__inspection_id").annotate(n=Count("pk")).order_by()
    }
    tallies = defaultdict(dict)
    for row in (
        Answer.objects.filter(assessment__in=counting)
        .values("assessment__case__inspection_id", "question_id")
        .annotate(
            yes=Count("pk", filter=Q(value=Answer.Value.YES)),
            no=Count("pk", filter=Q(value=Answer.Value.NO)),
            na=Count("pk", filter=Q(value=Answer.Value.NA)),
        )
        .order_by()
    ):
        tallies[row["assessment__case__inspection_id"]][row["question_id"]] = ratings.Tally(
            row["yes"], row["no"], row["na"]
        )
    return tallies, cases


def _audit_point(audit, cases, percent_of):
    """An audit's point: `percent_of(inspection id)` unless fewer than SMALL_GROUP cases were counted."""
    n = cases.get(audit.inspection_id, 0)
    suppressed = 0 < n < SMALL_GROUP
    percent = None if suppressed else percent_of(audit.inspection_id)
    return RunPoint(audit.inspection.title.split(": ")[-1], audit.period_start, percent, n, suppressed)


def _reference_points(references, scores, code):
    """The inspections' and mock inspections' points for an area or question `code`."""
    points = []
    for inspection in references:
        score = scores[inspection.pk].get(code)
        if score is None:
            continue
        label = f"{inspection.title} ({inspection.get_kind_display()})"
        points.append(RunPoint(label, inspection.published_on or inspection.period_end, score, 0, reference=True))
    return points


def _run(code, name, points, references):
    run = RunSeries(code, name, sorted(points + references, key=lambda p: p.date))
    run.median = median_of(p.percent for p in points)
    return run


def run_charts(template, area_code=None) -> list[RunSeries]:
    """Per area (and, for `area_code`, per question) a point per audit of the programme, the median of
    those points, and the service's inspection and mock-inspection results on the same axis.
    An audit of fewer than SMALL_GROUP cases is suppressed. A fixed number of queries."""
    framework = template.framework
    bands = [ratings.Band(b.label, b.min_percent, b.equivalent) for b in framework.bands.all()]
    # Areas judged once for the whole inspection (not case by case) have no per-case answers to chart.
    areas = list(Area.objects.filter(framework=framework, judged_once=False).prefetch_related("questions"))
    audits = list(
        ProgrammeAudit.objects.filter(template=template)
        .exclude(inspection__status=InspectionStatus.PLANNED)
        .select_related("inspection")
        .order_by("period_start")
    )
    if not audits:
        return []
    tallies, cases = _counting_tallies([a.inspection_id for a in audits])
    scope = set(audits[-1].question_ids) if audits[-1].question_ids else None

    references = list(
        template.service.inspections.filter(kind__in=REFERENCE_KINDS).published().order_by("published_on", "pk")
    )
    area_scores = defaultdict(dict)  # {inspection id: {area code: score}}
    for j in Judgement.objects.filter(inspection__in=references, score__isnull=False).select_related("area"):
        area_scores[j.inspection_id][j.area.code] = j.score
    question_scores = defaultdict(dict)  # {inspection id: {question code: score}}
    if area_code:
        for q in PublishedQuestionScore.objects.filter(inspection__in=references, score__isnull=False).select_related(
            "question"
        ):
            question_scores[q.inspection_id][q.question.code] = q.score

    series = []
    for area in areas:
        questions = [q for q in area.questions.all() if scope is None or q.pk in scope]
        if not questions:
            continue
        keys = [q.code for q in questions if q.key]

        def area_percent(inspection_id, questions=questions, keys=keys):
            by_code = {q.code: tallies[inspection_id].get(q.pk, ratings.Tally()) for q in questions}
            return ratings.area_result(framework.rule, by_code, bands, key_questions=keys).score

        points = [_audit_point(audit, cases, area_percent) for audit in audits]
        run = _run(area.code, area.name, points, _reference_points(references, area_scores, area.code))
        if area_code == area.code:
            for question in questions:

                def question_percent(inspection_id, question=question):
                    tally = tallies[inspection_id].get(question.pk, ratings.Tally())
                    return ratings.whole_percent(tally.yes, tally.no)

                q_points = [_audit_point(audit, cases, question_percent) for audit in audits]
                q_refs = _reference_points(references, question_scores, question.code)
                run.questions.append(_run(question.code, question.text, q_points, q_refs))
        series.append(run)
    return series


# --- improvement actions ---------------------------------------------------------------------


@dataclass
class PromisedAudits:
    """What an improvement action's audits show: how many were due, done on time, late; the latest findings."""

    template: AuditTemplate
    due: int
    on_time: int
    late: int
    latest: ProgrammeAudit | None
    latest_scores: list[tuple[str, int | None]]

    @property
    def summary(self):
        return f"{self.on_time} of {self.due} audits due so far were finished on time; {self.late} late"


def promised_audits(template_ids, today) -> dict[int, PromisedAudits]:
    """{template id: PromisedAudits} for the templates actions are linked to: four queries."""
    if not template_ids:
        return {}
    templates = list(AuditTemplate.objects.filter(pk__in=template_ids))
    first = min(t.starts_on for t in templates)
    found = {}
    rows = {
        row.template.pk: row
        for row in programme_calendar(None, first, today, today, AuditTemplate.objects.filter(pk__in=template_ids))
    }
    latest = {}
    for row in rows.values():
        done = [c.audit for c in row.cells if c.status == periods.DONE]
        latest[row.template.pk] = done[-1] if done else None
    scores = defaultdict(list)
    for j in Judgement.objects.filter(inspection__in=[a.inspection_id for a in latest.values() if a]).select_related(
        "area"
    ):
        scores[j.inspection_id].append((j.area.name, j.score))
    for template_id, row in rows.items():
        owed = [c for c in row.cells if c.due_on < today or c.status == periods.DONE]
        audit = latest[template_id]
        found[template_id] = PromisedAudits(
            template=row.template,
            due=len(owed),
            on_time=sum(1 for c in owed if c.on_time),
            late=sum(1 for c in owed if not c.on_time),
            latest=audit,
            latest_scores=scores.get(audit.inspection_id, []) if audit else [],
        )
    return found
