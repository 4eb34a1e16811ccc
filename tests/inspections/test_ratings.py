"""Tests for the rating arithmetic (docs/architecture.md, "The rules the code computes")."""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspections.ratings import (
    CCI_DEFAULT_BANDS,
    KEY_QUESTION,
    POOLED,
    Band,
    OverallBand,
    Tally,
    area_result,
    band_for,
    band_problems,
    overall_band_problems,
    overall_result,
    whole_percent,
)

MINIMAL = "Minimal improvement required"
MODERATE = "Moderate improvement required"
SUBSTANTIAL = "Substantial improvement required"
DRASTIC = "Drastic improvement required"


def label(band):
    return band.label if band else None


# --- Tally -------------------------------------------------------------------


def test_tally_adds_up_and_counts_rated_and_answered():
    total = Tally(3, 2, 1) + Tally(1, 4, 5)
    assert total == Tally(yes=4, no=6, na=6)
    assert total.rated == 10
    assert total.answered == 16


def test_tally_refuses_negative_counts():
    with pytest.raises(ValueError):
        Tally(yes=-1)


# --- whole_percent and band_for ----------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "percent", "band"),
    [
        (99, 101, 50, SUBSTANTIAL),  # exactly 49.5% is shown as 50%
        (247, 253, 49, DRASTIC),  # 49.4% stays under 50
        (4949, 5051, 49, DRASTIC),  # 49.49% stays under 50
        (129, 71, 65, MODERATE),  # exactly 64.5% is shown as 65%
        (322, 178, 64, SUBSTANTIAL),  # 64.4%
        (159, 41, 80, MINIMAL),  # exactly 79.5% is shown as 80%
        (397, 103, 79, MODERATE),  # 79.4%
        (0, 7, 0, DRASTIC),  # no Yes at all is 0%
        (7, 0, 100, MINIMAL),
        (1, 2, 33, DRASTIC),
        (2, 1, 67, MODERATE),
        (1, 7, 13, DRASTIC),  # 12.5%
        (1, 199, 1, DRASTIC),  # 0.5%
        (1, 200, 0, DRASTIC),  # 0.4975%
        (199, 1, 100, MINIMAL),  # 99.5%
    ],
)
def test_whole_percent_rounds_half_up_and_band_follows_shown_number(yes, no, percent, band):
    assert whole_percent(yes, no) == percent
    assert band_for(percent, CCI_DEFAULT_BANDS).label == band


def test_nothing_rated_is_not_rated_not_zero():
    assert whole_percent(0, 0) is None
    assert band_for(None, CCI_DEFAULT_BANDS) is None


def test_whole_percent_refuses_negative_counts():
    with pytest.raises(ValueError):
        whole_percent(-1, 3)


@pytest.mark.parametrize(
    ("percent", "band", "equivalent"),
    [
        (0, DRASTIC, "Inadequate"),
        (49, DRASTIC, "Inadequate"),
        (50, SUBSTANTIAL, "Satisfactory"),
        (64, SUBSTANTIAL, "Satisfactory"),
        (65, MODERATE, "Good"),
        (79, MODERATE, "Good"),
        (80, MINIMAL, "Outstanding"),
        (100, MINIMAL, "Outstanding"),
    ],
)
def test_cci_default_band_boundaries(percent, band, equivalent):
    found = band_for(percent, CCI_DEFAULT_BANDS)
    assert (found.label, found.equivalent) == (band, equivalent)


def test_band_for_does_not_depend_on_band_order():
    assert band_for(70, tuple(reversed(CCI_DEFAULT_BANDS))).label == MODERATE


def test_band_for_score_below_every_band_has_no_band():
    assert band_for(5, [Band("Pass", 10)]) is None


# --- area_result: hand-worked examples ---------------------------------------

# Question scores: 1.1 = 8/10 = 80%, 1.2 = 6/10 = 60% (5 N/A left out),
# 1.3 = 3/10 = 30%.
AREA = {"1.1": Tally(8, 2, 0), "1.2": Tally(6, 4, 5), "1.3": Tally(3, 7, 0)}


def test_pooled_area_is_all_yes_over_all_yes_and_no():
    result = area_result(POOLED, AREA, CCI_DEFAULT_BANDS)
    # 17 Yes out of 30 rated answers = 56.67% -> 57%
    assert result.score == 57
    assert result.band.label == SUBSTANTIAL
    assert result.tally == Tally(17, 13, 5)
    assert result.question_scores == {"1.1": 80, "1.2": 60, "1.3": 30}
    assert result.deciding_question is None


def test_pooled_area_is_not_the_average_of_question_scores():
    # question scores 100% and 0% (average 50%), but only 1 of 10 answers is Yes
    result = area_result(POOLED, {"a": Tally(1, 0), "b": Tally(0, 9)}, CCI_DEFAULT_BANDS)
    assert result.score == 10
    assert result.band.label == DRASTIC


def test_pooled_area_band_decided_on_shown_whole_number():
    # 159 / 200 = 79.5% exactly, shown as 80%, so the band is the 80+ one
    result = area_result(POOLED, {"a": Tally(100, 20), "b": Tally(59, 21)}, CCI_DEFAULT_BANDS)
    assert result.score == 80
    assert result.band.label == MINIMAL


def test_key_question_area_takes_lowest_key_question_and_ignores_others():
    result = area_result(KEY_QUESTION, AREA, CCI_DEFAULT_BANDS, key_questions={"1.1", "1.2"})
    # 1.3 (30%) is not a key question, so the lowest key question is 1.2 at 60%
    assert result.score == 60
    assert result.deciding_question == "1.2"
    assert result.band.label == SUBSTANTIAL
    assert result.tally == Tally(17, 13, 5)  # tally still covers every question


def test_key_question_with_only_na_is_skipped():
    area = {"1.1": Tally(8, 2, 0), "1.2": Tally(0, 0, 6), "1.3": Tally(3, 7, 0)}
    result = area_result(KEY_QUESTION, area, CCI_DEFAULT_BANDS, key_questions=["1.1", "1.2"])
    assert result.question_scores["1.2"] is None
    assert result.score == 80
    assert result.deciding_question == "1.1"
    assert result.band.label == MINIMAL


def test_key_question_area_with_no_rated_key_question_is_not_rated():
    area = {"1.1": Tally(0, 0, 4), "1.2": Tally(5, 5, 0)}
    result = area_result(KEY_QUESTION, area, CCI_DEFAULT_BANDS, key_questions=["1.1"])
    assert result.score is None
    assert result.band is None
    assert result.deciding_question is None


def test_key_question_rule_without_key_questions_counts_every_question():
    result = area_result(KEY_QUESTION, AREA, CCI_DEFAULT_BANDS)
    assert result.score == 30
    assert result.deciding_question == "1.3"


def test_key_question_tie_goes_to_first_question():
    area = {"b": Tally(1, 1), "a": Tally(5, 5), "c": Tally(9, 1)}
    result = area_result(KEY_QUESTION, area, CCI_DEFAULT_BANDS)
    assert (result.score, result.deciding_question) == (50, "b")


@pytest.mark.parametrize("rule", [POOLED, KEY_QUESTION])
def test_area_with_only_na_answers_is_not_rated(rule):
    result = area_result(rule, {"a": Tally(0, 0, 3), "b": Tally(0, 0, 2)}, CCI_DEFAULT_BANDS)
    assert result.score is None
    assert result.band is None
    assert result.tally == Tally(0, 0, 5)


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rating rule 'average'"):
        area_result("average", AREA, CCI_DEFAULT_BANDS)


# --- real published figures (HMIP CCI reports) -------------------------------


@pytest.mark.parametrize(
    ("area", "tallies", "percent", "band"),
    [
        # Wigan 2009
        ("Safeguarding", [Tally(40, 10, 3), Tally(29, 21, 2)], 69, MODERATE),
        ("Risk of harm", [Tally(35, 15, 0), Tally(25, 25, 4)], 60, SUBSTANTIAL),
        (
            "Likelihood of re-offending",
            [Tally(30, 20, 1), Tally(35, 15, 0)],
            65,
            MODERATE,
        ),
        # Newham 2012
        ("Safeguarding", [Tally(30, 20, 0), Tally(25, 25, 2)], 55, SUBSTANTIAL),
        ("Risk of harm", [Tally(20, 30, 5), Tally(26, 24, 0)], 46, DRASTIC),
        (
            "Likelihood of re-offending",
            [Tally(35, 15, 0), Tally(25, 25, 1)],
            60,
            SUBSTANTIAL,
        ),
    ],
)
def test_real_cci_figures(area, tallies, percent, band):
    questions = {f"{area} q{n}": tally for n, tally in enumerate(tallies, 1)}
    result = area_result(POOLED, questions, CCI_DEFAULT_BANDS)
    assert result.score == percent
    assert result.band.label == band


# --- overall rating (2018 scheme) --------------------------------------------

POINTS_2018 = {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0}
OVERALL_2018 = (
    OverallBand("Inadequate", 0),
    OverallBand("Requires improvement", 7),
    OverallBand("Good", 19),
    OverallBand("Outstanding", 31),
)
BAND_WITH_POINTS = {points: Band(name, 0) for name, points in POINTS_2018.items()}


def twelve_standards_totalling(total):
    """Bands for 12 standards whose points add up to total (0-36)."""
    each, extra = divmod(total, 12)
    return [BAND_WITH_POINTS[each + (n < extra)] for n in range(12)]


@pytest.mark.parametrize(
    ("total", "overall"),
    [
        (0, "Inadequate"),
        (6, "Inadequate"),
        (7, "Requires improvement"),
        (18, "Requires improvement"),
        (19, "Good"),
        (30, "Good"),
        (31, "Outstanding"),
        (36, "Outstanding"),
    ],
)
def test_overall_2018_boundaries(total, overall):
    result = overall_result(twelve_standards_totalling(total), POINTS_2018, OVERALL_2018)
    assert result.points == total
    assert result.band.label == overall
    assert result.areas_counted == 12
    assert result.max_points == 36  # twelve standards at 3 points


def test_overall_with_a_not_rated_area_cannot_be_totalled():
    areas = twelve_standards_totalling(30)[:11] + [None]
    result = overall_result(areas, POINTS_2018, OVERALL_2018)
    assert result.points is None
    assert result.band is None
    assert result.areas_counted == 11


def test_overall_with_no_areas_cannot_be_totalled():
    result = overall_result([], POINTS_2018, OVERALL_2018)
    assert (result.points, result.band, result.areas_counted) == (None, None, 0)


def test_overall_band_without_points_is_a_clear_error():
    areas = [Band("Good", 0), Band("Excellent", 0)]
    with pytest.raises(ValueError, match="band 'Excellent' has no points"):
        overall_result(areas, POINTS_2018, OVERALL_2018)


# --- band set checks ----------------------------------------------------------


def test_default_band_sets_have_no_problems():
    assert band_problems(CCI_DEFAULT_BANDS) == []
    assert overall_band_problems(OVERALL_2018, max_points=36) == []


def test_no_bands_is_a_problem():
    assert band_problems([]) == ["no bands are defined"]
    assert overall_band_problems([], max_points=36) == ["no bands are defined"]


def test_gap_below_lowest_band_is_reported():
    bands = [Band(MINIMAL, 80), Band(DRASTIC, 10)]
    assert band_problems(bands) == [f"band '{DRASTIC}' starts at 10: scores 0-9 would have no band"]


def test_bands_starting_at_the_same_score_are_reported():
    bands = [Band("Low", 0), Band("Middle", 50), Band("Also middle", 50)]
    assert band_problems(bands) == ["bands 'Middle' and 'Also middle' both start at 50"]


def test_duplicate_band_labels_are_reported():
    bands = [Band("Low", 0), Band("Low", 50)]
    assert band_problems(bands) == ["band label 'Low' is used more than once"]


def test_band_without_label_is_reported():
    assert band_problems([Band(" ", 0)]) == ["a band has no label"]


@pytest.mark.parametrize("start", [-1, 101])
def test_band_outside_0_to_100_is_reported(start):
    problems = band_problems([Band("Low", 0), Band("Odd", start)])
    assert problems == [f"band 'Odd' starts at {start}: it must be between 0 and 100"]


def test_overall_band_problems():
    bands = [OverallBand("Requires improvement", 7), OverallBand("Outstanding", 40)]
    assert overall_band_problems(bands, max_points=36) == [
        "band 'Outstanding' starts at 40: it must be between 0 and 36",
        "band 'Requires improvement' starts at 7: totals 0-6 would have no band",
    ]


# --- properties -----------------------------------------------------------------

counts = st.integers(min_value=0, max_value=500)
tallies = st.builds(Tally, yes=counts, no=counts, na=counts)
areas = st.dictionaries(st.text("abcdef", min_size=1, max_size=3), tallies, min_size=1, max_size=6)
rules = st.sampled_from([POOLED, KEY_QUESTION])


@st.composite
def area_with_key_questions(draw):
    area = draw(areas)
    keys = draw(st.sets(st.sampled_from(sorted(area))))
    return area, keys


@st.composite
def valid_band_sets(draw):
    starts = draw(st.sets(st.integers(min_value=1, max_value=100), max_size=6))
    bands = [Band(f"from {start}", start) for start in sorted(starts | {0})]
    return draw(st.permutations(bands))


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_whole_percent_is_round_half_up_of_exact_fraction(yes, no):
    if yes + no == 0:
        assert whole_percent(yes, no) is None
    else:
        exact = Fraction(100 * yes, yes + no)
        assert whole_percent(yes, no) == math.floor(exact + Fraction(1, 2))


@given(counts, counts)
def test_extra_yes_never_lowers_question_score(yes, no):
    before = whole_percent(yes, no)
    after = whole_percent(yes + 1, no)
    assert before is None or after >= before


@given(rules, area_with_key_questions(), st.data())
def test_extra_yes_never_lowers_area_score(rule, area_and_keys, data):
    area, keys = area_and_keys
    code = data.draw(st.sampled_from(sorted(area)))
    more_yes = {**area, code: area[code] + Tally(yes=1)}
    before = area_result(rule, area, CCI_DEFAULT_BANDS, keys).score
    after = area_result(rule, more_yes, CCI_DEFAULT_BANDS, keys).score
    assert before is None or (after is not None and after >= before)


@given(rules, area_with_key_questions(), st.data())
def test_extra_na_never_changes_area_score(rule, area_and_keys, data):
    area, keys = area_and_keys
    code = data.draw(st.sampled_from(sorted(area)))
    more_na = {**area, code: area[code] + Tally(na=1)}
    before = area_result(rule, area, CCI_DEFAULT_BANDS, keys)
    after = area_result(rule, more_na, CCI_DEFAULT_BANDS, keys)
    assert after.score == before.score
    assert after.band == before.band
    assert after.question_scores == before.question_scores


@given(rules, area_with_key_questions())
def test_area_score_within_0_to_100_and_band_matches_shown_score(rule, area_and_keys):
    area, keys = area_and_keys
    result = area_result(rule, area, CCI_DEFAULT_BANDS, keys)
    if result.score is None:
        assert result.band is None
    else:
        assert 0 <= result.score <= 100
        assert result.band == band_for(result.score, CCI_DEFAULT_BANDS)
        assert result.band.min_percent <= result.score


@given(valid_band_sets(), st.integers(0, 100), st.integers(0, 100))
def test_higher_score_never_gets_lower_band(bands, low, high):
    low, high = sorted((low, high))
    assert band_problems(bands) == []
    assert band_for(low, bands).min_percent <= band_for(high, bands).min_percent
