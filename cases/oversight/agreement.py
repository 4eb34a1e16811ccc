"""Reads for agreement between the first and second markings of the same cases (percentage
agreement and Cohen's kappa, from kappa.py) and for the moderation list. The two markings' answers
are read in one query and paired and counted here: a fixed number of queries whatever the number
of cases.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, router

from inspections.people import name_from
from inspections.prepared import PreparedRead

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
    `pairs` (`marking_pairs`, or `paired` on answers already read), over `areas` ([(area, its
    questions)], in order): one query (the assessors'
    names), none when the caller has the names already (`names`: {person id: name as shown}, as
    the dashboard's progress has them)."""
    cases_compared = len({case_id for case_id, *_ in pairs})
    question_area = {q.pk: area for area, questions in areas for q in questions}
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
            for _, questions in areas
            for q in questions
            if q.pk in by_question
        ],
        by_area=[_line(area.name, by_area[area.pk], key=area) for area, _ in areas if area.pk in by_area],
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


def _markings_of(inspection_id):
    return (
        Assessment.objects.filter(case__inspection_id=inspection_id)
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
    )


# The inspection's markings, built by the ORM once per process (inspections/prepared.py).
_MARKINGS = PreparedRead(Assessment, _markings_of)


@functools.cache
def _agreement_sql(alias):
    """Each first marking's answers paired with its case's second marking's answers to the same
    questions (`paired`: what is compared), counted by the database: a row a case, (first marking's
    id, questions compared, questions agreed). `{firsts}`, `{seconds}`: a placeholder for each first
    and second marking of the cases compared. Plain SQL that PostgreSQL and SQLite both run, its
    names from the models, written once per process."""
    quote = connections[alias].ops.quote_name

    def column(table, model, name):
        return f"{table}.{quote(model._meta.get_field(name).column)}"

    answer, assessment = quote(Answer._meta.db_table), quote(Assessment._meta.db_table)
    first_of, second_of = column("f", Answer, "assessment"), column("s", Answer, "assessment")
    return (
        f"SELECT {first_of}, COUNT(*), SUM(CASE WHEN {column('f', Answer, 'value')} = {column('s', Answer, 'value')} "  # noqa: S608 (names from the models)
        f"THEN 1 ELSE 0 END) FROM {answer} f "
        f"INNER JOIN {assessment} fa ON {column('fa', Assessment, 'id')} = {first_of} "
        f"INNER JOIN {assessment} sa ON {column('sa', Assessment, 'case')} = {column('fa', Assessment, 'case')} "
        f"INNER JOIN {answer} s ON {second_of} = {column('sa', Assessment, 'id')} "
        f"AND {column('s', Answer, 'question')} = {column('f', Answer, 'question')} "
        f"WHERE {first_of} IN ({{firsts}}) AND {column('sa', Assessment, 'id')} IN ({{seconds}}) GROUP BY {first_of}"
    )


def moderation_lines(inspection):
    """Cases whose first and second markings are both submitted, moderated or not, with their
    agreement, by reference: two queries of plain rows (the inspection's markings with their case's
    reference and assessor's name, then each ready case's questions compared and agreed, counted by
    the database from both markings' answers as `paired` pairs them)."""
    markings = defaultdict(dict)  # {case id: {marking: (assessment id, status, assessor id, name)}}
    references = {}
    for pk, case_id, reference, marking, status, assessor_id, first_name, last_name, username in _MARKINGS.rows(
        inspection.pk
    ):
        markings[case_id][marking] = (pk, status, assessor_id, name_from(first_name, last_name, username))
        references[case_id] = reference
    ready = {
        case_id: by_marking
        for case_id, by_marking in markings.items()
        if markings_both_submitted({marking: row[1] for marking, row in by_marking.items()})
    }
    firsts = [by_marking[Marking.FIRST][0] for by_marking in ready.values()]
    seconds = [by_marking[Marking.SECOND][0] for by_marking in ready.values()]
    counts = {}  # {first marking's id: (agreed, compared)}
    if firsts:
        alias = router.db_for_read(Answer) or DEFAULT_DB_ALIAS
        with connections[alias].cursor() as cursor:
            ids = ", ".join(["%s"] * len(firsts))
            cursor.execute(_agreement_sql(alias).format(firsts=ids, seconds=ids), [*firsts, *seconds])
            counts = {first_id: (int(agreed), compared) for first_id, compared, agreed in cursor.fetchall()}
    lines = []
    for case_id, by_marking in sorted(ready.items(), key=lambda item: references[item[0]]):
        final = by_marking.get(Marking.FINAL)
        agreed, compared_count = counts.get(by_marking[Marking.FIRST][0], (0, 0))
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
