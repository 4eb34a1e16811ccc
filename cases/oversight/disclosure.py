"""Disclosure control for a set of group counts that add up to a shown total (no Django).

One rule, used by the dashboard pages and the CSV and XLSX exports alike:

- primary suppression: a group of 1 to SMALL_GROUP - 1 cases is hidden ("fewer than 5");
- secondary suppression: while any hidden count could still be worked out from the shown counts
  and the total (total minus the shown groups, knowing a hidden small group holds 1 to 4 cases and
  a group hidden to protect it holds 5 or more), the next smallest shown group is hidden too
  ("hidden");
- when even hiding every group leaves a count that can be worked out (two groups of one case each
  and a total of 2, say), the whole breakdown is withheld.

Groups with no cases are shown as they are (a reader learns nothing from a zero that the absence
of the group would not tell).

A question asked of only some cases (`applies_to`) has its own population: the cases asked it
(one answer each). Asked of 1 to SMALL_GROUP - 1 cases, its answers are hidden like a small group
(`few_asked`), and so are the area's Yes / No / N/A counts and the area-by-stage cell that hold
them, since the question's own counts would be their total minus the other questions' shown counts.

Filters are breakdowns too: a page filtered on a group shows that group's figures, so a filtered
page is shown only when none of its filters picks out a group hidden in the breakdown that the
page without that filter shows (`selection_hidden`), checked with every other filter in use and
without each of them (so two filters cannot single out what one would not).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import combinations

SMALL_GROUP = 5
SUPPRESSED = "fewer than 5"
HIDDEN = "hidden"


@dataclass(frozen=True)
class Protection:
    """Which groups (by position) are hidden, and why."""

    small: frozenset[int]  # fewer than SMALL_GROUP cases
    secondary: frozenset[int]  # hidden so that a small group cannot be worked out
    withheld: bool = False  # nothing of the breakdown can be shown

    @property
    def hidden(self):
        return self.small | self.secondary

    def text(self, index, count):
        """The count as shown."""
        if self.withheld or index in self.small:
            return SUPPRESSED
        if index in self.secondary:
            return HIDDEN
        return str(count)


def bounds(index, protection, threshold=SMALL_GROUP):
    """What a reader knows of a hidden count before using the total: (lowest, highest or None)."""
    return (1, threshold - 1) if index in protection.small else (threshold, None)


def _recoverable(counts, small, secondary, threshold):
    """Whether some hidden count is pinned down by the total and the shown counts."""
    hidden = sorted(small | secondary)
    remainder = sum(counts[i] for i in hidden)  # what the total minus every shown count gives
    lows = {i: 1 if i in small else threshold for i in hidden}
    highs = {i: threshold - 1 if i in small else None for i in hidden}
    for i in hidden:
        others = [j for j in hidden if j != i]
        others_low = sum(lows[j] for j in others)
        others_high = None if any(highs[j] is None for j in others) else sum(highs[j] for j in others)
        least = lows[i] if others_high is None else max(lows[i], remainder - others_high)
        most = remainder - others_low if highs[i] is None else min(highs[i], remainder - others_low)
        if least >= most:
            return True
    return False


def protect(counts, threshold=SMALL_GROUP) -> Protection:
    """The groups to hide among `counts` (whose total is shown elsewhere)."""
    counts = list(counts)
    small = frozenset(i for i, n in enumerate(counts) if 0 < n < threshold)
    secondary = set()
    while _recoverable(counts, small, secondary, threshold):
        shown = [i for i, n in enumerate(counts) if n > 0 and i not in small and i not in secondary]
        if not shown:
            return Protection(small, frozenset(secondary), withheld=True)
        secondary.add(min(shown, key=lambda i: (counts[i], i)))
    return Protection(small, frozenset(secondary))


def picks_out_hidden(counts, index, threshold=SMALL_GROUP) -> bool:
    """Whether the group at `index` of a breakdown of `counts` is hidden (or the breakdown withheld)."""
    if not 0 <= index < len(counts) or counts[index] == 0:
        return False
    protection = protect(counts, threshold)
    return protection.withheld or index in protection.hidden


def few_asked(tally, threshold=SMALL_GROUP) -> bool:
    """Whether a question's answers (a Yes / No / N/A tally, one answer per case asked) come from so
    few cases that they are hidden: asked of 1 to `threshold` - 1 cases."""
    return 0 < tally.yes + tally.no + tally.na < threshold


def selection_hidden(selected: Mapping[str, str], sizes: Callable[[str, Mapping[str, str]], Mapping[str, int]]) -> bool:
    """Whether the filters in `selected` ({filter: value}) pick out a group that disclosure control
    hides, so that no figure of the filtered cases may be shown.

    `sizes(name, within)` gives the breakdown by filter `name` ({value: cases}) of the cases matching
    the filters `within`: the breakdown a page filtered on `within` shows. Each filter is checked
    against the breakdown with every combination of the other filters, the empty one included.
    """
    for name, value in selected.items():
        others = [other for other in selected if other != name]
        for size in range(len(others) + 1):
            for subset in combinations(others, size):
                counts = dict(sorted(sizes(name, {other: selected[other] for other in subset}).items()))
                if value in counts and picks_out_hidden(list(counts.values()), list(counts).index(value)):
                    return True
    return False
