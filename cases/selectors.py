"""Reads the case pages share, each in a fixed number of queries."""

import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q, TextField
from django.db.models.functions import Cast
from django.template.defaultfilters import pluralize

from inspections import applicability, ratings
from inspections.applicability import case_facts
from inspections.models import Area, Inspection, InspectionStatus, Judgement, Question
from inspections.people import display_name, name_from
from inspections.prepared import PreparedRead
from inspections.scoping import ObjectInMyServices

from .models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Case,
    Marking,
    SampleChange,
    both_markings_submitted,
)
from .oversight.disclosure import SMALL_GROUP


class AskedQuestion(NamedTuple):
    """A question as the scoring page and its save read it: the values they use, no model object."""

    pk: int
    code: str
    stage: str
    text: str
    guidance: str
    key: bool


class AskedArea(NamedTuple):
    """An area as the scoring page reads it, with `asked`: its questions the case is asked, in order."""

    pk: int
    code: str
    name: str
    asked: list


def _asked_questions(framework_id, scope=None):
    """The framework's questions scored case by case, in order, with their areas: plain rows."""
    questions = Question.objects.filter(area__framework_id=framework_id, area__judged_once=False).order_by(
        "area__order", "area_id", "order"
    )
    if scope is not None:
        questions = questions.filter(pk__in=scope)
    # The rules as their JSON text, parsed once per process for each text (`_rule`): 90 parsings a page.
    return questions.values_list(
        "pk",
        "code",
        "stage",
        "text",
        "guidance",
        "key",
        Cast("applies_to", TextField()),
        "area_id",
        "area__code",
        "area__name",
        Cast("area__applies_to", TextField()),
    )


@functools.lru_cache(maxsize=1024)
def _rule(text):
    """An `applies_to` rule from its JSON text, as JSONField reads it (None for none). Shared by every
    question with the same text: read, never changed (`applicability.applies`)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


# Built by the ORM once per process (and number of questions in a scope), run with the framework's id.
_ASKED_QUESTIONS = PreparedRead(Question, _asked_questions)


def case_areas(case, scope=None):
    """The areas the case is asked (AskedArea), each with `asked`: its questions that apply to the
    case (`applies_to` in the framework file), in order; only those of `scope` (a programme's themed
    audit) when given. One query of plain rows: the questions with their areas (an area without a
    question asked is left out, as `framework_areas` leaves out an area without a question in scope)."""
    framework_id = case.inspection.framework_id
    rows = _ASKED_QUESTIONS.rows(framework_id) if scope is None else _ASKED_QUESTIONS.rows(framework_id, sorted(scope))
    facts = case_facts(case)
    areas = {}  # {area id: (the area, whether it applies)} in the framework's order
    applies = applicability.applies
    for pk, code, stage, text, guidance, key, rule, area_id, area_code, area_name, area_rule in rows:
        if area_id not in areas:
            areas[area_id] = (AskedArea(area_id, area_code, area_name, []), applies(_rule(area_rule), facts))
        if applies(_rule(rule), facts):
            areas[area_id][0].asked.append(AskedQuestion(pk, code, stage, text, guidance, key))
    return [area for area, area_applies in areas.values() if area.asked and area_applies]


def framework_areas(framework_id, scope=None):
    """The framework's areas with their questions, in order: two queries.

    `scope`: the ids of the only questions to read (a programme's themed audit), None for all;
    areas left without a question are left out."""
    questions = Question.objects.order_by("order")
    # In the framework's order (one framework: its default ordering's join to the framework is not needed).
    areas = Area.objects.filter(framework_id=framework_id, judged_once=False).order_by("order")
    if scope is not None:
        questions = questions.filter(pk__in=scope)
        areas = areas.filter(questions__in=scope).distinct()
    return list(areas.prefetch_related(Prefetch("questions", queryset=questions)))


def next_assessment_for(assessment):
    """The assessor's next case to score in the same inspection (by reference), or None: one query."""
    return (
        Assessment.objects.filter(assessor_id=assessment.assessor_id, case__inspection_id=assessment.case.inspection_id)
        .exclude(status=AssessmentStatus.SUBMITTED)
        .exclude(pk=assessment.pk)
        .select_related("case")
        .order_by("case__reference", "pk")
        .first()
    )


def answers_of(assessment):
    """{question code: (value, note)} as saved: one query of plain rows."""
    return {code: (value, note) for code, value, note in _ANSWERS_BY_CODE.rows(assessment.pk)}


# Built by the ORM once per process, run with the assessment's id.
_ANSWERS_BY_CODE = PreparedRead(
    Answer,
    lambda assessment_id: (
        Answer.objects.filter(assessment_id=assessment_id).order_by().values_list("question__code", "value", "note")
    ),
)


# What the scoring page and its save read with an assessment: its case, the case's inspection with the
# inspection's programme audit (none for most: `question_scope` reads it), and the assessor (the query
# built once per process: inspections.scoping).
_SCOPED_ASSESSMENT = ObjectInMyServices(
    lambda: Assessment.objects.select_related("case__inspection__programme_audit", "assessor"),
    "case__inspection__service",
)


def assessment_for_scoring_or_404(user, pk):
    """The assessment if it is in one of the person's services (else 404), with its case, the case's
    inspection and its programme audit (None if none), and the assessor."""
    return _SCOPED_ASSESSMENT.get_or_404(user, pk)


def cases_with_assessments(inspection):
    """The inspection's cases with their assessments and assessors: two queries."""
    return (
        Case.objects.filter(inspection=inspection)
        .select_related("case_manager")
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.select_related("assessor").order_by("marking"))
        )
    )


def assessment_record(assessment):
    """Every change to the assessment and its answers, newest first, with old and new values."""
    entries = []
    for record in assessment.history.select_related("history_user").order_by("history_date"):
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": record.history_change_reason or record.get_history_type_display(),
                "detail": "",
                "old": "",
                "new": record.get_status_display(),
            }
        )
    previous = {}
    answer_history = (
        Answer.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "question")
        .order_by("history_date", "history_id")
    )
    labels = dict(Answer.Value.choices)
    for record in answer_history:
        old = previous.get(record.question_id)
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": "Answer changed" if old else "Answered",
                "detail": record.question.code,
                "old": f"{labels[old.value]}{': ' + old.note if old.note else ''}" if old else "",
                "new": f"{labels[record.value]}{': ' + record.note if record.note else ''}",
            }
        )
        previous[record.question_id] = record
    return sorted(entries, key=lambda e: e["when"], reverse=True)


def override_record(inspection):
    """Every override recorded or withdrawn on the inspection's judgements: who (their name; None for
    the system), when, old and new band. One query, of plain rows."""
    entries, previous = [], {}
    for when, user_id, first_name, last_name, username, area_id, area_name, label, reason in _OVERRIDE_HISTORY.rows(
        inspection.pk
    ):
        old = previous.get(area_id, "")
        previous[area_id] = label
        if old == label:
            continue  # a publication or another change that left the override as it was
        entries.append(
            {
                "when": when,
                "who": name_from(first_name, last_name, username) if user_id is not None else None,
                "area": area_name,
                "old": old or "Computed band",
                "new": label or "Computed band",
                "reason": reason,
            }
        )
    return list(reversed(entries))


def _judgement_history(inspection_id):
    return (
        Judgement.history.filter(inspection_id=inspection_id)
        .order_by("history_date", "history_id")
        .values_list(
            "history_date",
            "history_user_id",
            "history_user__first_name",
            "history_user__last_name",
            "history_user__username",
            "area_id",
            "area__name",
            "override_band_label",
            "override_reason",
        )
    )


# The judgements' history, built by the ORM once per process and run with the inspection's id.
_OVERRIDE_HISTORY = PreparedRead(Judgement, _judgement_history)


def outstanding_before_publishing(inspection):
    """What publishing now would leave out, in words: assessments not submitted (they do not count)
    and disagreeing markings not moderated (the first marking counts): four queries."""
    from .oversight.agreement import moderation_lines

    lines = []
    waiting = Assessment.objects.filter(case__inspection=inspection).exclude(status=AssessmentStatus.SUBMITTED).count()
    if waiting:
        lines.append(
            f"{waiting} assessment{pluralize(waiting)} not submitted: "
            f"{'it does' if waiting == 1 else 'they do'} not count."
        )
    unmoderated = [line for line in moderation_lines(inspection) if line.agreed < line.compared and not line.moderated]
    if unmoderated:
        count = len(unmoderated)
        lines.append(
            f"{count} case{pluralize(count)} with disagreeing markings not moderated: "
            f"the first marking counts ({', '.join(line.reference for line in unmoderated[:10])}"
            f"{', ...' if count > 10 else ''})."
        )
    return lines


# --- the record of a case -------------------------------------------------------------------

SKIPPED_FIELDS = {"created_at"}


def case_record_entries(case):
    """Changes, newest first: {when, who, what, detail, old, new}."""
    entries = []
    history = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = {f.name: f.verbose_name for f in Case._meta.fields}
    previous = None
    for record in history:
        if previous is None or record.history_type != "~":
            what = {"+": "Added", "~": "Changed", "-": "Deleted"}[record.history_type]
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "what": what,
                    "detail": "",
                    "old": "",
                    "new": "",
                }
            )
        else:
            for change in record.diff_against(previous).changes:
                if change.field in SKIPPED_FIELDS:
                    continue
                entries.append(
                    {
                        "when": record.history_date,
                        "who": record.history_user,
                        "what": record.history_change_reason or "Changed",
                        "detail": str(labels.get(change.field, change.field)).capitalize(),
                        "old": _shown(change.old),
                        "new": _shown(change.new),
                    }
                )
        previous = record
    for change in SampleChange.objects.filter(Q(removed=case) | Q(added=case)).select_related(
        "removed", "added", "changed_by"
    ):
        entries.append(
            {
                "when": change.changed_at,
                "who": change.changed_by,
                "what": f"Sample: {change.removed} replaced by {change.added} ({change.reason})",
                "detail": "In sample",
                "old": change.removed.reference,
                "new": change.added.reference,
            }
        )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def _shown(value):
    if value is None or value == "":
        return "(none)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


# --- the inspection's record of changes -------------------------------------------------------


def _object_entries(records, name_of, labels, skipped=SKIPPED_FIELDS):
    """Entries for historical `records` (any model), each object's changes diffed against its
    previous record: {when, who, what, detail, old, new}."""
    entries = []
    previous = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        name = name_of(record)
        if before is None or record.history_type != "~":
            what = {"+": "Added", "~": "Changed", "-": "Deleted"}[record.history_type]
            reason = f" ({record.history_change_reason})" if record.history_change_reason else ""
            entries.append(_entry(record, f"{name}: {what.lower()}{reason}", "", "", ""))
        else:
            for change in record.diff_against(before).changes:
                if change.field in skipped:
                    continue
                detail = str(labels.get(change.field, change.field)).capitalize()
                what = f"{name}: {(record.history_change_reason or 'changed').lower()}"
                entries.append(_entry(record, what, detail, _shown(change.old), _shown(change.new)))
        previous[record.id] = record
    return entries


def _entry(record, what, detail, old, new):
    return {
        "when": record.history_date,
        "who": record.history_user,
        "what": what,
        "detail": detail,
        "old": old,
        "new": new,
    }


def _labels(model):
    return {f.name: f.verbose_name for f in model._meta.fields}


def inspection_record_entries(inspection, user):
    """Everything on record about the inspection, newest first: its details and status, its
    judgements and overrides, its findings and recommendations (once they are on record), the
    assessments' submissions, reopenings and moderation (less the ones `user` marks blind), and
    who gave whom which role in the service. A fixed number of queries."""
    from inspections.models import Inspection, Judgement, Membership

    from .models import Assessment

    entries = _object_entries(
        Inspection.history.filter(id=inspection.pk).select_related("history_user"),
        lambda r: "Inspection",
        _labels(Inspection),
        SKIPPED_FIELDS | {"version"},
    )
    areas = dict(inspection.framework.areas.values_list("pk", "name"))
    entries += _object_entries(
        Judgement.history.filter(inspection_id=inspection.pk).select_related("history_user"),
        lambda r: f"Judgement for {areas.get(r.area_id, 'an area')}",
        _labels(Judgement),
        SKIPPED_FIELDS | {"version", "published_at", "overridden_at"},
    )
    for model, word in [(inspection.findings.model, "Finding"), (inspection.recommendations.model, "Recommendation")]:
        history = getattr(model, "history", None)
        if history is not None:
            entries += _object_entries(
                history.filter(inspection_id=inspection.pk).select_related("history_user"),
                lambda r, word=word: f"{word} {r.order}",
                _labels(model),
                SKIPPED_FIELDS | {"version"},
            )
    from .rules import blind_case_ids

    blind = blind_case_ids(user, inspection)
    references = dict(Case.objects.filter(inspection=inspection).values_list("pk", "reference"))
    for record in (
        Assessment.history.filter(case_id__in=list(references))
        .exclude(case_id__in=blind)
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason__in=["", "Draft saved"])
        .select_related("history_user")
    ):
        marking = dict(Assessment._meta.get_field("marking").choices).get(record.marking, record.marking)
        entries.append(
            _entry(
                record,
                f"Case {references.get(record.case_id)}, {marking.lower()}: {record.history_change_reason}",
                "",
                "",
                "",
            )
        )
    users = {}
    memberships = list(
        Membership.history.filter(service_id=inspection.service_id).select_related("history_user", "user")
    )
    for record in memberships:
        users[record.user_id] = record.user
    entries += _object_entries(
        memberships,
        lambda r: f"Role of {display_name(users.get(r.user_id)) if users.get(r.user_id) else 'a former member'}",
        _labels(Membership),
    )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


IN_PROGRESS = (InspectionStatus.SCORING, InspectionStatus.MODERATION)


@dataclass
class ProvisionalScore:
    """A question's score so far in an inspection or audit still being scored: provisional, it
    moves as cases are scored and moderated. Under SMALL_GROUP rated cases it is not shown."""

    inspection: object
    yes: int
    no: int

    @property
    def rated(self):
        return self.yes + self.no

    @property
    def suppressed(self):
        return self.rated < SMALL_GROUP

    @property
    def score(self):
        return None if self.suppressed else ratings.whole_percent(self.yes, self.no)


def provisional_question_scores(service_id, codes, *, leave_out_inspection=None):
    """{question code: [ProvisionalScore]} for the service's inspections and audits in progress
    (scoring or moderation), matched by question code, from each case's counting assessment. Cases
    still being marked blind (a second marking not yet submitted with the first) are left out, so no
    reader learns a marking they are blind to. Two queries."""
    inspections = {
        i.pk: i
        for i in Inspection.objects.filter(service_id=service_id, status__in=IN_PROGRESS)
        .exclude(pk=getattr(leave_out_inspection, "pk", None))
        .order_by("period_end", "pk")
    }
    if not inspections or not codes:
        return {}
    blind = Case.objects.filter(inspection_id__in=inspections, assessments__marking=Marking.SECOND).exclude(
        both_markings_submitted()
    )
    rows = (
        Answer.objects.counting()
        .filter(assessment__case__inspection_id__in=inspections, question__code__in=codes)
        .exclude(assessment__case__in=blind)
        .values("assessment__case__inspection_id", "question__code")
        .annotate(
            yes=Count("id", filter=Q(value=Answer.Value.YES)),
            no=Count("id", filter=Q(value=Answer.Value.NO)),
        )
        .order_by()
    )
    found = defaultdict(list)
    for row in rows:
        inspection = inspections[row["assessment__case__inspection_id"]]
        found[row["question__code"]].append(ProvisionalScore(inspection, row["yes"], row["no"]))
    order = list(inspections)
    for scores in found.values():
        scores.sort(key=lambda s: order.index(s.inspection.pk))
    return dict(found)
