"""An inspection's judgements: each area's score and band, computed from the answers by the
rules of docs/architecture.md ("The rules the code computes") (see inspections/ratings.py), or as stored when published.

Reads in a fixed number of queries whatever the number of cases or questions.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import IntegerField, Value

from inspections import ratings
from inspections.models import Area, Band, Judgement, OverallBand, PublishedQuestionScore, Question

from .models import Answer, Assessment, counting_marking
from .oversight.disclosure import few_asked
from .programme.scope import in_scope, question_scope


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
    """The framework's bands and overall bands: one query of plain rows (the two tables together)."""
    rows = (
        Band.objects.filter(framework=framework)
        .order_by()
        .annotate(overall=Value(False))
        .values_list("overall", "label", "min_percent", "equivalent", "points")
        .union(
            OverallBand.objects.filter(framework=framework)
            .order_by()
            .annotate(overall=Value(True), no_equivalent=Value(""), no_points=Value(None, IntegerField()))
            .values_list("overall", "label", "min_points", "no_equivalent", "no_points"),
            all=True,
        )
        .order_by("overall", "-min_percent")
    )
    bands, points, overall_bands = [], {}, []
    for overall, label, lowest, equivalent, band_points in rows:
        if overall:
            overall_bands.append(ratings.OverallBand(label, lowest))
        else:
            bands.append(ratings.Band(label, lowest, equivalent))
            if band_points is not None:
                points[label] = band_points
    return FrameworkBands(bands, points, overall_bands)


def _live_tallies(inspection, leave_out, question_areas):
    """{question id: Tally}, {area id: cases with an answer other than N/A in the area} and the cases
    counted, from each case's counting assessment, less the cases in `leave_out` (those the reader is
    marking blind: `rules.blind_case_ids`). Two plain queries: the markings' statuses (the counting
    assessment picked by `counting_marking`, the rule of `Assessment.objects.counting`), then the
    counting assessments' answers by their ids, added up here. `question_areas`: {question id: area
    id} of the framework's questions, read by the caller."""
    statuses, markings = defaultdict(dict), defaultdict(dict)
    rows = Assessment.objects.filter(case__inspection=inspection).values_list("pk", "case_id", "marking", "status")
    for pk, case_id, marking, status in rows.order_by():
        if case_id not in leave_out:
            statuses[case_id][marking] = status
            markings[case_id][marking] = pk
    counting = [
        markings[case_id][marking]
        for case_id, by_marking in statuses.items()
        if (marking := counting_marking(by_marking)) is not None
    ]
    answers = list(
        Answer.objects.filter(assessment_id__in=counting)
        .values_list("assessment_id", "question_id", "value")
        .order_by()
    )
    counts = Counter((question_id, value) for _, question_id, value in answers)
    tallies = {
        question_id: ratings.Tally(
            counts[(question_id, Answer.Value.YES)],
            counts[(question_id, Answer.Value.NO)],
            counts[(question_id, Answer.Value.NA)],
        )
        for question_id in {question_id for question_id, _ in counts}
    }
    answered = {
        (assessment_id, question_areas.get(question_id))
        for assessment_id, question_id, value in answers
        if value != Answer.Value.NA
    }
    cases_by_area = Counter(area_id for _, area_id in answered)
    return tallies, dict(cases_by_area), len(counting)


def _published_tallies(inspection, stored_judgements):
    tallies = {
        question_id: ratings.Tally(yes, no, na)
        for question_id, yes, no, na in PublishedQuestionScore.objects.filter(inspection=inspection)
        .order_by()
        .values_list("question_id", "yes", "no", "na")
    }
    cases_by_area = {j.area_id: j.cases for j in stored_judgements.values()}
    return tallies, cases_by_area, max(cases_by_area.values(), default=0)


def _areas_with_questions(framework):
    """[(area, its questions)] of the framework, in order, for the areas that have questions: one
    query (the questions with their area)."""
    areas = {}
    for question in (
        Question.objects.filter(area__framework=framework)
        .select_related("area")
        .order_by("area__order", "area_id", "order")
    ):
        area, questions = areas.setdefault(question.area_id, (question.area, []))
        question.area = area  # one object per area
        questions.append(question)
    return list(areas.values())


def inspection_judgements(
    inspection, *, leave_out=frozenset(), live=None, areas=None, framework_bands_read=None
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
        areas = _areas_with_questions(framework)
    stored = {
        j.area_id: j
        for j in Judgement.objects.filter(inspection=inspection).select_related("overridden_by", "judged_by").order_by()
    }
    if inspection.is_published:
        tallies, cases_by_area, cases_counted = _published_tallies(inspection, stored)
    elif live is not None:
        tallies, cases_by_area, cases_counted = live
    else:
        question_areas = {q.pk: area.pk for area, questions in areas for q in questions}
        tallies, cases_by_area, cases_counted = _live_tallies(inspection, leave_out, question_areas)

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
    )


def _shown_band(area_judgement, bands):
    return area_judgement.override_band if area_judgement.is_overridden else area_judgement.band
