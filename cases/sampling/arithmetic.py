"""Sampling arithmetic: sample sizes, stratified allocation and a reproducible draw.

Pure standard-library code (no Django), following docs/architecture.md:

- Sample size from a margin of error: n0 = z^2 p(1-p) / e^2, then the finite-population
  correction n = n0 / (1 + (n0 - 1) / N), rounded up; or the YJB rule, 20% with a minimum of 20.
- Proportional allocation over strata with largest-remainder (Hamilton) rounding.
- A seeded random choice inside each stratum, with an optional cap per case manager.
- The same inputs (seed, strata, allocation) always give the same sample, whatever the input order.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections import Counter, deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from statistics import NormalDist

STRATUM_SEPARATOR = " / "


def _as_fraction(value: float, name: str) -> float:
    """Read 0.95 as 0.95 and 95 as 95%; the result must lie strictly between 0 and 1."""
    fraction = value / 100 if value > 1 else value
    if not 0 < fraction < 1:
        raise ValueError(
            f"{name} must be between 0 and 1 (e.g. 0.95) or a percentage between 1 and 100 "
            f"(e.g. 95), exclusive; got {value!r}"
        )
    return fraction


def sample_size_for_margin(population: int, confidence: float, margin: float, proportion: float = 0.5) -> int:
    """Cases needed to estimate a proportion in a cohort to within `margin` at `confidence`.

    confidence: 0.95 or 95 (meaning 95%). margin: 0.05 or 5 (meaning 5%).
    A value above 1 is read as a percentage, so give a 1% margin as 0.01.
    """
    if population < 0:
        raise ValueError(f"population cannot be negative; got {population!r}")
    confidence = _as_fraction(confidence, "confidence")
    margin = _as_fraction(margin, "margin")
    if not 0 < proportion < 1:
        raise ValueError(f"proportion must be between 0 and 1, exclusive; got {proportion!r}")
    if population == 0:
        return 0
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    # Round away float noise first, so 53.0000000001 stays 53 rather than becoming 54.
    return min(population, math.ceil(round(n, 9)))


def yjb_sample_size(population: int) -> int:
    """YJB self-assessment rule: 20% of the cohort rounded up, at least 20 where it allows."""
    if population < 0:
        raise ValueError(f"population cannot be negative; got {population!r}")
    one_fifth = -(-population // 5)  # ceil(population / 5) in integers
    return min(population, max(20, one_fifth))


def stratum_key(values: Sequence[str]) -> str:
    """Display key of a stratum, e.g. "Community / Not low / Male"."""
    return STRATUM_SEPARATOR.join(values)


def allocate(strata_sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """Share `total` places among strata in proportion to their sizes (largest-remainder rounding).

    Each stratum gets the floor of its exact share; the places left go to the largest
    remainders, ties broken by the larger stratum, then by key in sorted order.
    `total` is clipped to the cohort size. Every key is returned, 0 where none.
    Because total never exceeds the cohort, no stratum is ever given more than it holds.
    """
    if total < 0:
        raise ValueError(f"total cannot be negative; got {total!r}")
    for key, size in strata_sizes.items():
        if size < 0:
            raise ValueError(f"stratum {key!r} cannot have a negative size; got {size!r}")
    cohort = sum(strata_sizes.values())
    total = min(total, cohort)
    if total == 0:
        return {key: 0 for key in strata_sizes}

    # Exact share of each stratum is total * size / cohort; keep it in integers.
    allocation = {}
    remainders = {}
    for key, size in strata_sizes.items():
        allocation[key], remainders[key] = divmod(total * size, cohort)
    left = total - sum(allocation.values())
    by_remainder = sorted(strata_sizes, key=lambda k: (-remainders[k], -strata_sizes[k], k))
    for key in by_remainder[:left]:
        allocation[key] += 1
    # Defensive: the arithmetic above cannot over-fill a stratum (share <= size), check anyway.
    assert all(allocation[k] <= strata_sizes[k] for k in strata_sizes)
    return allocation


def seeded_order(refs: Iterable[str], seed: int | str, stratum: str) -> list[str]:
    """A stratum's references in the random order a draw with this seed walks them.

    The references are de-duplicated and sorted first, so input order never matters.
    """
    order = sorted(set(refs))
    random.Random(f"{seed}:{stratum}").shuffle(order)
    return order


def draw(
    strata: Mapping[str, Sequence[str]],
    allocation: Mapping[str, int],
    seed: int | str,
    case_manager_of: Mapping[str, str] | None = None,
    cap_per_case_manager: int | None = None,
) -> dict[str, list[str]]:
    """Choose allocation[key] references at random in each stratum; return stratum -> sorted refs.

    Each stratum is walked in its seeded order (see `seeded_order`) and the first references
    are taken. With a cap, a reference is passed over while its case manager already has `cap`
    chosen cases, counted across all strata (taken in sorted key order). If that leaves a
    stratum short, earlier choices are swapped for other cases to make room, and only when no
    choice at all can honour the cap are the rest taken from the random order regardless.
    References with no case manager are never capped.
    """
    if cap_per_case_manager is not None and cap_per_case_manager < 1:
        raise ValueError(f"cap per case manager must be at least 1; got {cap_per_case_manager!r}")
    keys = sorted(set(strata) | set(allocation))
    orders = {key: seeded_order(strata.get(key, ()), seed, key) for key in keys}
    wanted = {key: allocation.get(key, 0) for key in keys}
    for key in keys:
        if wanted[key] < 0:
            raise ValueError(f"allocation for stratum {key!r} cannot be negative; got {wanted[key]!r}")
        if wanted[key] > len(orders[key]):
            raise ValueError(f"stratum {key!r} holds {len(orders[key])} cases but {wanted[key]} were allocated to it")
    if cap_per_case_manager is None:
        return {key: sorted(orders[key][: wanted[key]]) for key in keys}
    capped = _CappedDraw(orders, wanted, case_manager_of or {}, cap_per_case_manager)
    return {key: sorted(capped.chosen[key]) for key in keys}


class _CappedDraw:
    """The draw under a cap per case manager: a greedy walk, then repairs, then a last resort."""

    def __init__(self, orders, wanted, manager_of, cap):
        self.orders = orders
        self.manager_of = manager_of
        self.cap = cap
        self.chosen = {key: set() for key in orders}
        self.count = Counter()

        # 1. Walk each stratum's random order, passing over case managers at the cap.
        for key, order in orders.items():
            for ref in order:
                if len(self.chosen[key]) == wanted[key]:
                    break
                if self.has_room(ref):
                    self.take(key, ref)
        # 2. Fill short strata by swapping earlier choices, while that is possible.
        progress = True
        while progress:
            progress = False
            for key in orders:
                while len(self.chosen[key]) < wanted[key] and self.augment(key):
                    progress = True
        # 3. No choice honours the cap: fill the rest from the random order.
        for key, order in orders.items():
            for ref in order:
                if len(self.chosen[key]) == wanted[key]:
                    break
                if ref not in self.chosen[key]:
                    self.take(key, ref)

    def has_room(self, ref):
        manager = self.manager_of.get(ref)
        return not manager or self.count[manager] < self.cap

    def take(self, key, ref):
        self.chosen[key].add(ref)
        if manager := self.manager_of.get(ref):
            self.count[manager] += 1

    def drop(self, key, ref):
        self.chosen[key].remove(ref)
        if manager := self.manager_of.get(ref):
            self.count[manager] -= 1

    def augment(self, start):
        """Add one case to stratum `start` without breaking the cap; False if impossible.

        A breadth-first search over case managers at the cap (an augmenting path, as in
        maximum flow): stratum `start` takes a case of manager A; some stratum gives up a
        chosen case of A for a case of manager B; and so on until a manager with room.
        Each manager's count stays the same except the last one's, which goes up by one.
        """
        # manager -> (stratum, case given up, case taken, previous manager on the path)
        steps = {}
        queue = deque()

        def reach(step):
            """Record a step; True when its new case needs no further room."""
            ref_in = step[2]
            if self.has_room(ref_in):
                self.apply(step, steps)
                return True
            manager = self.manager_of[ref_in]
            if manager not in steps:
                steps[manager] = step
                queue.append(manager)
            return False

        for ref in self.orders[start]:
            if ref not in self.chosen[start] and reach((start, None, ref, None)):
                return True
        while queue:
            manager = queue.popleft()
            for key, order in self.orders.items():
                giving_up = [r for r in order if r in self.chosen[key] and self.manager_of.get(r) == manager]
                if not giving_up:
                    continue
                for ref in order:
                    if ref in self.chosen[key] or self.manager_of.get(ref) == manager:
                        continue
                    # give up the last-drawn case of this manager, keep closest to the random order
                    if reach((key, giving_up[-1], ref, manager)):
                        return True
        return False

    def apply(self, step, steps):
        """Make the swaps along the path that ends with `step`."""
        while step is not None:
            key, ref_out, ref_in, previous = step
            if ref_out is not None:
                self.drop(key, ref_out)
            self.take(key, ref_in)
            step = steps[previous] if previous is not None else None


def replacement_candidates(
    stratum_refs: Sequence[str],
    already_sampled: Collection[str],
    seed: int | str,
    stratum_key: str,
    excluded: Collection[str] = (),
) -> list[str]:
    """The stratum's unsampled, unexcluded references, in the seeded order the draw used.

    The first one is the reproducible replacement for a case taken out of the sample.
    """
    skip = set(already_sampled) | set(excluded)
    return [ref for ref in seeded_order(stratum_refs, seed, stratum_key) if ref not in skip]


def cohort_hash(rows: Iterable[Sequence[str]]) -> str:
    """SHA-256 (hex) of the cohort rows, sorted and serialised canonically: order is ignored."""
    canonical = sorted(["" if cell is None else str(cell) for cell in row] for row in rows)
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
