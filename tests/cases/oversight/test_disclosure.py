"""Disclosure control: no hidden count can be worked out by subtraction from the total.

The reader in these tests knows everything the page shows: every shown count, the total, which
groups read "fewer than 5" (so hold 1 to 4 cases) and which read "hidden" (so hold 5 or more).
They try every value each hidden group could hold; a count is safe when at least two values fit.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.oversight.disclosure import HIDDEN, SMALL_GROUP, SUPPRESSED, picks_out_hidden, protect, selection_hidden


def _possible_sums(ranges, limit):
    """Every sum that the hidden groups (each within its range) can make, up to `limit`."""
    sums = {0}
    for low, high in ranges:
        top = limit if high is None else min(high, limit)
        sums = {s + v for s in sums for v in range(low, top + 1) if s + v <= limit}
    return sums


def _values_a_reader_could_believe(counts, protection, index):
    total = sum(counts)
    shown = sum(n for i, n in enumerate(counts) if i not in protection.hidden)
    remainder = total - shown
    texts = {i: protection.text(i, n) for i, n in enumerate(counts)}

    def known_range(i):
        return (1, SMALL_GROUP - 1) if texts[i] == SUPPRESSED else (SMALL_GROUP, None)

    others = [known_range(j) for j in protection.hidden if j != index]
    low, high = known_range(index)
    high = remainder if high is None else high
    return [v for v in range(low, high + 1) if remainder - v in _possible_sums(others, remainder)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=25), min_size=1, max_size=7))
def test_no_hidden_count_can_be_recovered_from_the_rest(counts):
    protection = protect(counts)
    for i, n in enumerate(counts):
        if 0 < n < SMALL_GROUP:
            assert i in protection.hidden or protection.withheld  # every small group is hidden
    if protection.withheld:
        return
    for i in protection.hidden:
        believable = _values_a_reader_could_believe(counts, protection, i)
        assert counts[i] in believable
        assert len(believable) >= 2, (counts, i, believable)


def test_one_small_group_beside_a_total_hides_the_next_smallest():
    protection = protect([12, 3, 9, 20])
    assert [protection.text(i, n) for i, n in enumerate([12, 3, 9, 20])] == ["12", SUPPRESSED, HIDDEN, "20"]


def test_nothing_hidden_when_every_group_is_big_enough():
    assert protect([5, 7, 30]).hidden == frozenset()


def test_two_small_groups_that_could_each_be_worked_out_hide_a_third():
    # Hidden 1 and 1 with a shown total leave 2 for two groups of at least 1: both are 1.
    protection = protect([1, 1, 8])
    assert protection.secondary == {2}


def test_a_breakdown_with_nothing_safe_to_show_is_withheld():
    assert protect([1, 1]).withheld
    assert protect([3]).withheld


# --- filters: a filtered page shows only what the breakdowns show -----------------------------

TEAMS, DISPOSALS = ["a", "b", "c", "d"], ["court", "out"]


def _sizes_of(cases):
    def sizes(name, within):
        counts = {}
        for case in cases:
            if all(case[k] == v for k, v in within.items()):
                counts[case[name]] = counts.get(case[name], 0) + 1
        return counts

    return sizes


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(TEAMS), st.sampled_from(DISPOSALS)), min_size=1, max_size=60),
    st.sampled_from(TEAMS),
    st.sampled_from(DISPOSALS),
)
def test_a_filtered_page_never_shows_the_size_of_a_group_a_breakdown_hides(rows, team, disposal):
    cases = [{"team": t, "disposal": d} for t, d in rows]
    sizes = _sizes_of(cases)

    def hidden_in(counts, value):
        counts = dict(sorted(counts.items()))
        return value in counts and picks_out_hidden(list(counts.values()), list(counts).index(value))

    # One filter: shown only when the unfiltered breakdown shows the group.
    if not selection_hidden({"team": team}, sizes):
        assert not hidden_in(sizes("team", {}), team)
        assert sizes("team", {}).get(team, 0) == 0 or sizes("team", {})[team] >= SMALL_GROUP
    # Two filters: shown only when every breakdown one filter wider shows the group, so the shown
    # count is never one that a breakdown hides.
    both = {"team": team, "disposal": disposal}
    if not selection_hidden(both, sizes):
        assert not hidden_in(sizes("team", {}), team) and not hidden_in(sizes("disposal", {}), disposal)
        assert not hidden_in(sizes("team", {"disposal": disposal}), team)
        assert not hidden_in(sizes("disposal", {"team": team}), disposal)
        matching = sum(1 for case in cases if case == both)
        assert matching == 0 or matching >= SMALL_GROUP


def test_filtering_on_a_group_hidden_to_protect_another_is_refused():
    cases = [{"team": "a"}] * 3 + [{"team": "b"}] * 6 + [{"team": "c"}] * 20
    sizes = _sizes_of(cases)
    assert selection_hidden({"team": "a"}, sizes)  # fewer than 5
    assert selection_hidden({"team": "b"}, sizes)  # 29 - 20 - 6 = 3 would give "a" away
    assert not selection_hidden({"team": "c"}, sizes)
    assert not selection_hidden({"team": "z"}, sizes)  # no such group: nothing to show
