"""Reads for a service over time: each area's score across the service's inspections (published
judgements, plus the live figure of any in progress) and the questions that moved most.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects

from inspections import ratings
from inspections.models import Area, Inspection, Judgement, PublishedQuestionScore

from ..models import Answer, tally_counts
from .figures import WEAKEST, Score, area_score


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


def _frameworks(inspections):
    """{framework id: framework} of the inspections (read with them), with its bands, areas and
    their questions: three queries."""
    frameworks = {i.framework_id: i.framework for i in inspections}
    prefetch_related_objects(
        list(frameworks.values()), "bands", Prefetch("areas", queryset=Area.objects.prefetch_related("questions"))
    )
    return frameworks


def _live_tallies(inspection_ids, hidden=None):
    """{inspection id: {question id: Tally}} from each case's counting assessment, less the cases of
    the markings in `hidden` (left out in the same query): one query."""
    live = defaultdict(dict)
    answers = Answer.objects.counting().filter(assessment__case__inspection_id__in=inspection_ids)
    if hidden is not None:
        answers = answers.exclude(Exists(hidden.filter(case_id=OuterRef("assessment__case_id"))))
    for row in answers.values("assessment__case__inspection_id", "question_id").annotate(**tally_counts()).order_by():
        live[row["assessment__case__inspection_id"]][row["question_id"]] = ratings.Tally(
            row["yes"], row["no"], row["na"]
        )
    return live


def service_trend(service, *, published_only=False, hidden=None) -> Trend:
    """Each area's score across the service's inspections, published judgements plus the live
    figure of any in progress (not with `published_only`: board members; live figures without the
    cases of the markings in `hidden`, those the reader marks blind: `rules.hidden_first_markings_of`,
    a query run inside the live figures' own), in follows-chain order; and the questions that moved
    most between the last two with figures. A fixed number of queries."""
    chosen = Inspection.objects.filter(service=service).exclude(status="planned")
    if published_only:
        chosen = chosen.published()
    inspections = _chain_order(list(chosen.select_related("framework")))
    frameworks = _frameworks(inspections)
    published_ids = [i.pk for i in inspections if i.is_published]
    live_ids = [i.pk for i in inspections if not i.is_published]
    stored = defaultdict(dict)  # {inspection id: {area id: score}}
    for inspection_id, area_id, score in (
        Judgement.objects.filter(inspection_id__in=published_ids)
        .order_by()
        .values_list("inspection_id", "area_id", "score")
    ):
        stored[inspection_id][area_id] = score
    question_scores = defaultdict(dict)  # {inspection id: {question code: score}}
    for row in PublishedQuestionScore.objects.filter(inspection_id__in=published_ids).values(
        "inspection_id", "question__code", "score"
    ):
        question_scores[row["inspection_id"]][row["question__code"]] = row["score"]
    live = _live_tallies(live_ids, hidden)

    area_names = {}
    points = []
    for inspection in inspections:
        framework = frameworks[inspection.framework_id]
        bands = [ratings.Band(b.label, b.min_percent, b.equivalent) for b in framework.bands.all()]
        scores = {}
        for area in framework.areas.all():
            area_names.setdefault(area.code, area.name)
            if inspection.is_published:
                percent = stored[inspection.pk].get(area.pk)
                scores[area.code] = Score(percent, ratings.band_for(percent, bands))
            else:
                result, score = area_score(framework, area, live[inspection.pk], bands)
                scores[area.code] = score
                for q in area.questions.all():
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
    texts = {q.code: q.text for a in framework.areas.all() for q in a.questions.all()}
    movers = [
        Mover(code, texts.get(code, ""), before[code], after[code])
        for code in before.keys() & after.keys()
        if before[code] is not None and after[code] is not None
    ]
    return sorted(movers, key=lambda m: (-abs(m.change), m.code))
