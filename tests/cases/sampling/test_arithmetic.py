"""Sampling arithmetic: tables worked by hand first, then properties with hypothesis."""

import itertools
import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.sampling.arithmetic import (
    allocate,
    cohort_hash,
    draw,
    replacement_candidates,
    sample_size_for_margin,
    seeded_order,
    stratum_key,
    yjb_sample_size,
)

# --- sample size from a margin of error -------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "confidence", "margin", "expected"),
    [
        # z(95%) = 1.959964, z^2 = 3.841459; n0 = 3.841459 * 0.25 / 0.05^2 = 384.146
        # n = 384.146 / (1 + 383.146 / 60) = 384.146 / 7.385766 = 52.01 -> 53
        (60, 0.95, 0.05, 53),
        (60, 95, 5, 53),  # the same, given as percentages
        # z(90%) = 1.644854, z^2 = 2.705543; n0 = 2.705543 * 0.25 / 0.10^2 = 67.639
        # n = 67.639 / (1 + 66.639 / 60) = 67.639 / 2.110643 = 32.05 -> 33
        (60, 0.90, 0.10, 33),
        (60, 90, 10, 33),
        # n0 = 3.841459 * 0.25 / 0.10^2 = 96.036; n = 96.036 / (1 + 95.036 / 60) = 37.18 -> 38
        (60, 0.95, 0.10, 38),
        # the textbook figures: 278 for 1,000 and 383 for 100,000 at 95% / 5%
        (1000, 0.95, 0.05, 278),
        (100_000, 0.95, 0.05, 383),
        (1, 0.95, 0.05, 1),
        (0, 0.95, 0.05, 0),
    ],
)
def test_sample_size_for_margin_worked_by_hand(population, confidence, margin, expected):
    assert sample_size_for_margin(population, confidence, margin) == expected


def test_sample_size_tends_to_n0_for_a_large_cohort():
    # n0 = 384.146 rounds up to 385; a huge cohort barely corrects it.
    assert sample_size_for_margin(10**9, 0.95, 0.05) == 385


def test_sample_size_with_a_proportion_other_than_a_half():
    # p = 0.2: n0 = 3.841459 * 0.16 / 0.0025 = 245.85
    # n = 245.85 / (1 + 244.85 / 1000) = 197.49 -> 198
    assert sample_size_for_margin(1000, 0.95, 0.05, proportion=0.2) == 198


@pytest.mark.parametrize(
    ("population", "confidence", "margin", "message"),
    [
        (60, 0, 0.05, "confidence"),
        (60, 1, 0.05, "confidence"),
        (60, 100, 0.05, "confidence"),
        (60, -0.5, 0.05, "confidence"),
        (60, float("nan"), 0.05, "confidence"),
        (60, 0.95, 0, "margin"),
        (60, 0.95, 1, "margin"),
        (60, 0.95, 100, "margin"),
        (-1, 0.95, 0.05, "population"),
    ],
)
def test_sample_size_rejects_bad_input_clearly(population, confidence, margin, message):
    with pytest.raises(ValueError, match=message):
        sample_size_for_margin(population, confidence, margin)


def test_sample_size_rejects_a_bad_proportion():
    with pytest.raises(ValueError, match="proportion"):
        sample_size_for_margin(60, 0.95, 0.05, proportion=1)


@given(
    population=st.integers(0, 100_000),
    confidence=st.floats(0.5, 0.999),
    margin=st.floats(0.005, 0.5),
)
def test_sample_size_never_exceeds_the_cohort(population, confidence, margin):
    n = sample_size_for_margin(population, confidence, margin)
    assert 0 <= n <= population
    if population:
        assert n >= 1


@given(population=st.integers(1, 5000), confidence=st.floats(0.5, 0.99))
def test_a_tighter_margin_never_needs_fewer_cases(population, confidence):
    assert sample_size_for_margin(population, confidence, 0.05) >= sample_size_for_margin(population, confidence, 0.10)


# --- YJB self-assessment rule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (60, 20),  # 20% is 12, below the minimum of 20
        (15, 15),  # the cohort does not allow 20: take them all
        (200, 40),  # 20% of 200
        (0, 0),
        (20, 20),
        (100, 20),  # 20% is exactly 20
        (101, 21),  # 20.2 rounds up
        (103, 21),  # 20.6 rounds up
    ],
)
def test_yjb_sample_size(population, expected):
    assert yjb_sample_size(population) == expected


def test_yjb_sample_size_rejects_a_negative_cohort():
    with pytest.raises(ValueError, match="population"):
        yjb_sample_size(-1)


@given(st.integers(0, 100_000))
def test_yjb_sample_size_matches_its_definition(population):
    assert yjb_sample_size(population) == min(population, max(20, math.ceil(0.2 * population)))


# --- stratum keys -----------------------------------------------------------------------------


def test_stratum_key_joins_for_display():
    assert stratum_key(["Community", "Not low", "Male"]) == "Community / Not low / Male"
    assert stratum_key(["Female"]) == "Female"


# --- allocation -------------------------------------------------------------------------------

# "a short list of 34 cases out of a cohort of approximately 60 young people" (the brief, 2015).
COHORT_OF_60 = {
    "Community / Not low / Male": 20,
    "Community / Low / Male": 14,
    "Custody / Not low / Male": 6,
    "Out of court / Low / Male": 12,
    "Female": 8,
}


def test_allocate_34_from_60_worked_by_hand():
    # Exact shares 34 * size / 60:
    #   20 -> 11.333, 14 -> 7.933, 6 -> 3.400, 12 -> 6.800, 8 -> 4.533
    # floors 11 + 7 + 3 + 6 + 4 = 31, so 3 places go to the largest remainders:
    #   .933 (14), .800 (12), .533 (girls)
    assert allocate(COHORT_OF_60, 34) == {
        "Community / Not low / Male": 11,
        "Community / Low / Male": 8,
        "Custody / Not low / Male": 3,
        "Out of court / Low / Male": 7,
        "Female": 5,
    }


@pytest.mark.parametrize(
    ("sizes", "total", "expected"),
    [
        # equal remainders and equal sizes: the first key in sorted order wins
        ({"b": 1, "a": 1}, 1, {"a": 1, "b": 0}),
        # shares 0.5 and 1.5 have equal remainders: the larger stratum wins, whatever its key
        ({"a": 1, "z": 3}, 2, {"a": 0, "z": 2}),
        # total clipped to the cohort
        ({"a": 2, "b": 3}, 10, {"a": 2, "b": 3}),
        # empty strata are still returned
        ({"a": 0, "b": 4}, 2, {"a": 0, "b": 2}),
        ({"a": 0, "b": 0}, 3, {"a": 0, "b": 0}),
        ({}, 5, {}),
        ({"a": 5, "b": 5}, 0, {"a": 0, "b": 0}),
        # shares 3 * (1, 1, 1) / 3: exact, no rounding needed
        ({"a": 1, "b": 1, "c": 1}, 3, {"a": 1, "b": 1, "c": 1}),
    ],
)
def test_allocate_table(sizes, total, expected):
    assert allocate(sizes, total) == expected


def test_allocate_rejects_negative_input():
    with pytest.raises(ValueError, match="total"):
        allocate({"a": 3}, -1)
    with pytest.raises(ValueError, match="negative size"):
        allocate({"a": -3}, 1)


strata_sizes = st.dictionaries(st.text(alphabet="ABCDEF /", min_size=1, max_size=6), st.integers(0, 60), max_size=8)


@given(sizes=strata_sizes, total=st.integers(0, 400))
def test_allocation_properties(sizes, total):
    allocation = allocate(sizes, total)
    cohort = sum(sizes.values())
    assert set(allocation) == set(sizes)
    assert sum(allocation.values()) == min(total, cohort)
    for key, size in sizes.items():
        assert 0 <= allocation[key] <= size
        # within one of the exact share min(total, cohort) * size / cohort, i.e. floor or ceiling
        exact = min(total, cohort) * size
        assert abs(allocation[key] * cohort - exact) < cohort or cohort == 0


@given(sizes=strata_sizes, total=st.integers(0, 400), data=st.data())
def test_allocation_ignores_key_order(sizes, total, data):
    keys = data.draw(st.permutations(list(sizes)))
    assert allocate({key: sizes[key] for key in keys}, total) == allocate(sizes, total)


# --- the draw ---------------------------------------------------------------------------------


def refs_of(sizes):
    return {key: [f"{key}-{i:03d}" for i in range(size)] for key, size in sizes.items()}


def test_draw_is_pinned_for_a_known_seed():
    # Guards the reproducibility promise against any change to how seeds are used.
    strata = {"A": [f"R{i:03d}" for i in range(10)]}
    assert draw(strata, {"A": 4}, 2015) == {"A": ["R002", "R003", "R004", "R006"]}
    assert seeded_order(strata["A"], 2015, "A") == [
        "R002", "R006", "R003", "R004", "R007", "R000", "R008", "R001", "R005", "R009",
    ]  # fmt: skip


def test_draw_34_from_60():
    strata = refs_of(COHORT_OF_60)
    sample = draw(strata, allocate(COHORT_OF_60, 34), seed="2015-01-19")
    assert sum(len(refs) for refs in sample.values()) == 34
    assert len(sample["Female"]) == 5
    for key, chosen in sample.items():
        assert set(chosen) <= set(strata[key])


def test_draw_34_from_60_with_a_feasible_cap():
    # six case managers with ten cases each, cap 6: up to 36 places, enough for 34
    strata = refs_of(COHORT_OF_60)
    all_refs = sorted(ref for refs in strata.values() for ref in refs)
    manager_of = {ref: f"cm{i % 6}" for i, ref in enumerate(all_refs)}
    sample = draw(strata, allocate(COHORT_OF_60, 34), 7, manager_of, cap_per_case_manager=6)
    per_manager = Counter(manager_of[ref] for refs in sample.values() for ref in refs)
    assert sum(per_manager.values()) == 34
    assert max(per_manager.values()) <= 6


def test_draw_breaks_the_cap_only_when_it_must():
    # one case manager holds every case: the stratum is still filled
    strata = {"A": ["a1", "a2", "a3"]}
    manager_of = dict.fromkeys(strata["A"], "cm")
    assert draw(strata, {"A": 3}, 1, manager_of, cap_per_case_manager=1) == {"A": ["a1", "a2", "a3"]}


def test_draw_with_a_cap_prefers_other_case_managers():
    strata = {"A": ["a1", "a2", "a3", "a4"]}
    manager_of = {"a1": "x", "a2": "x", "a3": "x", "a4": "y"}
    for seed in range(20):
        chosen = draw(strata, {"A": 2}, seed, manager_of, cap_per_case_manager=1)["A"]
        assert "a4" in chosen


def test_cases_without_a_case_manager_are_not_capped():
    strata = {"A": ["a1", "a2", "a3"]}
    assert draw(strata, {"A": 3}, 1, {}, cap_per_case_manager=1) == {"A": ["a1", "a2", "a3"]}


def test_draw_returns_every_stratum_and_rejects_over_allocation():
    assert draw({"A": ["a1"], "B": ["b1"]}, {"A": 1}, 0) == {"A": ["a1"], "B": []}
    with pytest.raises(ValueError, match="holds 1 cases but 2"):
        draw({"A": ["a1"]}, {"A": 2}, 0)
    with pytest.raises(ValueError, match="holds 0 cases"):
        draw({}, {"A": 1}, 0)
    with pytest.raises(ValueError, match="cap"):
        draw({"A": ["a1"]}, {"A": 1}, 0, {}, cap_per_case_manager=0)


draw_sizes = st.dictionaries(st.sampled_from(["A", "B", "C", "D"]), st.integers(0, 12), min_size=1)


@given(sizes=draw_sizes, total=st.integers(0, 50), seed=st.integers() | st.text(), data=st.data())
def test_same_inputs_same_sample_whatever_the_order(sizes, total, seed, data):
    strata = refs_of(sizes)
    allocation = allocate(sizes, total)
    sample = draw(strata, allocation, seed)
    assert draw(strata, allocation, seed) == sample

    shuffled = {key: data.draw(st.permutations(strata[key])) for key in data.draw(st.permutations(list(strata)))}
    assert draw(shuffled, allocation, seed) == sample

    for key, chosen in sample.items():
        assert len(chosen) == allocation[key]
        assert len(set(chosen)) == len(chosen)
        assert set(chosen) <= set(strata[key])
        assert chosen == sorted(chosen)


def over_cap(chosen_refs, manager_of, cap):
    per_manager = Counter(manager_of.get(ref) for ref in chosen_refs)
    return any(count > cap for manager, count in per_manager.items() if manager)


def cap_is_feasible(strata, allocation, manager_of, cap):
    """Brute force: does any choice of allocation[key] cases per stratum honour the cap?"""
    per_stratum = [itertools.combinations(sorted(strata[key]), allocation[key]) for key in strata]
    return any(
        not over_cap([ref for part in choice for ref in part], manager_of, cap)
        for choice in itertools.product(*per_stratum)
    )


def test_cap_swaps_an_earlier_choice_to_make_room():
    # Taking a1 for A would leave B no case within the cap; a2 for A lets both fit.
    strata = {"A": ["a1", "a2"], "B": ["b1"]}
    manager_of = {"a1": "x", "a2": "y", "b1": "x"}
    for seed in range(20):
        sample = draw(strata, {"A": 1, "B": 1}, seed, manager_of, cap_per_case_manager=1)
        assert sample == {"A": ["a2"], "B": ["b1"]}


def test_cap_repair_along_a_longer_path():
    # B needs x; x's place is held in A, which can switch to y only if C gives y up for z.
    strata = {"A": ["a_x", "a_y"], "B": ["b_x"], "C": ["c_y", "c_z"]}
    manager_of = {"a_x": "x", "a_y": "y", "b_x": "x", "c_y": "y", "c_z": "z"}
    allocation = {"A": 1, "B": 1, "C": 1}
    for seed in range(20):
        sample = draw(strata, allocation, seed, manager_of, cap_per_case_manager=1)
        assert sample == {"A": ["a_y"], "B": ["b_x"], "C": ["c_z"]}


small_sizes = st.dictionaries(st.sampled_from(["A", "B", "C"]), st.integers(0, 5), min_size=1)


@given(
    sizes=small_sizes,
    total=st.integers(0, 15),
    seed=st.integers(0, 10**6),
    cap=st.integers(1, 3),
    data=st.data(),
)
def test_cap_respected_whenever_any_choice_allows(sizes, total, seed, cap, data):
    strata = refs_of(sizes)
    managers = st.sampled_from(["cm1", "cm2", "cm3", ""])
    manager_of = {ref: data.draw(managers) for refs in strata.values() for ref in refs}
    allocation = allocate(sizes, total)
    sample = draw(strata, allocation, seed, manager_of, cap_per_case_manager=cap)

    for key, chosen in sample.items():
        assert len(chosen) == allocation[key]
        assert set(chosen) <= set(strata[key])
    chosen_refs = [ref for refs in sample.values() for ref in refs]
    assert len(set(chosen_refs)) == len(chosen_refs)
    if cap_is_feasible(strata, allocation, manager_of, cap):
        assert not over_cap(chosen_refs, manager_of, cap)

    shuffled = {key: data.draw(st.permutations(strata[key])) for key in reversed(list(strata))}
    assert draw(shuffled, allocation, seed, manager_of, cap_per_case_manager=cap) == sample


@given(sizes=draw_sizes, total=st.integers(0, 50), seed=st.integers(0, 10**6))
def test_without_a_conflict_the_cap_changes_nothing(sizes, total, seed):
    strata = refs_of(sizes)
    manager_of = {ref: ref for refs in strata.values() for ref in refs}  # one case each
    allocation = allocate(sizes, total)
    assert draw(strata, allocation, seed, manager_of, 1) == draw(strata, allocation, seed)


# --- replacements -----------------------------------------------------------------------------


def test_replacement_follows_the_draw_order():
    refs = [f"R{i:03d}" for i in range(10)]
    sampled = draw({"A": refs}, {"A": 4}, 2015)["A"]
    candidates = replacement_candidates(refs, sampled, 2015, "A")
    # the seeded order is R002 R006 R003 R004 | R007 R000 ...: the next one up is R007
    assert candidates[:2] == ["R007", "R000"]
    assert replacement_candidates(refs, sampled, 2015, "A", excluded=["R007"])[0] == "R000"


@given(size=st.integers(0, 30), wanted=st.integers(0, 30), seed=st.integers(), data=st.data())
def test_replacement_candidates_are_the_rest_of_the_draw(size, wanted, seed, data):
    refs = [f"R{i:03d}" for i in range(size)]
    wanted = min(wanted, size)
    sampled = draw({"S": refs}, {"S": wanted}, seed)["S"]
    candidates = replacement_candidates(data.draw(st.permutations(refs)), sampled, seed, "S")
    assert sorted(candidates + sampled) == refs
    # a bigger draw would have taken exactly the first candidates next
    if wanted < size:
        bigger = draw({"S": refs}, {"S": wanted + 1}, seed)["S"]
        assert sorted(sampled + candidates[:1]) == bigger


# --- cohort hash ------------------------------------------------------------------------------


def test_cohort_hash_ignores_row_order():
    rows = [["R001", "community", "low"], ["R002", "custody", "high"]]
    assert cohort_hash(rows) == cohort_hash(list(reversed(rows)))
    assert len(cohort_hash(rows)) == 64


def test_cohort_hash_changes_with_any_cell():
    rows = [["R001", "community", "low"], ["R002", "custody", "high"]]
    changed = [["R001", "community", "low"], ["R002", "custody", "medium"]]
    assert cohort_hash(rows) != cohort_hash(changed)


def test_cohort_hash_is_unambiguous_about_cell_boundaries():
    assert cohort_hash([["ab", "c"]]) != cohort_hash([["a", "bc"]])
    assert cohort_hash([["a,b"]]) != cohort_hash([["a", "b"]])


@given(st.lists(st.lists(st.text(max_size=5), min_size=1, max_size=4), max_size=8), st.data())
def test_cohort_hash_is_order_independent(rows, data):
    assert cohort_hash(data.draw(st.permutations(rows))) == cohort_hash(rows)
