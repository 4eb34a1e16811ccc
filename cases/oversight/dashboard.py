"""Reads for the inspection dashboard and its drill-down: area and question scores, the area by
stage matrix, breakdowns by team, case manager and the other dimensions, scoring progress and
agreement. Every figure is aggregated in the database; each selector runs a fixed number of
queries whatever the number of cases.
"""

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import F

from inspections import ratings
from inspections.models import Area, Inspection, Question, Stage
from inspections.people import name_from
from inspections.prepared import PreparedRead

from ..judgements import areas_with_questions, framework_bands, inspection_judgements
from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Case,
    Disposal,
    Gender,
    Marking,
    RiskLevel,
    counting_marking,
    markings_both_submitted,
    tally_counts,
)
from ..rules import hidden_first_markings_read
from .agreement import Agreement, agreement, paired
from .disclosure import HIDDEN, few_asked, protect, selection_hidden
from .figures import (
    NO_ANSWERS,
    SMALL_GROUP,
    STAGES,
    WEAKEST,
    Score,
    area_score_from,
    inspection_cases,
    manager_label,
    questions_area_score,
)

# --- the dimensions a breakdown or filter can use -------------------------------------------


@dataclass(frozen=True)
class Dimension:
    param: str  # query-string parameter of the filters and drill-down
    title: str
    field: str  # path from Case
    labels: dict = field(default_factory=dict)

    def label(self, value):
        if value in (None, ""):
            return "Not recorded"
        return self.labels.get(value, value)

    def param_value(self, value):
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)


DIMENSIONS = [
    Dimension("team", "Team", "team"),
    Dimension("case_manager", "Case manager", "manager_label"),
    Dimension("disposal", "Disposal", "disposal", dict(Disposal.choices)),
    Dimension("rosh", "Risk of serious harm", "rosh", dict(RiskLevel.choices)),
    Dimension("gender", "Gender", "gender", dict(Gender.choices)),
    Dimension("ethnicity", "Ethnicity", "ethnicity"),
    Dimension("looked_after", "Looked after", "looked_after", {True: "Yes", False: "No"}),
]


def _case_path(dimension, prefix):
    if dimension.field == "manager_label":
        return None
    return f"{prefix}{dimension.field}"


# --- result shapes ---------------------------------------------------------------------------


@dataclass
class QuestionLine:
    question: Question
    tally: ratings.Tally
    score: int | None
    suppressed: bool = False  # asked of too few cases to show its answers (disclosure.few_asked)


@dataclass
class AreaLine:
    area: Area
    score: Score
    cases: int
    tally: ratings.Tally
    band_label: str = ""
    counts_withheld: bool = False  # holds a suppressed question's answers: no Yes / No / N/A counts


@dataclass
class BreakdownRow:
    label: str
    value: str  # the drill-down parameter's value
    cases: int
    scores: list[Score]  # one per area, in order
    suppressed: bool = False  # hidden by disclosure control (disclosure.protect)
    cases_text: str = ""


@dataclass
class Breakdown:
    dimension: Dimension
    rows: list[BreakdownRow]
    withheld: bool = False  # so few cases that no group can be shown


@dataclass
class AssessorProgress:
    name: str
    counts: dict  # {(marking, status): n}

    def get(self, marking, status):
        return self.counts.get((marking, status), 0)

    @property
    def first_assigned(self):
        return sum(n for (m, _), n in self.counts.items() if m == Marking.FIRST)

    @property
    def first_submitted(self):
        return self.get(Marking.FIRST, AssessmentStatus.SUBMITTED)

    @property
    def first_draft(self):
        return self.get(Marking.FIRST, AssessmentStatus.DRAFT)

    @property
    def second_assigned(self):
        return sum(n for (m, _), n in self.counts.items() if m == Marking.SECOND)

    @property
    def second_submitted(self):
        return self.get(Marking.SECOND, AssessmentStatus.SUBMITTED)

    @property
    def moderated(self):
        return self.get(Marking.FINAL, AssessmentStatus.SUBMITTED)


@dataclass
class Progress:
    sampled: int
    assigned: int
    not_started: int
    draft: int
    submitted: int
    second_assigned: int
    second_submitted: int
    ready_to_moderate: int
    moderated: int
    assessors: list[AssessorProgress]
    names: dict = field(default_factory=dict)  # {assessor id: name as shown}


@dataclass
class Dashboard:
    inspection: Inspection
    filtered: bool
    cases_counted: int
    areas: list[AreaLine]
    bands: list[ratings.Band]
    questions: list[QuestionLine]
    weakest: list[QuestionLine]
    oversight_questions: list[QuestionLine]
    matrix: list[tuple[Area, list[Score]]]
    stages: list[tuple[str, str]]
    breakdowns: list[Breakdown]
    progress: Progress
    agreement: Agreement
    overall: ratings.OverallResult | None = None  # the framework's overall rating (unfiltered only)
    left_out: frozenset = frozenset()  # the cases left out of every figure (the reader's blind ones)

    @property
    def suppressed(self):
        return self.filtered and 0 < self.cases_counted < SMALL_GROUP


# --- progress --------------------------------------------------------------------------------


def progress(markings) -> Progress:
    """Scoring progress overall and per assessor, from `markings` (`case_markings` of the cases): no query."""
    totals = defaultdict(int)
    people = {}
    for _, _, marking, status, assessor_id, first_name, last_name, username in markings.rows:
        key = (marking, status)
        totals[key] += 1
        person = people.get(assessor_id)
        if person is None:
            person = people[assessor_id] = AssessorProgress(name_from(first_name, last_name, username), {})
        person.counts[key] = person.counts.get(key, 0) + 1
    ready = sum(
        1
        for statuses in markings.statuses.values()
        if markings_both_submitted(statuses) and statuses.get(Marking.FINAL) != AssessmentStatus.SUBMITTED
    )

    def total(marking, *statuses):
        return sum(totals[(marking, s)] for s in statuses or AssessmentStatus.values)

    return Progress(
        sampled=markings.sampled,
        assigned=total(Marking.FIRST),
        not_started=total(Marking.FIRST, AssessmentStatus.NOT_STARTED),
        draft=total(Marking.FIRST, AssessmentStatus.DRAFT),
        submitted=total(Marking.FIRST, AssessmentStatus.SUBMITTED),
        second_assigned=total(Marking.SECOND),
        second_submitted=total(Marking.SECOND, AssessmentStatus.SUBMITTED),
        ready_to_moderate=ready,
        moderated=total(Marking.FINAL, AssessmentStatus.SUBMITTED),
        assessors=sorted(people.values(), key=lambda p: p.name),
        names={person_id: person.name for person_id, person in people.items()},
    )


# --- the inspection dashboard ----------------------------------------------------------------


def dashboard(inspection, cases=None, *, leave_out=frozenset(), hidden_from=None) -> Dashboard:
    """Everything the inspection dashboard shows, for `cases` (a filtered queryset of the
    inspection's cases) or all of them, less the cases in `leave_out` (those the reader is marking
    blind: `rules.hidden_first_markings`; no figure may include them), or, for `hidden_from` (a
    person), less the cases whose first marking they are blind to, judged on the markings read here
    (`rules.hidden_first_markings_read`: no query of its own). The cases left out are the
    Dashboard's `left_out`. A fixed number of queries."""
    filtered = cases is not None
    framework = inspection.framework
    areas = areas_with_questions(framework)  # [(area, its questions)]
    bands_read = framework_bands(framework)
    bands = bands_read.bands
    markings = case_markings(inspection, cases, leave_out=leave_out, hidden_from=hidden_from)
    leave_out = markings.left_out
    counted = counted_cases(markings, [q.pk for _, questions in areas for q in questions])
    cases_counted = len(counted.groups)
    by_question, cases_by_area, cells = counted.figures(areas)
    suppress_all = filtered and cases_counted < SMALL_GROUP
    overall = None
    if not filtered:
        # The judgements page's own figures (stored ones once published).
        # (Live figures from the counted cases read above: the same counting assessments.)
        judged = inspection_judgements(
            inspection,
            leave_out=leave_out,
            live=(by_question, cases_by_area, cases_counted),
            areas=areas,
            framework_bands_read=bands_read,
        )
        overall = judged.overall
        area_lines = [
            AreaLine(
                a.area,
                Score(a.score, a.band),
                a.cases,
                a.result.tally,
                a.shown_band_label,
            )
            for a in judged.areas
        ]
        cases_counted = judged.cases_counted if judged.published else cases_counted
    else:
        area_lines = []
        for area, questions in areas:
            result, score = questions_area_score(framework.rule, questions, by_question, bands, cases_counted)
            area_lines.append(
                AreaLine(
                    area, score, cases_by_area.get(area.pk, 0), result.tally, score.band.label if score.band else ""
                )
            )

    lines = [QuestionLine(q, by_question.get(q.pk, ratings.Tally()), None) for _, questions in areas for q in questions]
    for line in lines:
        line.suppressed = suppress_all or few_asked(line.tally)
        line.score = None if line.suppressed else ratings.whole_percent(line.tally.yes, line.tally.no)
    # An area's counts, or an area-by-stage cell, holding a suppressed question's answers would give
    # them away by subtracting the other questions' shown counts.
    withheld = {(line.question.area_id, line.question.stage) for line in lines if line.suppressed}
    for line in area_lines:
        line.counts_withheld = any(area_id == line.area.pk for area_id, _ in withheld)
    weakest = sorted(
        (line for line in lines if line.score is not None), key=lambda line: (line.score, line.question.code)
    )
    oversight = [line for line in lines if line.question.stage == Stage.OVERSIGHT]

    matrix = []
    for area, _ in areas:
        row = []
        for stage, _ in STAGES:
            tally = cells.get((area.pk, stage))
            percent = ratings.whole_percent(tally.yes, tally.no) if tally else None
            if suppress_all or (area.pk, stage) not in withheld:
                row.append(Score(None if suppress_all else percent, suppressed=suppress_all and tally is not None))
            else:
                row.append(Score(None, suppressed=True, marker=HIDDEN))
        matrix.append((area, row))

    breakdowns = all_breakdowns(counted, areas, framework, bands)
    scoring = progress(markings)
    return Dashboard(
        overall=overall,
        inspection=inspection,
        filtered=filtered,
        cases_counted=cases_counted,
        areas=area_lines,
        bands=bands,
        questions=lines,
        weakest=weakest[:WEAKEST],
        oversight_questions=oversight,
        matrix=matrix,
        stages=STAGES,
        breakdowns=breakdowns,
        progress=scoring,
        agreement=agreement(counted.pairs, areas, names=scoring.names),
        left_out=leave_out,
    )


@dataclass
class CountedCases:
    """Each counted case (one with a counting assessment) with its value of every dimension, and its
    Yes / No / N/A per question: the dashboard's figures are added up from these."""

    groups: dict  # {case id: (its value of each dimension, in the order of DIMENSIONS)}
    questions: list  # question ids, in the order of `counts`
    counts: dict  # {case id: [Yes, No, N/A of questions[0], then of questions[1], ...]}
    pairs: list  # the first and second markings' answers compared (agreement.marking_pairs)

    def totals(self, case_ids):
        """[Yes, No, N/A, Yes, No, N/A, ...] per question (in the order of `questions`), summed over
        `case_ids` (added up column by column: one pass in C, not one per answer)."""
        rows = [self.counts[case_id] for case_id in case_ids if case_id in self.counts]
        if not rows:
            return [0] * (3 * len(self.questions))
        return list(map(sum, zip(*rows, strict=True)))

    def tallies(self, case_ids):
        """{question id: Tally} over `case_ids`, for the questions any of them answered."""
        totals = self.totals(case_ids)
        return {
            question_id: ratings.Tally(*totals[3 * i : 3 * i + 3])
            for i, question_id in enumerate(self.questions)
            if totals[3 * i] or totals[3 * i + 1] or totals[3 * i + 2]
        }

    def figures(self, areas):
        """{question id: Tally}, {area id: cases with an answer other than N/A in the area} and
        {(area id, stage): Tally}, over the counted cases (`areas`: [(area, its questions)])."""
        where = {q.pk: (area.pk, q.stage) for area, questions in areas for q in questions}
        by_question = self.tallies(self.counts)
        column = {question_id: 3 * i for i, question_id in enumerate(self.questions)}
        cases_by_area = {}
        for area, questions in areas:
            # The Yes and No columns of the area's questions: a case with any of them answered.
            columns = [column[q.pk] + k for q in questions if q.pk in column for k in (0, 1)]
            if columns:
                answered = itemgetter(*columns)
                cases = sum(1 for row in self.counts.values() if any(answered(row)))
                if cases:
                    cases_by_area[area.pk] = cases
        cells = defaultdict(lambda: [0, 0, 0])
        for question_id, tally in by_question.items():
            cell = cells[where.get(question_id)]
            cell[0] += tally.yes
            cell[1] += tally.no
            cell[2] += tally.na
        return by_question, cases_by_area, {key: ratings.Tally(*tally) for key, tally in cells.items()}


ANSWER_COLUMN = {Answer.Value.YES: 0, Answer.Value.NO: 1, Answer.Value.NA: 2}


@dataclass
class CaseMarkings:
    """Every assessment of the dashboard's cases, read once as rows: scoring progress, the counted
    cases and the markings compared for agreement are all worked out from these."""

    rows: list  # (case id, assessment id, marking, status, assessor id, first name, last name, username)
    statuses: dict  # {case id: {marking: status}}
    groups: dict  # {case id: (its value of each dimension, in the order of DIMENSIONS)}
    sampled: int = 0  # the cases in the sample
    left_out: frozenset = frozenset()  # the cases left out (the reader's blind ones)


def _markings_of(cases):
    """Every assessment of `cases` with its assessor's name and its case's value of every
    dimension, in the order of the cases' references (the cases without one too, for the sample)."""
    fields = {f"by_{d.param}": manager_label() if _case_path(d, "") is None else F(d.field) for d in DIMENSIONS}
    return (
        cases.annotate(**fields)
        .order_by("reference", "pk", "assessments__marking")
        .values_list(
            "pk",
            "in_sample",
            "assessments__pk",
            "assessments__marking",
            "assessments__status",
            "assessments__assessor_id",
            "assessments__assessor__first_name",
            "assessments__assessor__last_name",
            "assessments__assessor__username",
            *fields,
        )
    )


# The markings of an inspection's cases less some (ids), built by the ORM once per process
# (inspections/prepared.py): the unfiltered dashboard's.
_INSPECTION_MARKINGS = PreparedRead(
    Case, lambda inspection_id, left_out: _markings_of(_left_out(inspection_cases(inspection_id), left_out))
)


def case_markings(inspection, cases=None, *, leave_out=frozenset(), hidden_from=None) -> CaseMarkings:
    """One query: every assessment of `cases` (a filtered queryset of the inspection's cases) or of
    all the inspection's cases, less those in `leave_out` (or, for `hidden_from`, a person, less the
    cases whose first marking they are blind to: `rules.hidden_first_markings_read` on the markings
    read), with its assessor's name and its case's value of every dimension (in the order of the
    cases' references), and how many of the cases are sampled (the cases read with their
    assessments, those without one too)."""
    if hidden_from is not None:
        leave_out = frozenset()  # worked out below, from every marking of the cases
    if cases is None:
        read = _INSPECTION_MARKINGS.rows(inspection.pk, sorted(leave_out))
    else:
        read = _markings_of(_left_out(cases, leave_out))
    if hidden_from is not None:
        read = list(read)
        by_case = defaultdict(dict)  # {case id: {marking: (status, assessor id)}}
        for case_id, _, pk, marking, status, assessor_id, *_ in read:
            if pk is not None:
                by_case[case_id][marking] = (status, assessor_id)
        leave_out = frozenset(hidden_first_markings_read(hidden_from, by_case))
        if leave_out:
            read = [row for row in read if row[0] not in leave_out]
    rows, sampled, groups = [], set(), {}
    statuses = defaultdict(dict)
    for case_id, in_sample, pk, marking, status, assessor_id, first_name, last_name, username, *values in read:
        if in_sample:
            sampled.add(case_id)
        if pk is not None:  # the case has this assessment
            rows.append((case_id, pk, marking, status, assessor_id, first_name, last_name, username))
            statuses[case_id][marking] = status
            groups[case_id] = values
    return CaseMarkings(rows, dict(statuses), groups, len(sampled), frozenset(leave_out))


def counted_cases(markings: CaseMarkings, questions) -> CountedCases:
    """One query: the answers of each case's counting assessment (`counting_marking`, the rule of
    `Assessment.objects.counting`) and of the first and second markings of the cases whose both
    markings are submitted (compared for agreement, as `agreement.marking_pairs`), by the
    assessments' ids. A counting assessment has at most one answer per question. `questions`: the
    ids of the framework's questions, the columns of the counts (each row made at full width once,
    each answer counted into it as it is read: one pass)."""
    counting_of = {case_id: counting_marking(statuses) for case_id, statuses in markings.statuses.items()}
    both_submitted = {case_id for case_id, statuses in markings.statuses.items() if markings_both_submitted(statuses)}
    counting = {}  # {counting assessment id: case id}
    compared = {}  # {assessment id: (case id, marking, assessor id)}
    for case_id, pk, marking, _, assessor_id, _, _, _ in markings.rows:
        if marking == counting_of[case_id]:
            counting[pk] = case_id
        if case_id in both_submitted and marking in (Marking.FIRST, Marking.SECOND):
            compared[pk] = (case_id, marking, assessor_id)
    groups = {case_id: markings.groups[case_id] for case_id in counting.values()}
    column = {question_id: 3 * i for i, question_id in enumerate(questions)}
    counts = {case_id: [0] * (3 * len(questions)) for case_id in counting.values()}
    rows = {assessment_id: counts[case_id] for assessment_id, case_id in counting.items()}
    pair_rows = []
    # One pass over the answers: each counting answer into its case's row of counts as it is read
    # (`in` and indexing rather than dict.get: no call for each of the thousands of answers).
    for assessment_id, question_id, value in _answers_of([*counting, *(pk for pk in compared if pk not in counting)]):
        if assessment_id in rows:
            rows[assessment_id][column[question_id] + ANSWER_COLUMN[value]] += 1
        if assessment_id in compared:
            case_id, marking, assessor_id = compared[assessment_id]
            pair_rows.append((case_id, question_id, marking, assessor_id, value))
    return CountedCases(groups, questions, counts, paired(pair_rows))


def _answers_of(assessment_ids):
    """(assessment id, question id, value) of every answer of the assessments: one query of plain
    rows (none for no assessment); the thousands of rows of a national inspection's dashboard
    without the ORM's work for each."""
    if not assessment_ids:
        return []
    alias = router.db_for_read(Answer) or DEFAULT_DB_ALIAS
    with connections[alias].cursor() as cursor:
        cursor.execute(_answers_sql(alias).format(ids=", ".join(["%s"] * len(assessment_ids))), assessment_ids)
        return cursor.fetchall()


@functools.cache
def _answers_sql(alias):
    """`_answers_of`'s statement for the database `alias` (`{ids}`: a placeholder for each
    assessment), its names from the models, written once per process."""
    quote = connections[alias].ops.quote_name

    def column(name):
        return f"{quote(Answer._meta.db_table)}.{quote(Answer._meta.get_field(name).column)}"

    return (
        f"SELECT {column('assessment')}, {column('question')}, {column('value')} "  # noqa: S608 (names from the models)
        f"FROM {quote(Answer._meta.db_table)} WHERE {column('assessment')} IN ({{ids}})"
    )


def all_breakdowns(counted: CountedCases, areas, framework, bands) -> list[Breakdown]:
    """Every dimension's breakdown, added up from the counted cases: each group's cases and area
    scores (`areas`: [(area, its questions)]); groups under SMALL_GROUP cases suppressed
    (disclosure.protect). No query."""
    column = {question_id: 3 * i for i, question_id in enumerate(counted.questions)}
    # What each area's score reads, worked out once a page rather than for every group of every
    # breakdown: its questions' codes with their Yes column in the counts, and its key questions' codes.
    scored = [
        ([(q.code, column[q.pk]) for q in questions], [q.code for q in questions if q.key]) for _, questions in areas
    ]

    def scores(case_ids):
        """The group's Score in each area: its questions' tallies taken straight from the summed counts."""
        totals = counted.totals(case_ids)
        return [
            area_score_from(
                framework.rule,
                {code: ratings.Tally(totals[at], totals[at + 1], totals[at + 2]) for code, at in columns},
                keys,
                bands,
            )[1]
            for columns, keys in scored
        ]

    result = []
    for position, dimension in enumerate(DIMENSIONS):
        members = defaultdict(list)
        for case_id, values in counted.groups.items():
            members[values[position]].append(case_id)
        # Groups in the order of their values, as selection_hidden reads them, so that ties in the
        # secondary suppression always fall the same way on the page and in the filter check.
        groups = sorted(
            ((group, len(ids)) for group, ids in members.items()), key=lambda item: dimension.param_value(item[0])
        )
        result.append(_breakdown(dimension, groups, lambda group, members=members: scores(members[group]), len(areas)))
    return result


def _breakdown(dimension, groups, scores, areas) -> Breakdown:
    """`scores(group)`: the group's Score in each of the `areas` (how many), worked out only for the
    groups shown."""
    protection = protect([n for _, n in groups])
    rows = []
    for index, (group, n) in enumerate(groups):
        hidden = protection.withheld or index in protection.hidden
        text = protection.text(index, n)
        shown = [Score(None, suppressed=True, marker=text) for _ in range(areas)] if hidden else scores(group)
        rows.append(BreakdownRow(dimension.label(group), dimension.param_value(group), n, shown, hidden, text))
    rows.sort(key=lambda r: (r.label == "Not recorded", str(r.label)))
    return Breakdown(dimension, [] if protection.withheld else rows, protection.withheld)


# --- filters that would single out a hidden group -------------------------------------------

BY_PARAM = {dimension.param: dimension for dimension in DIMENSIONS}


def _group_statuses(cases, dimension):
    """(case id, group, marking, status) of each assessment of the cases, the group the case's value
    of `dimension`."""
    path = _case_path(dimension, "case__")
    return (
        Assessment.objects.filter(case__in=cases)
        .annotate(group=manager_label("case__") if path is None else F(path))
        .values_list("case_id", "group", "marking", "status")
        .order_by()
    )


def _left_out(cases, case_ids):
    return cases.exclude(pk__in=case_ids) if case_ids else cases


# {dimension: the group statuses of an inspection's cases less some (ids)}, built once per process.
_INSPECTION_GROUP_STATUSES = {
    dimension.param: PreparedRead(
        Assessment,
        lambda inspection_id, left_out, dimension=dimension: _group_statuses(
            _left_out(inspection_cases(inspection_id), left_out), dimension
        ),
    )
    for dimension in DIMENSIONS
}


def filters_hide(filterset, base, *, leave_out=frozenset(), inspection_id=None) -> bool:
    """Whether the dashboard filters in use (a bound, valid `filters.DashboardFilter` on `base`, the
    inspection's cases) pick out a group that a breakdown hides (`disclosure.selection_hidden`), less
    the cases in `leave_out`. No figure of such a selection may be shown, on the dashboard or the
    drill-down. One query per filter and combination of the others (one with one filter); with
    `inspection_id` (the inspection whose cases `base` is), each filter's own query without the
    others is built once per process."""
    if not filterset.is_bound or not filterset.is_valid():
        return False
    selected = {
        name: str(value)
        for name, value in filterset.form.cleaned_data.items()
        if name in BY_PARAM and value not in (None, "")
    }

    def sizes(name, within):
        if inspection_id is not None and not within:
            rows = _INSPECTION_GROUP_STATUSES[name].rows(inspection_id, sorted(leave_out))
        else:
            cases = base
            for other, value in within.items():
                cases = filterset.filters[other].filter(cases, value)
            rows = _group_statuses(_left_out(cases, leave_out), BY_PARAM[name])
        statuses, groups = defaultdict(dict), {}
        for case_id, group, marking, status in rows:
            statuses[case_id][marking] = status
            groups[case_id] = group
        # The counted cases of each group: those with a counting assessment (`counting_marking`).
        dimension = BY_PARAM[name]
        counted = Counter(
            dimension.param_value(groups[case_id])
            for case_id, by_marking in statuses.items()
            if counting_marking(by_marking) is not None
        )
        return dict(counted)

    return selection_hidden(selected, sizes)


# --- drill-down ------------------------------------------------------------------------------


DISPOSAL_LABELS = dict(Disposal.choices)
RISK_LABELS = dict(RiskLevel.choices)


@dataclass(frozen=True)
class ListedCase:
    """A case as the drill-down lists it (read as values, not a model object)."""

    pk: int
    reference: str
    team: str
    disposal: str
    rosh: str

    def get_disposal_display(self):
        return DISPOSAL_LABELS.get(self.disposal, self.disposal)

    def get_rosh_display(self):
        return RISK_LABELS.get(self.rosh, self.rosh)


@dataclass
class CaseLine:
    case: ListedCase
    manager: str
    tally: ratings.Tally
    counting: int | None  # the counting assessment's id, if it has an answer within the figure

    @property
    def score(self):
        return ratings.whole_percent(self.tally.yes, self.tally.no)


def drill_down(cases, answer_filter=None):
    """The cases behind a figure, each with its counting assessment's Yes / No / N/A within
    `answer_filter` (a Q on Answer): one query (the cases with their markings' statuses and stored
    tallies, `Assessment.recount`'s) without an answer filter, two with one (then the counting
    assessments' answers within it, by their ids)."""
    listed, statuses, markings = {}, defaultdict(dict), defaultdict(dict)
    rows = (
        cases.annotate(manager=manager_label())  # the name as shown, in the query: no person objects
        .order_by("reference", "pk")
        .values_list(
            "pk",
            "reference",
            "team",
            "disposal",
            "rosh",
            "manager",
            "assessments__pk",
            "assessments__marking",
            "assessments__status",
            "assessments__yes",
            "assessments__no",
            "assessments__na",
        )
    )
    for pk, reference, team, disposal, rosh, manager, assessment_id, marking, status, yes, no, na in rows:
        if pk not in listed:
            listed[pk] = (ListedCase(pk, reference, team, disposal, rosh), manager or "")
        if assessment_id is not None:
            statuses[pk][marking] = status
            markings[pk][marking] = (assessment_id, yes, no, na)
    counting = {}  # {counting assessment id: case id} (Assessment.objects.counting, on the statuses read)
    tallies = {}  # {case id: (Tally, counting assessment id)}, for the cases with an answer within the figure
    for case_id, by_marking in statuses.items():
        marking = counting_marking(by_marking)
        if marking is not None:
            assessment_id, yes, no, na = markings[case_id][marking]
            counting[assessment_id] = case_id
            if answer_filter is None and yes + no + na:
                tallies[case_id] = (ratings.Tally(yes, no, na), assessment_id)
    if answer_filter is not None:
        answers = Answer.objects.filter(assessment_id__in=list(counting)).filter(answer_filter)
        tallies = {
            counting[row["assessment_id"]]: (ratings.Tally(row["yes"], row["no"], row["na"]), row["assessment_id"])
            for row in answers.values("assessment_id").annotate(**tally_counts()).order_by()
        }
    lines = []
    for case_id, (case, manager) in listed.items():
        if answer_filter is not None and case_id not in tallies:
            continue
        tally, counting_id = tallies.get(case_id, (NO_ANSWERS, None))
        lines.append(CaseLine(case, manager, tally, counting_id))
    return lines
