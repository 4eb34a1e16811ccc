"""Reads for a service over time: each area's score across the service's inspections (published
judgements, plus the live figure of any in progress) and the questions that moved most.
"""

from collections import defaultdict
from dataclasses import dataclass

from inspections import ratings
from inspections.models import Area, Band, Inspection, Judgement, PublishedQuestionScore
from inspections.prepared import PreparedRead
from inspections.prepared_objects import PreparedObjects

from ..models import Answer, tally_counts
from ..rules import hidden_first_markings
from .figures import WEAKEST, Score, questions_area_score


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


@dataclass(frozen=True)
class OutlineQuestion:
    pk: int
    code: str
    text: str
    key: bool


@dataclass
class OutlineArea:
    pk: int
    code: str
    name: str
    questions: list[OutlineQuestion]


@dataclass
class FrameworkOutline:
    """What the trend reads of a framework: its rule, bands, and areas with their questions, in order."""

    rule: str
    bands: list[ratings.Band]
    areas: list[OutlineArea]


def _frameworks(inspections):
    """{framework id: FrameworkOutline} of the inspections' frameworks (read with them), as plain
    rows: two queries (the bands; the areas with their questions, an area without questions too)."""
    rules = {i.framework_id: i.framework.rule for i in inspections}
    bands = defaultdict(list)
    for framework_id, label, min_percent, equivalent in _BANDS.rows(list(rules)):
        bands[framework_id].append(ratings.Band(label, min_percent, equivalent))
    areas = defaultdict(dict)  # {framework id: {area id: OutlineArea}}, in order
    for framework_id, area_id, code, name, question_id, question_code, text, key in _AREAS.rows(list(rules)):
        area = areas[framework_id].get(area_id)
        if area is None:
            area = areas[framework_id][area_id] = OutlineArea(area_id, code, name, [])
        if question_id is not None:
            area.questions.append(OutlineQuestion(question_id, question_code, text, key))
    return {
        framework_id: FrameworkOutline(rule, bands[framework_id], list(areas[framework_id].values()))
        for framework_id, rule in rules.items()
    }


def _live_tallies(inspection_ids, leave_out=frozenset()):
    """{inspection id: {question id: Tally}} from each case's counting assessment, less the cases
    in `leave_out`: one query."""
    live = defaultdict(dict)
    for inspection_id, question_id, yes, no, na in _LIVE_TALLIES.rows(list(inspection_ids), list(leave_out)):
        live[inspection_id][question_id] = ratings.Tally(yes, no, na)
    return live


# The trend's reads, each built by the ORM once per process (and number of ids: inspections/prepared.py)
# and run with the ids of this service's inspections and frameworks.
_BANDS = PreparedRead(
    Band,
    lambda framework_ids: (
        Band.objects.filter(framework_id__in=framework_ids)
        .order_by("framework_id", "-min_percent")
        .values_list("framework_id", "label", "min_percent", "equivalent")
    ),
)
_AREAS = PreparedRead(
    Area,
    lambda framework_ids: (
        Area.objects.filter(framework_id__in=framework_ids)
        .order_by("framework_id", "order", "pk", "questions__order", "questions__pk")
        .values_list("framework_id", "pk", "code", "name", *(f"questions__{f}" for f in ("pk", "code", "text", "key")))
    ),
)
_LIVE_TALLIES = PreparedRead(
    Answer,
    # An empty `leave_out` leaves nothing out (the ORM drops the condition).
    lambda inspection_ids, leave_out: (
        Answer.objects.counting()
        .filter(assessment__case__inspection_id__in=inspection_ids)
        .exclude(assessment__case_id__in=leave_out)
        .values("assessment__case__inspection_id", "question_id")
        .annotate(**tally_counts())
        .order_by()
        .values_list("assessment__case__inspection_id", "question_id", "yes", "no", "na")
    ),
)
_STORED_SCORES = PreparedRead(
    Judgement,
    lambda inspection_ids: (
        Judgement.objects.filter(inspection_id__in=inspection_ids)
        .order_by()
        .values_list("inspection_id", "area_id", "score")
    ),
)
_QUESTION_SCORES = PreparedRead(
    PublishedQuestionScore,
    lambda inspection_ids: PublishedQuestionScore.objects.filter(inspection_id__in=inspection_ids).values_list(
        "inspection_id", "question__code", "score"
    ),
)


def _chosen(service_id, published_only):
    """The service's inspections the trend shows (every one set up, or only the published), with what it
    reads of them and of their frameworks."""
    chosen = Inspection.objects.filter(service_id=service_id).exclude(status="planned")
    if published_only:
        chosen = chosen.published()
    return chosen.select_related("framework").only(
        "title", "status", "follows", "period_start", "period_end", "created_at", "framework__rule"
    )


_INSPECTIONS = {
    published_only: PreparedObjects(
        Inspection, lambda service_id, published_only=published_only: _chosen(service_id, published_only)
    )
    for published_only in (False, True)
}


def trend_inspections(service, *, published_only=False) -> list:
    """The inspections a service's trend reads (only the published with `published_only`), in
    follows-chain order: one query."""
    return _chain_order(_INSPECTIONS[published_only].objects(service.pk))


def service_trend(service, *, published_only=False, reader=None, inspections=None, leave_out=None) -> Trend:
    """Each area's score across the service's inspections, published judgements plus the live
    figure of any in progress (not with `published_only`: board members; live figures without the
    cases `reader` marks blind, `rules.hidden_first_markings`, read only when there is a live
    inspection, or without `leave_out`, those cases as the caller read them), in follows-chain order;
    and the questions that moved most between the last two with figures. `inspections`: the
    service's, as `trend_inspections` reads them, if the caller has them. A fixed number of queries."""
    if inspections is None:
        inspections = trend_inspections(service, published_only=published_only)
    frameworks = _frameworks(inspections)
    published_ids = [i.pk for i in inspections if i.is_published]
    live_ids = [i.pk for i in inspections if not i.is_published]
    stored = defaultdict(dict)  # {inspection id: {area id: score}}
    for inspection_id, area_id, score in _STORED_SCORES.rows(published_ids):
        stored[inspection_id][area_id] = score
    question_scores = defaultdict(dict)  # {inspection id: {question code: score}}
    for inspection_id, code, score in _QUESTION_SCORES.rows(published_ids):
        question_scores[inspection_id][code] = score
    if leave_out is None:
        leave_out = hidden_first_markings(reader, live_ids) if live_ids and reader is not None else frozenset()
    live = _live_tallies(live_ids, leave_out)

    area_names = {}
    points = []
    for inspection in inspections:
        outline = frameworks[inspection.framework_id]
        scores = {}
        for area in outline.areas:
            area_names.setdefault(area.code, area.name)
            if inspection.is_published:
                percent = stored[inspection.pk].get(area.pk)
                scores[area.code] = Score(percent, ratings.band_for(percent, outline.bands))
            else:
                by_question = live[inspection.pk]
                scores[area.code] = questions_area_score(outline.rule, area.questions, by_question, outline.bands)[1]
                for q in area.questions:
                    tally = live[inspection.pk].get(q.pk)
                    if tally:
                        question_scores[inspection.pk][q.code] = ratings.whole_percent(tally.yes, tally.no)
        if inspection.is_published or live[inspection.pk]:
            points.append(TrendPoint(inspection, scores, not inspection.is_published))

    scored = [p for p in points if question_scores.get(p.inspection.pk)]
    if len(scored) < 2:
        return Trend(points, list(area_names.items()), [])
    mover_from, mover_to = scored[-2].inspection, scored[-1].inspection
    movers = _movers(question_scores[mover_from.pk], question_scores[mover_to.pk], frameworks[mover_to.framework_id])
    return Trend(points, list(area_names.items()), movers[:WEAKEST], mover_from, mover_to)


def _movers(before, after, framework):
    """The questions scored in both, by how far they moved (most first)."""
    texts = {q.code: q.text for a in framework.areas for q in a.questions}
    movers = [
        Mover(code, texts.get(code, ""), before[code], after[code])
        for code in before.keys() & after.keys()
        if before[code] is not None and after[code] is not None
    ]
    return sorted(movers, key=lambda m: (-abs(m.change), m.code))
