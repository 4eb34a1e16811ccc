"""Reads for the oversight pages (issue 5): the inspection dashboard, agreement between markers,
the moderation list, the drill-down, a service's trend and the benchmark across services.

Every figure is aggregated in the database (values().annotate(Count(..., filter=Q(...)))), and
each selector runs a fixed number of queries whatever the number of cases, inspections or
services. Groups of fewer than SMALL_GROUP cases are suppressed so no child can be singled out.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from inspections import ratings
from inspections.models import Area, Framework, Inspection, Judgement, PublishedQuestionScore, Question, Stage

from ..judgements import framework_bands, inspection_judgements
from ..models import Answer, Assessment, AssessmentStatus, Case, Disposal, Gender, Marking, RiskLevel
from .agreement import cohens_kappa, percentage_agreement
from .disclosure import SMALL_GROUP, SUPPRESSED, protect

WEAKEST = 5
STAGES = list(Stage.choices)

YES, NO, NA = Answer.Value.YES, Answer.Value.NO, Answer.Value.NA


def tally_counts(prefix=""):
    return {
        "yes": Count("id", filter=Q(**{f"{prefix}value": YES})),
        "no": Count("id", filter=Q(**{f"{prefix}value": NO})),
        "na": Count("id", filter=Q(**{f"{prefix}value": NA})),
    }


def manager_label(prefix=""):
    """The case manager as shown: the linked person's full name (or username), else the name imported."""
    p = prefix
    full_name = NullIf(
        Trim(Concat(F(f"{p}case_manager__first_name"), Value(" "), F(f"{p}case_manager__last_name"))), Value("")
    )
    return Coalesce(full_name, F(f"{p}case_manager__username"), F(f"{p}case_manager_name"))


def counting_assessments(cases):
    return Assessment.objects.counting().filter(case__in=cases)


def counting_answers(cases):
    return Answer.objects.filter(assessment__in=counting_assessments(cases))


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


def _grouped(queryset, dimension, prefix, *others, **aggregates):
    path = _case_path(dimension, prefix)
    group = manager_label(prefix) if path is None else F(path)
    queryset = queryset.annotate(group=group)
    return queryset.values("group", *others).annotate(**aggregates).order_by()


# --- result shapes ---------------------------------------------------------------------------


@dataclass
class Score:
    """A shown score: a whole percentage, "not rated" or suppressed."""

    percent: int | None
    band: ratings.Band | None = None
    suppressed: bool = False
    marker: str = SUPPRESSED  # what a suppressed score reads

    @property
    def text(self):
        if self.suppressed:
            return self.marker
        return "Not rated" if self.percent is None else f"{self.percent}%"


@dataclass
class QuestionLine:
    question: Question
    tally: ratings.Tally
    score: int | None


@dataclass
class AreaLine:
    area: Area
    score: Score
    cases: int
    tally: ratings.Tally
    band_label: str = ""


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
class AgreementLine:
    label: str
    pairs: int
    percent: float | None
    kappa: float | None
    key: object = None

    @property
    def percent_text(self):
        return "None" if self.percent is None else f"{self.percent:.0f}%"

    @property
    def kappa_text(self):
        return "Not computable" if self.kappa is None else f"{self.kappa:.2f}"


@dataclass
class Agreement:
    cases: int
    overall: AgreementLine
    by_question: list[AgreementLine]
    by_area: list[AgreementLine]
    by_pair: list[AgreementLine]
    by_assessor: list[AgreementLine]


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

    @property
    def suppressed(self):
        return self.filtered and 0 < self.cases_counted < SMALL_GROUP


def _name(first, last, username):
    return f"{first or ''} {last or ''}".strip() or username or "Unknown"


# --- progress --------------------------------------------------------------------------------


def progress(cases) -> Progress:
    """Scoring progress overall and per assessor: three queries."""
    assessments = Assessment.objects.filter(case__in=cases)
    rows = list(
        assessments.values(
            "assessor_id", "assessor__first_name", "assessor__last_name", "assessor__username", "marking", "status"
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    totals = defaultdict(int)
    people = {}
    for row in rows:
        totals[(row["marking"], row["status"])] += row["n"]
        person = people.setdefault(
            row["assessor_id"],
            AssessorProgress(
                _name(row["assessor__first_name"], row["assessor__last_name"], row["assessor__username"]), {}
            ),
        )
        person.counts[(row["marking"], row["status"])] = row["n"]
    both = cases.filter(
        Exists(
            Assessment.objects.filter(case=OuterRef("pk"), marking=Marking.FIRST, status=AssessmentStatus.SUBMITTED)
        ),
        Exists(
            Assessment.objects.filter(case=OuterRef("pk"), marking=Marking.SECOND, status=AssessmentStatus.SUBMITTED)
        ),
    )
    figures = both.aggregate(
        ready=Count(
            "pk",
            filter=~Q(
                Exists(
                    Assessment.objects.filter(
                        case=OuterRef("pk"), marking=Marking.FINAL, status=AssessmentStatus.SUBMITTED
                    )
                )
            ),
        )
    )
    sampled = cases.filter(in_sample=True).count()

    def total(marking, *statuses):
        return sum(totals[(marking, s)] for s in statuses or AssessmentStatus.values)

    return Progress(
        sampled=sampled,
        assigned=total(Marking.FIRST),
        not_started=total(Marking.FIRST, AssessmentStatus.NOT_STARTED),
        draft=total(Marking.FIRST, AssessmentStatus.DRAFT),
        submitted=total(Marking.FIRST, AssessmentStatus.SUBMITTED),
        second_assigned=total(Marking.SECOND),
        second_submitted=total(Marking.SECOND, AssessmentStatus.SUBMITTED),
        ready_to_moderate=figures["ready"],
        moderated=total(Marking.FINAL, AssessmentStatus.SUBMITTED),
        assessors=sorted(people.values(), key=lambda p: p.name),
    )


# --- agreement -------------------------------------------------------------------------------


def _second_answers_with_first(cases):
    """Second-marking answers of cases whose both markings are submitted, each with the first
    marking's answer to the same question and the first marker."""
    first_answer = Answer.objects.filter(
        assessment__case=OuterRef("assessment__case"),
        assessment__marking=Marking.FIRST,
        assessment__status=AssessmentStatus.SUBMITTED,
        question=OuterRef("question"),
    ).values("value")[:1]
    first_assessor = Assessment.objects.filter(case=OuterRef("assessment__case"), marking=Marking.FIRST).values(
        "assessor_id"
    )[:1]
    return (
        Answer.objects.filter(
            assessment__case__in=cases,
            assessment__marking=Marking.SECOND,
            assessment__status=AssessmentStatus.SUBMITTED,
        )
        .annotate(first_value=Subquery(first_answer), first_assessor=Subquery(first_assessor))
        .exclude(first_value=None)
    )


def _line(label, counter, key=None):
    pairs = [pair for pair, n in counter.items() for _ in range(n)]
    return AgreementLine(label, len(pairs), percentage_agreement(pairs), cohens_kappa(pairs), key)


def agreement(cases, areas) -> Agreement:
    """Percentage agreement and Cohen's kappa per question, area, assessor pair and assessor:
    two queries (the contingency counts, aggregated in the database, and the assessors' names)."""
    rows = list(
        _second_answers_with_first(cases)
        .values("question_id", "first_assessor", "assessment__assessor_id", "first_value", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    cases_compared = (
        _second_answers_with_first(cases).aggregate(n=Count("assessment__case", distinct=True))["n"] if rows else 0
    )
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
        u.pk: _name(u.first_name, u.last_name, u.username)
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


# --- the inspection dashboard ----------------------------------------------------------------


def _areas(framework_id):
    return list(
        Area.objects.filter(framework_id=framework_id).prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order"))
        )
    )


def _area_score(framework, area, question_tallies, bands, cases=None):
    questions = list(area.questions.all())
    tallies = {q.code: question_tallies.get(q.pk, ratings.Tally()) for q in questions}
    result = ratings.area_result(framework.rule, tallies, bands, key_questions=[q.code for q in questions if q.key])
    suppressed = cases is not None and cases < SMALL_GROUP
    return result, Score(None if suppressed else result.score, None if suppressed else result.band, suppressed)


def _question_tallies(answers, *group_by):
    return {
        tuple(row[g] for g in group_by) if len(group_by) > 1 else row[group_by[0]]: ratings.Tally(
            row["yes"], row["no"], row["na"]
        )
        for row in answers.values(*group_by).annotate(**tally_counts()).order_by()
    }


def inspection_cases(inspection):
    return Case.objects.filter(inspection=inspection)


def dashboard(inspection, cases=None) -> Dashboard:
    """Everything the inspection dashboard shows, for `cases` (a filtered queryset of the
    inspection's cases) or all of them. A fixed number of queries."""
    filtered = cases is not None
    if cases is None:
        cases = inspection_cases(inspection)
    framework = inspection.framework
    areas = _areas(framework.pk)
    bands = framework_bands(framework)
    answers = counting_answers(cases)
    cases_counted = counting_assessments(cases).count()

    question_tallies = _question_tallies(answers, "question_id")
    cases_by_area = {
        row["question__area_id"]: row["n"]
        for row in answers.exclude(value=NA)
        .values("question__area_id")
        .annotate(n=Count("assessment", distinct=True))
        .order_by()
    }
    suppress_all = filtered and cases_counted < SMALL_GROUP
    if not filtered:
        # The judgements page's own figures (stored ones once published).
        judged = inspection_judgements(inspection)
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
        for area in areas:
            result, score = _area_score(framework, area, question_tallies, bands, cases_counted)
            area_lines.append(
                AreaLine(
                    area, score, cases_by_area.get(area.pk, 0), result.tally, score.band.label if score.band else ""
                )
            )

    lines = [
        QuestionLine(q, question_tallies.get(q.pk, ratings.Tally()), None)
        for area in areas
        for q in area.questions.all()
    ]
    for line in lines:
        line.score = None if suppress_all else ratings.whole_percent(line.tally.yes, line.tally.no)
    weakest = sorted(
        (line for line in lines if line.score is not None), key=lambda line: (line.score, line.question.code)
    )
    oversight = [line for line in lines if line.question.stage == Stage.OVERSIGHT]

    cells = _question_tallies(answers, "question__area_id", "question__stage")
    matrix = []
    for area in areas:
        row = []
        for stage, _ in STAGES:
            tally = cells.get((area.pk, stage))
            percent = ratings.whole_percent(tally.yes, tally.no) if tally else None
            row.append(Score(None if suppress_all else percent, suppressed=suppress_all and tally is not None))
        matrix.append((area, row))

    breakdowns = [breakdown(dimension, cases, areas, framework, bands) for dimension in DIMENSIONS]
    return Dashboard(
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
        progress=progress(cases),
        agreement=agreement(cases, areas),
    )


def breakdown(dimension, cases, areas, framework, bands) -> Breakdown:
    """Each group's cases and area scores; groups under SMALL_GROUP cases suppressed: two queries."""
    sizes = {
        row["group"]: row["n"]
        for row in _grouped(counting_assessments(cases), dimension, "case__", n=Count("case", distinct=True))
    }
    tallies = defaultdict(dict)
    for row in _grouped(counting_answers(cases), dimension, "assessment__case__", "question_id", **tally_counts()):
        tallies[row["group"]][row["question_id"]] = ratings.Tally(row["yes"], row["no"], row["na"])
    groups = list(sizes.items())
    protection = protect([n for _, n in groups])
    rows = []
    for index, (group, n) in enumerate(groups):
        hidden = protection.withheld or index in protection.hidden
        text = protection.text(index, n)
        scores = [
            Score(None, suppressed=True, marker=text)
            if hidden
            else _area_score(framework, area, tallies[group], bands)[1]
            for area in areas
        ]
        rows.append(BreakdownRow(dimension.label(group), dimension.param_value(group), n, scores, hidden, text))
    rows.sort(key=lambda r: (r.label == "Not recorded", str(r.label)))
    return Breakdown(dimension, [] if protection.withheld else rows, protection.withheld)


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
        .filter(
            Exists(
                Assessment.objects.filter(case=OuterRef("pk"), marking=Marking.FIRST, status=AssessmentStatus.SUBMITTED)
            ),
            Exists(
                Assessment.objects.filter(
                    case=OuterRef("pk"), marking=Marking.SECOND, status=AssessmentStatus.SUBMITTED
                )
            ),
        )
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


# --- drill-down ------------------------------------------------------------------------------


@dataclass
class CaseLine:
    case: Case
    manager: str
    tally: ratings.Tally
    counting: Assessment | None

    @property
    def score(self):
        return ratings.whole_percent(self.tally.yes, self.tally.no)


def blind_case_ids(user, inspection):
    """Cases of the inspection the person is marking blind: they made a first or second marking
    and the two are not both submitted yet. One query."""
    mine = Assessment.objects.filter(
        case__inspection=inspection, assessor=user, marking__in=[Marking.FIRST, Marking.SECOND]
    )
    both = Q(
        Exists(
            Assessment.objects.filter(case=OuterRef("case"), marking=Marking.FIRST, status=AssessmentStatus.SUBMITTED)
        )
    ) & Q(
        Exists(
            Assessment.objects.filter(case=OuterRef("case"), marking=Marking.SECOND, status=AssessmentStatus.SUBMITTED)
        )
    )
    return set(mine.exclude(both).values_list("case_id", flat=True))


def drill_down(cases, answer_filter=None):
    """The cases behind a figure, each with its counting assessment's Yes / No / N/A within
    `answer_filter` (a Q on Answer): two queries."""
    answers = counting_answers(cases)
    if answer_filter is not None:
        answers = answers.filter(answer_filter)
    tallies = {
        row["assessment__case_id"]: (ratings.Tally(row["yes"], row["no"], row["na"]), row["assessment_id"])
        for row in answers.values("assessment__case_id", "assessment_id").annotate(**tally_counts()).order_by()
    }
    if answer_filter is not None:
        cases = cases.filter(pk__in=list(tallies))
    listed = cases.select_related("case_manager").annotate(manager=manager_label())
    lines = []
    for case in listed:
        tally, counting = tallies.get(case.pk, (ratings.Tally(), None))
        lines.append(CaseLine(case, case.manager or "", tally, counting))
    return lines


# --- a service over time ---------------------------------------------------------------------


@dataclass
class TrendPoint:
    inspection: Inspection
    scores: dict  # {area code: Score}
    live: bool


@dataclass
class Mover:
    code: str
    text: str
    before: int
    after: int

    @property
    def change(self):
        return self.after - self.before


@dataclass
class Trend:
    points: list[TrendPoint]
    areas: list[tuple[str, str]]  # (code, name)
    movers: list[Mover]
    mover_from: Inspection | None = None
    mover_to: Inspection | None = None


def _chain_order(inspections):
    """Inspections in follows-chain order: each root (by period), then whatever follows it."""
    by_id = {i.pk: i for i in inspections}
    children = defaultdict(list)
    roots = []
    for inspection in inspections:
        if inspection.follows_id in by_id:
            children[inspection.follows_id].append(inspection)
        else:
            roots.append(inspection)

    def when(i):
        return (i.period_end or i.period_start or i.created_at.date(), i.pk)

    ordered, seen = [], set()

    def walk(inspection):
        if inspection.pk in seen:
            return
        seen.add(inspection.pk)
        ordered.append(inspection)
        for child in sorted(children[inspection.pk], key=when):
            walk(child)

    for root in sorted(roots, key=when):
        walk(root)
    for inspection in inspections:  # a cycle would leave some unvisited
        walk(inspection)
    return ordered


def _frameworks(framework_ids):
    return {
        f.pk: f
        for f in Framework.objects.filter(pk__in=framework_ids).prefetch_related(
            "bands", Prefetch("areas", queryset=Area.objects.prefetch_related("questions"))
        )
    }


def service_trend(service) -> Trend:
    """Each area's score across the service's inspections, published judgements plus the live
    figure of any in progress, in follows-chain order; and the questions that moved most between
    the last two with figures. A fixed number of queries."""
    inspections = _chain_order(
        list(Inspection.objects.filter(service=service).exclude(status="planned").select_related("framework"))
    )
    frameworks = _frameworks({i.framework_id for i in inspections})
    published_ids = [i.pk for i in inspections if i.is_published]
    live_ids = [i.pk for i in inspections if not i.is_published]
    stored = defaultdict(dict)
    for judgement in Judgement.objects.filter(inspection_id__in=published_ids).select_related("area"):
        stored[judgement.inspection_id][judgement.area.code] = judgement
    question_scores = defaultdict(dict)  # {inspection id: {question code: score}}
    for row in PublishedQuestionScore.objects.filter(inspection_id__in=published_ids).values(
        "inspection_id", "question__code", "score"
    ):
        question_scores[row["inspection_id"]][row["question__code"]] = row["score"]
    live = defaultdict(dict)  # {inspection id: {question id: Tally}}
    counting = Assessment.objects.counting().filter(case__inspection_id__in=live_ids)
    for row in (
        Answer.objects.filter(assessment__in=counting)
        .values("assessment__case__inspection_id", "question_id")
        .annotate(**tally_counts())
        .order_by()
    ):
        live[row["assessment__case__inspection_id"]][row["question_id"]] = ratings.Tally(
            row["yes"], row["no"], row["na"]
        )

    area_names = {}
    points = []
    for inspection in inspections:
        framework = frameworks[inspection.framework_id]
        bands = [ratings.Band(b.label, b.min_percent, b.equivalent) for b in framework.bands.all()]
        scores = {}
        for area in framework.areas.all():
            area_names.setdefault(area.code, area.name)
            if inspection.is_published:
                judgement = stored[inspection.pk].get(area.code)
                percent = judgement.score if judgement else None
                scores[area.code] = Score(percent, ratings.band_for(percent, bands))
            else:
                result, score = _area_score(framework, area, live[inspection.pk], bands)
                scores[area.code] = score
                for q in area.questions.all():
                    tally = live[inspection.pk].get(q.pk)
                    if tally:
                        question_scores[inspection.pk][q.code] = ratings.whole_percent(tally.yes, tally.no)
        if inspection.is_published or live[inspection.pk]:
            points.append(TrendPoint(inspection, scores, not inspection.is_published))

    movers, mover_from, mover_to = [], None, None
    scored = [p for p in points if question_scores.get(p.inspection.pk)]
    if len(scored) >= 2:
        mover_from, mover_to = scored[-2].inspection, scored[-1].inspection
        before, after = question_scores[mover_from.pk], question_scores[mover_to.pk]
        texts = {
            q.code: q.text
            for f in frameworks.values()
            if f.pk == mover_to.framework_id
            for a in f.areas.all()
            for q in a.questions.all()
        }
        for code in before.keys() & after.keys():
            if before[code] is not None and after[code] is not None:
                movers.append(Mover(code, texts.get(code, ""), before[code], after[code]))
        movers.sort(key=lambda m: (-abs(m.change), m.code))
    return Trend(points, list(area_names.items()), movers[:WEAKEST], mover_from, mover_to)


# --- benchmark across services ---------------------------------------------------------------


@dataclass
class BenchmarkRow:
    service: object
    inspection: Inspection | None
    scores: dict  # {area code: Judgement score or None}


@dataclass
class BenchmarkArea:
    code: str
    name: str
    lowest: int | None
    highest: int | None
    average: int | None


@dataclass
class Benchmark:
    rows: list[BenchmarkRow]
    areas: list[BenchmarkArea]


def benchmark(services) -> Benchmark:
    """Each service's latest published area scores against the lowest, highest and average
    across `services`: three queries."""
    latest = (
        Inspection.objects.published()
        .filter(service=OuterRef("pk"))
        .order_by(F("published_on").desc(nulls_last=True), "-period_end", "-pk")
        .values("pk")[:1]
    )
    services = list(services.annotate(latest_id=Subquery(latest)).order_by("name"))
    inspections = {i.pk: i for i in Inspection.objects.filter(pk__in=[s.latest_id for s in services if s.latest_id])}
    scores = defaultdict(dict)
    names = {}
    for row in (
        Judgement.objects.filter(inspection_id__in=list(inspections))
        .values("inspection_id", "area__code", "area__name", "area__order", "score")
        .order_by("area__order")
    ):
        scores[row["inspection_id"]][row["area__code"]] = row["score"]
        names.setdefault(row["area__code"], row["area__name"])
    rows = [BenchmarkRow(s, inspections.get(s.latest_id), scores.get(s.latest_id, {})) for s in services]
    areas = []
    for code, name in names.items():
        values = [r.scores[code] for r in rows if r.scores.get(code) is not None]
        average = ratings.whole_percent(sum(values), 100 * len(values) - sum(values)) if values else None
        areas.append(BenchmarkArea(code, name, min(values, default=None), max(values, default=None), average))
    return Benchmark(rows, areas)
