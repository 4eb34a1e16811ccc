"""Reads for agreement between the first and second markings of the same cases (percentage
agreement and Cohen's kappa, from kappa.py) and for the moderation list. The two markings' answers
are read in one query and paired and counted here: a fixed number of queries whatever the number
of cases.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from inspections.people import name_from

from ..models import Answer, Assessment, AssessmentStatus, Marking, markings_both_submitted
from .kappa import cohens_kappa_of, percentage_agreement_of


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


def marking_pairs(cases):
    """[(case id, question id, first marker, second marker, first answer, second answer)]: each
    question both markings answered, of the cases in `cases` whose both markings are submitted.
    The one definition of what is compared; one query (the two markings' answers), paired here."""
    rows = Answer.objects.filter(
        assessment__case__in=cases.both_markings_submitted(), assessment__marking__in=[Marking.FIRST, Marking.SECOND]
    ).values_list("assessment__case_id", "question_id", "assessment__marking", "assessment__assessor_id", "value")
    return paired(rows.order_by())


def paired(rows):
    """`marking_pairs` from the answers already read: rows of (case id, question id, marking, assessor
    id, value), each of a first or second marking of a case whose both markings are submitted."""
    firsts, seconds = {}, {}
    for case_id, question_id, marking, assessor_id, value in rows:
        (firsts if marking == Marking.FIRST else seconds)[(case_id, question_id)] = (assessor_id, value)
    pairs = []
    for (case_id, question_id), (second_assessor, value) in seconds.items():
        first = firsts.get((case_id, question_id))
        if first is not None:
            pairs.append((case_id, question_id, first[0], second_assessor, first[1], value))
    return pairs


def _line(label, counts, key=None):
    return AgreementLine(label, sum(counts.values()), percentage_agreement_of(counts), cohens_kappa_of(counts), key)


def agreement(pairs, areas, names=None) -> Agreement:
    """Percentage agreement and Cohen's kappa per question, area, assessor pair and assessor, from
    `pairs` (`marking_pairs`, or `paired` on answers already read): one query (the assessors'
    names), none when the caller has the names already (`names`: {person id: name as shown}, as
    the dashboard's progress has them)."""
    cases_compared = len({case_id for case_id, *_ in pairs})
    question_area = {q.pk: area for area in areas for q in area.questions.all()}
    by_question, by_area, by_pair, by_assessor = (defaultdict(lambda: defaultdict(int)) for _ in range(4))
    overall = defaultdict(int)
    for _, question_id, first, second, first_value, value in pairs:
        pair = (first_value, value)
        overall[pair] += 1
        by_question[question_id][pair] += 1
        area = question_area.get(question_id)
        if area is not None:
            by_area[area.pk][pair] += 1
        by_pair[(first, second)][pair] += 1
        by_assessor[first][pair] += 1
        if second != first:
            by_assessor[second][pair] += 1
    ids = {i for key in by_pair for i in key}
    if names is None or not ids <= names.keys():
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
    case_id: int
    reference: str
    first_marker: str  # the markers' names as shown
    second_marker: str
    final_status: str | None  # the moderated assessment's status, None before moderation starts
    agreed: int
    compared: int

    @property
    def percent(self):
        return percentage_agreement_of({(1, 1): self.agreed, (1, 0): self.compared - self.agreed})

    @property
    def disagreements(self):
        return self.compared - self.agreed

    @property
    def moderated(self):
        return self.final_status == AssessmentStatus.SUBMITTED


def moderation_lines(inspection):
    """Cases whose first and second markings are both submitted, moderated or not, with their
    agreement, by reference: two queries (the inspection's markings with their case's reference and
    assessor's name, then the answers of both markings of the cases ready), read as rows."""
    markings = defaultdict(dict)  # {case id: {marking: (assessment id, status, assessor id, name)}}
    references = {}
    for pk, case_id, reference, marking, status, assessor_id, first_name, last_name, username in (
        Assessment.objects.filter(case__inspection=inspection)
        .order_by()
        .values_list(
            "pk",
            "case_id",
            "case__reference",
            "marking",
            "status",
            "assessor_id",
            "assessor__first_name",
            "assessor__last_name",
            "assessor__username",
        )
    ):
        markings[case_id][marking] = (pk, status, assessor_id, name_from(first_name, last_name, username))
        references[case_id] = reference
    ready = {
        case_id: by_marking
        for case_id, by_marking in markings.items()
        if markings_both_submitted({marking: row[1] for marking, row in by_marking.items()})
    }
    compared = {  # {assessment id: (case id, marking, assessor id)} of both markings of the cases ready
        by_marking[marking][0]: (case_id, marking, by_marking[marking][2])
        for case_id, by_marking in ready.items()
        for marking in (Marking.FIRST, Marking.SECOND)
    }
    rows = Answer.objects.filter(assessment_id__in=list(compared)).values_list("assessment_id", "question_id", "value")
    counts = defaultdict(lambda: [0, 0])  # {case id: [agreed, compared]}
    marking_rows = (
        (case_id, question_id, marking, assessor_id, value)
        for assessment_id, question_id, value in rows
        for case_id, marking, assessor_id in (compared[assessment_id],)
    )
    for case_id, _, _, _, first_value, value in paired(marking_rows):
        counted = counts[case_id]
        counted[0] += first_value == value
        counted[1] += 1
    lines = []
    for case_id, by_marking in sorted(ready.items(), key=lambda item: references[item[0]]):
        final = by_marking.get(Marking.FINAL)
        agreed, compared_count = counts.get(case_id, (0, 0))
        lines.append(
            ModerationLine(
                case_id,
                references[case_id],
                by_marking[Marking.FIRST][3],
                by_marking[Marking.SECOND][3],
                final[1] if final else None,
                agreed,
                compared_count,
            )
        )
    return lines
