"""An inspection's judgements: each area's score and band, computed from the answers by the
rules of docs/architecture.md ("The rules the code computes") (see inspections/ratings.py), or as stored when published.

Reads in a fixed number of queries whatever the number of cases or questions.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import IntegerField, Value

from inspections import ratings
from inspections.models import Area, Band, Judgement, OverallBand, PublishedQuestionScore, Question
from inspections.prepared import PreparedRead
from inspections.prepared_objects import PreparedObjects, as_read

from .models import Answer, Assessment, Case, counting_marking
from .oversight.disclosure import few_asked
from .programme.scope import in_scope, question_scope
from .rules import hidden_first_markings_read


@dataclass
class QuestionFigures:
    question: Question
    tally: ratings.Tally
    score: int | None

    @property
    def few_asked(self):
        """Asked of too few cases for anyone but those rating the inspection to read its answers."""
        return few_asked(self.tally)


@dataclass
class AreaJudgement:
    area: Area
    result: ratings.AreaResult
    cases: int
    questions: list[QuestionFigures]
    band: ratings.Band | None
    override: Judgement | None = None
    override_band: ratings.Band | None = None  # the framework's band the override names

    @property
    def score(self):
        return self.result.score

    @property
    def holds_few_asked(self):
        """Its Yes / No / N/A counts hold a question asked of too few cases (and would give it away)."""
        return any(q.few_asked for q in self.questions)

    @property
    def judged_once(self):
        """Judged on the inspection from evidence (`judged: once`), not from the cases' answers."""
        return self.area.judged_once

    @property
    def shown_band_label(self):
        """The band a reader should take: the override if there is one, else the computed band."""
        if self.override and self.override.override_band_label:
            return self.override.override_band_label
        return self.band.label if self.band else ""

    @property
    def is_overridden(self):
        return bool(self.override and self.override.override_band_label)

    @property
    def shown_equivalent(self):
        """The equivalent label of the band a reader should take (the override's own, when overridden)."""
        if self.is_overridden:
            return self.override_band.equivalent if self.override_band else ""
        return self.band.equivalent if self.band else ""


@dataclass
class InspectionJudgements:
    inspection: object
    areas: list[AreaJudgement]
    overall: ratings.OverallResult | None
    cases_counted: int
    published: bool
    bands: list[ratings.Band] = field(default_factory=list)
    left_out: frozenset = frozenset()  # the cases left out of the live figures (the reader's blind ones)

    def as_report(self):
        """Plain figures, as `inspection_report` prints them."""
        return {
            "inspection": {
                "id": self.inspection.pk,
                "title": self.inspection.title,
                "service": self.inspection.service.name,
                "framework": f"{self.inspection.framework.code}:{self.inspection.framework.version}",
                "rule": self.inspection.framework.rule,
                "status": self.inspection.status,
                "cases": self.cases_counted,
            },
            "areas": [
                {
                    "code": a.area.code,
                    "name": a.area.name,
                    "score": a.score,
                    "band": a.band.label if a.band else None,
                    "equivalent": (a.band.equivalent or None) if a.band else None,
                    "judged": "once" if a.judged_once else "per_case",
                    "evidence": (a.override.evidence_note or None) if a.judged_once and a.override else None,
                    "override": a.override.override_band_label if a.is_overridden else None,
                    "override_equivalent": (a.shown_equivalent or None) if a.is_overridden else None,
                    "cases": a.cases,
                    "yes": a.result.tally.yes,
                    "no": a.result.tally.no,
                    "na": a.result.tally.na,
                }
                for a in self.areas
            ],
            "questions": [
                {"code": q.question.code, "area": a.area.code, "score": q.score}
                for a in self.areas
                for q in a.questions
            ],
            "overall": (
                {
                    "points": self.overall.points,
                    "max_points": self.overall.max_points,
                    "band": self.overall.band.label if self.overall.band else None,
                }
                if self.overall
                else None
            ),
        }


@dataclass(frozen=True)
class FrameworkBands:
    """A framework's bands (highest first), {band label: points} towards an overall rating, and its
    overall bands (none unless it defines an overall rating)."""

    bands: list
    points: dict
    overall: list


def framework_bands(framework) -> FrameworkBands:
    """The framework's bands and overall bands: one query of plain rows (the two tables together),
    built by the ORM once per process (`_BANDS`: building the union took ten times as long as the
    database took to answer it, on every judgements page and dashboard)."""
    bands, points, overall_bands = [], {}, []
    for overall, label, lowest, equivalent, band_points in _BANDS.rows(framework.pk):
        if overall:
            overall_bands.append(ratings.OverallBand(label, lowest))
        else:
            bands.append(ratings.Band(label, lowest, equivalent))
            if band_points is not None:
                points[label] = band_points
    return FrameworkBands(bands, points, overall_bands)


def _bands_of(framework_id):
    return (
        Band.objects.filter(framework_id=framework_id)
        .order_by()
        .annotate(overall=Value(False))
        .values_list("overall", "label", "min_percent", "equivalent", "points")
        .union(
            OverallBand.objects.filter(framework_id=framework_id)
            .order_by()
            .annotate(overall=Value(True), no_equivalent=Value(""), no_points=Value(None, IntegerField()))
            .values_list("overall", "label", "min_points", "no_equivalent", "no_points"),
            all=True,
        )
        .order_by("overall", "-min_percent")
    )


_BANDS = PreparedRead(Band, _bands_of)


def _live_tallies(inspection, leave_out, hidden_from=None):
    """{question id: Tally}, {area id: cases with an answer other than N/A in the area}, the cases
    counted and the cases left out, from each case's counting assessment, less the cases in
    `leave_out` (those the reader is marking blind: `rules.blind_case_ids`), or, for `hidden_from` (a
    person), less the cases whose first marking they are blind to (`rules.hidden_first_markings`,
    judged on the markings read here). Two queries of plain rows: the markings' statuses and assessors
    (the counting assessment picked by `counting_marking`, the rule of `Assessment.objects.counting`),
    then the counting assessments' answers added up by the database (`_COUNTS_SQL`): a row a question
    and value, and a row an area, not the 2,000 answers of 45 questions and 45 cases."""
    read = defaultdict(dict)  # {case id: {marking: (status, assessor id, assessment id)}}
    alias = router.db_for_read(Assessment) or DEFAULT_DB_ALIAS
    with connections[alias].cursor() as cursor:
        cursor.execute(_sql("markings", alias), [inspection.pk])
        for pk, case_id, marking, status, assessor_id in cursor.fetchall():
            read[case_id][marking] = (status, assessor_id, pk)
        if hidden_from is not None:
            leave_out = hidden_first_markings_read(hidden_from, read)
        counting = []
        for case_id, by_marking in read.items():
            if case_id not in leave_out:
                marking = counting_marking({m: row[0] for m, row in by_marking.items()})
                if marking is not None:
                    counting.append(by_marking[marking][2])
        rows = []
        if counting:
            ids = ", ".join(["%s"] * len(counting))
            cursor.execute(_sql("counts", alias).format(ids=ids), [*counting, Answer.Value.NA, *counting])
            rows = cursor.fetchall()
    counts, cases_by_area = defaultdict(dict), {}
    for kind, key, value, count in rows:
        if kind == "question":
            counts[key][value] = count
        else:
            cases_by_area[key] = count
    tallies = {
        question_id: ratings.Tally(
            by_value.get(Answer.Value.YES, 0), by_value.get(Answer.Value.NO, 0), by_value.get(Answer.Value.NA, 0)
        )
        for question_id, by_value in counts.items()
    }
    return tallies, cases_by_area, len(counting), frozenset(leave_out)


@functools.cache
def _sql(name, alias):
    """The live figures' statements for the database `alias`, written once per process, their table
    and column names from the models (plain SQL that PostgreSQL and SQLite both run)."""
    quote = connections[alias].ops.quote_name

    def column(model, name, table=None):
        return f"{table or quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"

    assessment, case = quote(Assessment._meta.db_table), quote(Case._meta.db_table)
    answer, question = quote(Answer._meta.db_table), quote(Question._meta.db_table)
    if name == "markings":  # every marking of the inspection's cases: id, case, marking, status, assessor
        return (
            f"SELECT {column(Assessment, 'id')}, {column(Assessment, 'case')}, {column(Assessment, 'marking')}, "  # noqa: S608 (names from the models)
            f"{column(Assessment, 'status')}, {column(Assessment, 'assessor')} FROM {assessment} INNER JOIN {case} "
            f"ON {column(Case, 'id')} = {column(Assessment, 'case')} WHERE {column(Case, 'inspection')} = %s"
        )
    # The counting assessments' answers ({ids}: one placeholder each, given twice): how many of each
    # value each question has, then how many of the assessments answer anything but N/A in each area.
    value, of = column(Answer, "value"), column(Answer, "assessment")
    return (
        f"SELECT 'question', {column(Answer, 'question')}, {value}, COUNT(*) FROM {answer} "  # noqa: S608 (names from the models)
        f"WHERE {of} IN ({{ids}}) GROUP BY {column(Answer, 'question')}, {value} "
        f"UNION ALL SELECT 'area', {column(Question, 'area')}, NULL, COUNT(DISTINCT {of}) FROM {answer} "
        f"INNER JOIN {question} ON {column(Question, 'id')} = {column(Answer, 'question')} "
        f"WHERE {value} <> %s AND {of} IN ({{ids}}) GROUP BY {column(Question, 'area')}"
    )


def _stored_judgements(inspection_id):
    return Judgement.objects.filter(inspection_id=inspection_id).select_related("overridden_by", "judged_by").order_by()


def _published_scores(inspection_id):
    return (
        PublishedQuestionScore.objects.filter(inspection_id=inspection_id)
        .order_by()
        .values_list("question_id", "yes", "no", "na")
    )


# The stored judgements (with who overrode or judged them) and published question scores, built by
# the ORM once per process (inspections/prepared.py).
_STORED = PreparedObjects(Judgement, _stored_judgements)
_PUBLISHED_SCORES = PreparedRead(PublishedQuestionScore, _published_scores)


def _published_tallies(inspection, stored_judgements):
    tallies = {
        question_id: ratings.Tally(yes, no, na) for question_id, yes, no, na in _PUBLISHED_SCORES.rows(inspection.pk)
    }
    cases_by_area = {j.area_id: j.cases for j in stored_judgements.values()}
    return tallies, cases_by_area, max(cases_by_area.values(), default=0), frozenset()


def areas_with_questions(framework):
    """[(area, its questions)] of the framework, in order, for the areas that have questions (every
    area of a framework loaded: `framework_definition` asks each for at least one): one
    query (the questions with their area's columns) of plain SQL, each row made into a Question as
    the ORM makes one from the database (`from_db`, without its work for each field: `as_read`; the
    ORM's select_related took four times as long for the 45 questions of a framework, its raw query
    twice as long). The questions carry what the
    figures show (code, text, key, order, stage; `guidance` and `applies_to` are left to be read if
    asked for), each area what its judgement shows."""
    alias = router.db_for_read(Question) or DEFAULT_DB_ALIAS
    with connections[alias].cursor() as cursor:
        cursor.execute(_areas_with_questions_sql(alias), [framework.pk])
        fetched = cursor.fetchall()
    areas = {}
    for pk, framework_id, area_id, code, stage, text, key, order, area_code, area_name, area_order, once in fetched:
        if area_id not in areas:
            area = as_read(
                Area, alias, _AREA_FIELDS, (area_id, framework.pk, area_code, area_name, area_order, bool(once))
            )
            areas[area_id] = (area, [])
        area, questions = areas[area_id]
        question = as_read(
            Question, alias, _QUESTION_FIELDS, (pk, framework_id, area_id, code, stage, text, bool(key), order)
        )
        question._state.fields_cache["area"] = area  # one object per area
        questions.append(question)
    return list(areas.values())


_QUESTION_FIELDS = ["id", "framework_id", "area_id", "code", "stage", "text", "key", "order"]
_AREA_FIELDS = ["id", "framework_id", "code", "name", "order", "judged_once"]


@functools.cache
def _areas_with_questions_sql(alias):
    quote = connections[alias].ops.quote_name
    question, area = quote(Question._meta.db_table), quote(Area._meta.db_table)

    def q(name):
        return f"{question}.{quote(Question._meta.get_field(name).column)}"

    def a(name):
        return f"{area}.{quote(Area._meta.get_field(name).column)}"

    shown = ", ".join(q(name) for name in ("id", "framework", "area", "code", "stage", "text", "key", "order"))
    return (
        f"SELECT {shown}, {a('code')} AS area_code, {a('name')} AS area_name, {a('order')} AS area_order, "  # noqa: S608 (names from the models)
        f"{a('judged_once')} AS area_judged_once FROM {question} INNER JOIN {area} ON {a('id')} = {q('area')} "
        f"WHERE {a('framework')} = %s ORDER BY {a('order')}, {a('id')}, {q('order')}, {q('id')}"
    )


def inspection_judgements(
    inspection, *, leave_out=frozenset(), hidden_from=None, live=None, areas=None, framework_bands_read=None
) -> InspectionJudgements:
    """The inspection's judgements: stored once published, else live from the counting assessments.
    `leave_out`: case ids whose markings the reader may not see (blind second marking), left out of
    the live figures so that no figure they read includes them. `live`: ({question id: Tally},
    {area id: cases}, cases counted) when the caller has read them already from the same counting
    assessments, less the same `leave_out` (the dashboard); used only while not published.
    `areas` ([(area, its questions)] of the framework's areas that have questions, in order) and
    `framework_bands_read` (`framework_bands`): the framework as the caller has read it already."""
    framework = inspection.framework
    read = framework_bands(framework) if framework_bands_read is None else framework_bands_read
    bands, points, overall_bands = read.bands, read.points, read.overall  # for the areas and the overall rating
    scope = question_scope(inspection)
    if areas is None:
        areas = areas_with_questions(framework)
    stored = {j.area_id: j for j in _STORED.objects(inspection.pk)}
    if inspection.is_published:
        tallies, cases_by_area, cases_counted, left_out = _published_tallies(inspection, stored)
    elif live is not None:
        (tallies, cases_by_area, cases_counted), left_out = live, frozenset(leave_out)
    else:
        tallies, cases_by_area, cases_counted, left_out = _live_tallies(inspection, leave_out, hidden_from)

    area_judgements = []
    for area, area_questions in areas:
        questions = in_scope(area_questions, scope)
        if not questions:
            continue  # a themed audit reads only some areas
        question_tallies = {q.code: tallies.get(q.pk, ratings.Tally()) for q in questions}
        result = ratings.area_result(
            framework.rule, question_tallies, bands, key_questions=[q.code for q in questions if q.key]
        )
        if area.judged_once:
            # Judged on the inspection from evidence: the band given, no score from the cases.
            judged = stored.get(area.pk)
            label = judged.judged_band_label if judged else ""
            band = next((b for b in bands if b.label == label), None)
            result = ratings.AreaResult(None, band, ratings.Tally(), {q.code: None for q in questions}, None)
        area_judgements.append(
            AreaJudgement(
                area=area,
                result=result,
                cases=cases_by_area.get(area.pk, 0),
                questions=[
                    QuestionFigures(q, question_tallies[q.code], result.question_scores[q.code]) for q in questions
                ],
                band=result.band,
                override=stored.get(area.pk),
            )
        )
        judgement = area_judgements[-1]
        if judgement.is_overridden:
            judgement.override_band = next(
                (b for b in bands if b.label == judgement.override.override_band_label), None
            )

    overall = None
    if overall_bands:
        shown = [_shown_band(a, bands) for a in area_judgements]
        overall = ratings.overall_result(shown, points, overall_bands)
    return InspectionJudgements(
        inspection=inspection,
        areas=area_judgements,
        overall=overall,
        cases_counted=cases_counted,
        published=inspection.is_published,
        bands=bands,
        left_out=left_out,
    )


def _shown_band(area_judgement, bands):
    return area_judgement.override_band if area_judgement.is_overridden else area_judgement.band
