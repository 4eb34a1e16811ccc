"""Agreement between two markings of the same cases: percentage agreement and Cohen's kappa.

Pure standard-library code (no Django), following docs/architecture.md. Each pair is
(first marking's answer, second marking's answer) for one question on one case. The
categories are whatever values appear (e.g. "yes", "no", "na"); values are compared as
given, so normalise case and spelling before calling.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

Counts = Mapping[tuple[str, str], int]  # {(first marking's answer, second marking's answer): pairs}


def percentage_agreement(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Share of pairs where both markings give the same answer, 0..100; None for no pairs."""
    return percentage_agreement_of(Counter(pairs))


def cohens_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of the pairs (see `cohens_kappa_of`)."""
    return cohens_kappa_of(Counter(pairs))


def _agreed(counts: Counts) -> int:
    return sum(n for (first, second), n in counts.items() if first == second)


def percentage_agreement_of(counts: Counts) -> float | None:
    """`percentage_agreement` from the number of each pair, so a caller holding counts need not
    spell out every pair; None for no pairs. (100 x agreed / pairs in integers: Python divides
    integers correctly rounded, so the float is the exact fraction's, as float(Fraction) gives.)"""
    n = sum(counts.values())
    if not n:
        return None
    return 100 * _agreed(counts) / n


def cohens_kappa_of(counts: Counts) -> float | None:
    """Cohen's kappa, (po - pe) / (1 - pe): agreement beyond what chance would give, from the
    number of each pair.

    po is the observed agreement; pe is the agreement expected by chance, the sum over
    categories of the product of each marker's share of that category.
    Returns None for no pairs, and None when pe == 1 (both markers used one and the same
    category throughout): kappa is then 0 / 0, not computable, although they agreed fully.
    With po = agreed / n and pe = chance / n^2 (chance: the sum over categories of the products
    of the two markers' counts), kappa is (agreed x n - chance) / (n^2 - chance): worked out in
    integers and divided once (correctly rounded, the exact fraction's float).
    """
    n = sum(counts.values())
    if not n:
        return None
    firsts, seconds = {}, {}
    for (first, second), k in counts.items():
        firsts[first] = firsts.get(first, 0) + k
        seconds[second] = seconds.get(second, 0) + k
    chance = sum(k * seconds[c] for c, k in firsts.items() if c in seconds)
    if chance == n * n:
        return None
    return (_agreed(counts) * n - chance) / (n * n - chance)
