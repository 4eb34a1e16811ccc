"""Rating arithmetic: question scores, area scores, bands and overall ratings.

Pure standard-library code (no Django), following docs/architecture.md:

- N/A answers count in neither the numerator nor the denominator.
- A score is Yes / (Yes + No), shown as a whole percentage rounded half up.
- The band is decided on that shown whole number.
- Nothing rated means "not rated" (None), never 0%.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

POOLED = "pooled"
KEY_QUESTION = "key_question"
RULES = (POOLED, KEY_QUESTION)


@dataclass(frozen=True)
class Tally:
    """Yes / No / N/A answers counted for one question, or summed over an area."""

    yes: int = 0
    no: int = 0
    na: int = 0

    def __post_init__(self):
        if self.yes < 0 or self.no < 0 or self.na < 0:  # one test for the usual case, made thousands of times a page
            for name in ("yes", "no", "na"):
                if getattr(self, name) < 0:
                    raise ValueError(f"a tally cannot have a negative number of {name!r} answers")

    def __add__(self, other: Tally) -> Tally:
        if not isinstance(other, Tally):
            return NotImplemented
        return Tally(self.yes + other.yes, self.no + other.no, self.na + other.na)

    @property
    def rated(self) -> int:
        """Answers that count towards a score (Yes + No)."""
        return self.yes + self.no

    @property
    def answered(self) -> int:
        """All answers, N/A included."""
        return self.yes + self.no + self.na


@dataclass(frozen=True)
class Band:
    """A rating band: applies from min_percent up to the next band's start."""

    label: str
    min_percent: int
    equivalent: str = ""


def whole_percent(yes: int, no: int) -> int | None:
    """Yes / (Yes + No) as a whole percent, rounded half up; None if nothing rated."""
    if yes < 0 or no < 0:
        raise ValueError("yes and no counts cannot be negative")
    rated = yes + no
    if rated == 0:
        return None
    # 100 * yes / rated rounded half up, in integers:
    # floor((200 * yes + rated) / (2 * rated))
    return (200 * yes + rated) // (2 * rated)


def band_for(percent: int | None, bands: Sequence[Band]) -> Band | None:
    """The band with the highest start at or below percent; None if none fits."""
    if percent is None:
        return None
    fitting = [band for band in bands if band.min_percent <= percent]
    if not fitting:
        return None
    return max(fitting, key=lambda band: band.min_percent)


@dataclass(frozen=True)
class AreaResult:
    """The score and band of one area, with the figures behind it."""

    score: int | None
    band: Band | None
    tally: Tally
    question_scores: dict[str, int | None]
    deciding_question: str | None


def area_result(
    rule: str,
    question_tallies: Mapping[str, Tally],
    bands: Sequence[Band],
    key_questions: Collection[str] = (),
) -> AreaResult:
    """Score an area from its questions' tallies under the given rule.

    pooled: all Yes over all Yes + No of the area's questions.
    key_question: the lowest score among the rated key questions (first one wins a tie);
    with no key questions given, every question counts as key.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rating rule {rule!r}: expected one of {', '.join(RULES)}")

    # Added up field by field in one pass rather than Tally + Tally (one object, not one for each question).
    yes = no = na = 0
    question_scores = {}
    for code, t in question_tallies.items():
        yes += t.yes
        no += t.no
        na += t.na
        question_scores[code] = whole_percent(t.yes, t.no)
    tally = Tally(yes, no, na)

    deciding_question = None
    if rule == POOLED:
        score = whole_percent(tally.yes, tally.no)
    else:
        keys = set(key_questions) if key_questions else set(question_tallies)
        score = None
        for code, question_score in question_scores.items():
            if code not in keys or question_score is None:
                continue
            if score is None or question_score < score:
                score = question_score
                deciding_question = code

    return AreaResult(
        score=score,
        band=band_for(score, bands),
        tally=tally,
        question_scores=question_scores,
        deciding_question=deciding_question,
    )


@dataclass(frozen=True)
class OverallBand:
    """An overall rating band on the total of area points."""

    label: str
    min_points: int


@dataclass(frozen=True)
class OverallResult:
    """The overall rating: total points and its band; None if any area is not rated."""

    points: int | None
    band: OverallBand | None
    areas_counted: int
    max_points: int | None = None  # the most the areas could total (36 for twelve standards at 3)


def overall_result(
    area_bands: Sequence[Band | None],
    points_per_band: Mapping[str, int],
    overall_bands: Sequence[OverallBand],
) -> OverallResult:
    """Total the points of each area's band and find the overall band for the total.

    areas_counted is the number of rated areas. If any area is not rated (None),
    or there are no areas, there is no total: points and band are None.
    """
    rated = [band for band in area_bands if band is not None]
    most = max(points_per_band.values(), default=0) * len(area_bands) if area_bands else None
    for band in rated:
        if band.label not in points_per_band:
            raise ValueError(f"band {band.label!r} has no points set for the overall rating")

    if not rated or len(rated) < len(area_bands):
        return OverallResult(points=None, band=None, areas_counted=len(rated), max_points=most)

    points = sum(points_per_band[band.label] for band in rated)
    fitting = [band for band in overall_bands if band.min_points <= points]
    overall = max(fitting, key=lambda band: band.min_points) if fitting else None
    return OverallResult(points=points, band=overall, areas_counted=len(rated), max_points=most)


def _start_problems(starts: list[tuple[str, int]], low: int, high: int, what: str) -> list[str]:
    """Checks that (label, start) pairs cover low..high with no gap or overlap."""
    if not starts:
        return ["no bands are defined"]
    problems = []

    seen_labels = set()
    for label, _ in starts:
        if not label.strip():
            problems.append("a band has no label")
        elif label in seen_labels:
            problems.append(f"band label {label!r} is used more than once")
        seen_labels.add(label)

    label_at = {}
    for label, start in starts:
        if start in label_at:
            problems.append(f"bands {label_at[start]!r} and {label!r} both start at {start}")
        else:
            label_at[start] = label

    for label, start in starts:
        if not low <= start <= high:
            problems.append(f"band {label!r} starts at {start}: it must be between {low} and {high}")

    lowest_label, lowest = min(starts, key=lambda pair: pair[1])
    if lowest > low:
        problems.append(f"band {lowest_label!r} starts at {lowest}: {what} {low}-{lowest - 1} would have no band")
    return problems


def band_problems(bands: Sequence[Band]) -> list[str]:
    """What is wrong with a set of percentage bands; empty means it is usable."""
    return _start_problems([(b.label, b.min_percent) for b in bands], 0, 100, "scores")


def overall_band_problems(bands: Sequence[OverallBand], max_points: int) -> list[str]:
    """What is wrong with a set of overall (points) bands; empty means usable."""
    return _start_problems([(b.label, b.min_points) for b in bands], 0, max_points, "totals")


CCI_DEFAULT_BANDS: tuple[Band, ...] = (
    Band("Minimal improvement required", 80, "Outstanding"),
    Band("Moderate improvement required", 65, "Good"),
    Band("Substantial improvement required", 50, "Satisfactory"),
    Band("Drastic improvement required", 0, "Inadequate"),
)
