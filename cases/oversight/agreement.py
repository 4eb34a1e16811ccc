"""Reads for agreement between the first and second markings of the same cases (percentage
agreement and Cohen's kappa, from kappa.py) and for the moderation list. Counts are aggregated in
the database: a fixed number of queries whatever the number of cases.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery

from inspections.people import name_from

from ..models import Answer, Assessment, AssessmentStatus, Case, Marking
from .kappa import cohens_kappa, percentage_agreement


@dataclass
class AgreementLine:
    label: str
    pairs: int
    percent: float | None
    kappa: float | None
    key: object = None


@dataclass
class Agreement:
    cases: int
    overall: AgreementLine
    by_question: list[AgreementLine]
    by_area: list[AgreementLine]
    by_pair: list[AgreementLine]
    by_assessor: list[AgreementLine]


def _second_answers_with_first(cases):
    """Second-marking answers of cases whose both markings are submitted, each with the first
    marking's answer to the same question and the first marker."""
    first_answer = Answer.objects.filter(
        assessment__case=OuterRef("assessment__case"), assessment__marking=Marking.FIRST, question=OuterRef("question")
    ).values("value")[:1]
    first_assessor = Assessment.objects.filter(case=OuterRef("assessment__case"), marking=Marking.FIRST).values(
        "assessor_id"
    )[:1]
    return (
        Answer.objects.filter(assessment__case__in=cases.both_markings_submitted(), assessment__marking=Marking.SECOND)
        .annotate(first_value=Subquery(first_answer), first_assessor=Subquery(first_assessor))
        .exclude(first_value=None)
    )


def _line(label, counter, key=None):
    pairs = [pair for pair, n in counter.items() for _ in range(n)]
    return AgreementLine(label, len(pairs), percentage_agreement(pairs), cohens_kappa(pairs), key)


def agreement(cases, areas) -> Agreement:
    """Percentage agreement and Cohen's kappa per question, area, assessor pair and assessor:
    two queries (the contingency counts per case, aggregated in the database, and the assessors' names)."""
    rows = list(
        _second_answers_with_first(cases)
        .values(
            "assessment__case_id", "question_id", "first_assessor", "assessment__assessor_id", "first_value", "value"
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    cases_compared = len({row["assessment__case_id"] for row in rows})
    question_area = {q.pk: area for area in areas for q in area.questions.all()}
    by_question, by_area, by_pair, by_assessor = (defaultdict(lambda: defaultdict(int)) for _ in range(4))
    overall = defaultdict(int)
    for row in rows:
        pair = (row["first_value"], row["value"])
        n = row["n"]
        first, second = row["first_assessor"], row["assessment__assessor_id"]
        overall[pair] += n
        by_question[row["question_id"]][pair] += n
        area = question_area.get(row["question_id"])
        if area is not None:
            by_area[area.pk][pair] += n
        by_pair[(first, second)][pair] += n
        by_assessor[first][pair] += n
        if second != first:
            by_assessor[second][pair] += n
    ids = {i for key in by_pair for i in key}
    names = {
        u.pk: name_from(u.first_name, u.last_name, u.username)
        for u in get_user_model().objects.filter(pk__in=ids).only("first_name", "last_name", "username")
    }
    return Agreement(
        cases=cases_compared,
        overall=_line("All questions", overall),
        by_question=[
            _line(f"{q.code}", by_question[q.pk], key=q)
            for area in areas
            for q in area.questions.all()
            if q.pk in by_question
        ],
        by_area=[_line(area.name, by_area[area.pk], key=area) for area in areas if area.pk in by_area],
        by_pair=sorted(
            (
                _line(f"{names.get(a, '?')} (first) and {names.get(b, '?')} (second)", counter, key=(a, b))
                for (a, b), counter in by_pair.items()
            ),
            key=lambda line: line.label,
        ),
        by_assessor=sorted(
            (_line(names.get(a, "?"), counter, key=a) for a, counter in by_assessor.items()),
            key=lambda line: line.label,
        ),
    )


# --- moderation list -------------------------------------------------------------------------


@dataclass
class ModerationLine:
    case: Case
    first: Assessment
    second: Assessment
    final: Assessment | None
    agreed: int
    compared: int

    @property
    def percent(self):
        return percentage_agreement([(1, 1)] * self.agreed + [(1, 0)] * (self.compared - self.agreed))

    @property
    def disagreements(self):
        return self.compared - self.agreed

    @property
    def moderated(self):
        return bool(self.final and self.final.status == AssessmentStatus.SUBMITTED)


def moderation_lines(inspection):
    """Cases whose first and second markings are both submitted, moderated or not, with their
    agreement: three queries."""
    cases = (
        Case.objects.filter(inspection=inspection)
        .both_markings_submitted()
        .prefetch_related(Prefetch("assessments", queryset=Assessment.objects.select_related("assessor")))
        .order_by("reference")
    )
    counts = {
        row["assessment__case_id"]: (row["agreed"], row["compared"])
        for row in _second_answers_with_first(Case.objects.filter(inspection=inspection))
        .values("assessment__case_id")
        .annotate(compared=Count("id"), agreed=Count("id", filter=Q(value=F("first_value"))))
        .order_by()
    }
    lines = []
    for case in cases:
        by_marking = {a.marking: a for a in case.assessments.all()}
        agreed, compared = counts.get(case.pk, (0, 0))
        lines.append(
            ModerationLine(
                case,
                by_marking[Marking.FIRST],
                by_marking[Marking.SECOND],
                by_marking.get(Marking.FINAL),
                agreed,
                compared,
            )
        )
    return lines
