"""Agreement arithmetic: tables worked by hand first, then properties with hypothesis."""

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.oversight.kappa import cohens_kappa, cohens_kappa_of, percentage_agreement, percentage_agreement_of


def table(cells):
    """Pairs from a cross-table {(first, second): count}."""
    return [pair for pair, count in cells.items() for _ in range(count)]


# Textbook 2 x 2 example, 50 cases:
#                 second yes   second no   first total
#   first yes         20           5           25
#   first no          10          15           25
#   second total      30          20           50
# po = (20 + 15) / 50 = 0.70
# pe = (25/50)(30/50) + (25/50)(20/50) = 0.30 + 0.20 = 0.50
# kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40
TEXTBOOK = table({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})

# Three categories, 25 cases (rows first marking, columns second):
#             yes   no   na   total
#   yes        10    2    0     12
#   no          1    5    1      7
#   na          0    1    5      6
#   total      11    8    6     25
# po = (10 + 5 + 5) / 25 = 20/25 = 0.80
# pe = (12*11 + 7*8 + 6*6) / 625 = (132 + 56 + 36) / 625 = 224/625 = 0.3584
# kappa = (500/625 - 224/625) / (401/625) = 276/401 = 0.688279...
THREE_WAY = table(
    {
        ("yes", "yes"): 10, ("yes", "no"): 2,
        ("no", "yes"): 1, ("no", "no"): 5, ("no", "na"): 1,
        ("na", "no"): 1, ("na", "na"): 5,
    }
)  # fmt: skip

# Agreement exactly at chance: each marker says yes half the time, independently.
#   po = 2/4 = 0.5; pe = (2/4)(2/4) + (2/4)(2/4) = 0.5; kappa = 0
AT_CHANCE = [("yes", "yes"), ("yes", "no"), ("no", "yes"), ("no", "no")]

# Complete disagreement with balanced use: po = 0, pe = 0.5, kappa = (0 - 0.5) / 0.5 = -1
OPPOSITE = [("yes", "no"), ("no", "yes")]

# One marker always yes, the other mostly: po = 3/4, pe = 1 * 3/4 = 3/4, kappa = 0
ONE_SIDED = [("yes", "yes"), ("yes", "yes"), ("yes", "yes"), ("yes", "no")]


@pytest.mark.parametrize(
    ("pairs", "percent", "kappa"),
    [
        (TEXTBOOK, 70.0, 0.4),
        (THREE_WAY, 80.0, 276 / 401),
        (AT_CHANCE, 50.0, 0.0),
        (OPPOSITE, 0.0, -1.0),
        (ONE_SIDED, 75.0, 0.0),
        # perfect agreement over two categories: po = 1, pe = 0.5, kappa = 1
        ([("yes", "yes"), ("no", "no")], 100.0, 1.0),
        ([("yes", "yes"), ("no", "no"), ("na", "na"), ("no", "no")], 100.0, 1.0),
    ],
)
def test_worked_by_hand(pairs, percent, kappa):
    assert percentage_agreement(pairs) == pytest.approx(percent)
    assert cohens_kappa(pairs) == pytest.approx(kappa)


def test_no_pairs_means_nothing_to_report():
    assert percentage_agreement([]) is None
    assert cohens_kappa([]) is None


def test_kappa_not_computable_when_both_markers_used_one_category():
    # pe = 1, so kappa would be 0 / 0; the markers agreed on every case all the same.
    pairs = [("na", "na")] * 5
    assert cohens_kappa(pairs) is None
    assert percentage_agreement(pairs) == 100.0


answers = st.sampled_from(["yes", "no", "na"])
pair_lists = st.lists(st.tuples(answers, answers), min_size=1, max_size=60)


@given(pair_lists)
def test_symmetric_in_the_two_markers(pairs):
    swapped = [(second, first) for first, second in pairs]
    assert percentage_agreement(swapped) == percentage_agreement(pairs)
    assert cohens_kappa(swapped) == cohens_kappa(pairs)


@given(pair_lists, st.data())
def test_order_of_pairs_does_not_matter(pairs, data):
    shuffled = data.draw(st.permutations(pairs))
    assert percentage_agreement(shuffled) == percentage_agreement(pairs)
    assert cohens_kappa(shuffled) == cohens_kappa(pairs)


@given(pair_lists)
def test_bounds(pairs):
    assert 0 <= percentage_agreement(pairs) <= 100
    kappa = cohens_kappa(pairs)
    if kappa is not None:
        assert -1 <= kappa <= 1


@given(st.lists(answers, min_size=1, max_size=60))
def test_full_agreement_is_one_unless_not_computable(marks):
    kappa = cohens_kappa([(mark, mark) for mark in marks])
    if len(set(marks)) == 1:
        assert kappa is None
    else:
        assert kappa == 1.0


@pytest.mark.parametrize(
    ("cells", "percent", "kappa"),
    [
        ({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}, 70.0, 0.4),
        ({("yes", "yes"): 3, ("no", "no"): 0}, 100.0, None),  # a zero count is no pair
        ({("yes", "no"): 0}, None, None),
    ],
)
def test_from_counts_worked_by_hand(cells, percent, kappa):
    assert percentage_agreement_of(cells) == percent
    assert cohens_kappa_of(cells) == (pytest.approx(kappa) if kappa is not None else None)


@given(pair_lists)
def test_from_counts_the_same_as_from_pairs(pairs):
    counts = Counter(pairs)
    assert percentage_agreement_of(counts) == percentage_agreement(pairs)
    assert cohens_kappa_of(counts) == cohens_kappa(pairs)


@given(st.dictionaries(st.tuples(answers, answers), st.integers(min_value=0, max_value=10_000)))
def test_worked_in_integers_the_exact_fractions_float(counts):
    """Percentage and kappa divided once in integers: the very float of the exact fractions."""
    n = sum(counts.values())
    if not n:
        assert percentage_agreement_of(counts) is None and cohens_kappa_of(counts) is None
        return
    po = Fraction(sum(k for (first, second), k in counts.items() if first == second), n)
    firsts, seconds = Counter(), Counter()
    for (first, second), k in counts.items():
        firsts[first] += k
        seconds[second] += k
    pe = sum(Fraction(firsts[c] * seconds[c], n * n) for c in firsts.keys() & seconds.keys())
    assert percentage_agreement_of(counts) == float(100 * po)
    assert cohens_kappa_of(counts) == (None if pe == 1 else float((po - pe) / (1 - pe)))
