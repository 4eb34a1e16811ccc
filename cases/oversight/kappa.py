"""Agreement between two markings of the same cases: percentage agreement and Cohen's kappa.

Pure standard-library code (no Django), following docs/architecture.md. Each pair is
(first marking's answer, second marking's answer) for one question on one case. The
categories are whatever values appear (e.g. "yes", "no", "na"); values are compared as
given, so normalise case and spelling before calling.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction


def _observed(pairs: Sequence[tuple[str, str]]) -> Fraction:
    """Share of pairs where both markings agree, as an exact fraction."""
    return Fraction(sum(1 for first, second in pairs if first == second), len(pairs))


def percentage_agreement(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Share of pairs where both markings give the same answer, 0..100; None for no pairs."""
    if not pairs:
        return None
    return float(100 * _observed(pairs))


def cohens_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa, (po - pe) / (1 - pe): agreement beyond what chance would give.

    po is the observed agreement; pe is the agreement expected by chance, the sum over
    categories of the product of each marker's share of that category.
    Returns None for no pairs, and None when pe == 1 (both markers used one and the same
    category throughout): kappa is then 0 / 0, not computable, although they agreed fully.
    """
    if not pairs:
        return None
    n = len(pairs)
    po = _observed(pairs)
    firsts = Counter(first for first, _ in pairs)
    seconds = Counter(second for _, second in pairs)
    pe = sum(Fraction(firsts[c] * seconds[c], n * n) for c in firsts.keys() & seconds.keys())
    if pe == 1:
        return None
    return float((po - pe) / (1 - pe))
