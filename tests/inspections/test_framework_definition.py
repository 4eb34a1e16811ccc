"""Framework definitions: the shipped files parse, and every kind of mistake is reported
with where it is and why, all at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from inspections.framework_definition import (
    RULES,
    STAGES,
    AreaDefinition,
    BandDefinition,
    FrameworkDefinition,
    FrameworkDefinitionError,
    OverallBandDefinition,
    QuestionDefinition,
    parse_framework,
    read_framework,
    read_framework_file,
)

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"


def valid() -> dict:
    """A small, sound framework (two areas, pooled rule) that each test spoils in one way."""
    return {
        "code": "test",
        "name": "Test framework",
        "version": "1",
        "rule": "pooled",
        "bands": [
            {"label": "High", "min_percent": 80, "equivalent": "Outstanding"},
            {"label": "Middle", "min_percent": 50, "equivalent": "Good"},
            {"label": "Low", "min_percent": 0, "equivalent": "Inadequate"},
        ],
        "areas": [
            {
                "code": "roh",
                "name": "Risk of harm to others",
                "questions": [
                    {"code": "roh-a1", "stage": "assessment", "text": "Screened?", "key": True},
                    {"code": "roh-p1", "stage": "planning", "text": "Planned?"},
                ],
            },
            {
                "code": "saf",
                "name": "Safeguarding",
                "questions": [
                    {"code": "saf-a1", "stage": "assessment", "text": "Screened?", "key": True},
                    {"code": "saf-p1", "stage": "planning", "text": "Planned?"},
                    {"code": "saf-o1", "stage": "oversight", "text": "Overseen?"},
                ],
            },
        ],
    }


def with_overall(data: dict) -> dict:
    data["overall"] = {
        "points": {"High": 2, "Middle": 1, "Low": 0},
        "bands": [{"label": "Weak", "min_points": 0}, {"label": "Strong", "min_points": 3}],
    }
    return data


def problems_after(change: Callable[[dict], object]) -> list[str]:
    data = valid()
    change(data)
    with pytest.raises(FrameworkDefinitionError) as caught:
        parse_framework(data)
    return caught.value.problems


def only_problem(change: Callable[[dict], object]) -> str:
    problems = problems_after(change)
    assert len(problems) == 1, problems
    return problems[0]


# --- the shipped frameworks ----------------------------------------------------------------


def test_cci_2009_parses_with_three_areas_at_every_stage():
    framework = read_framework_file(FRAMEWORKS / "cci-2009.yaml")

    assert (framework.code, framework.version, framework.rule) == ("cci", "2009", "pooled")
    assert framework.name == "Core Case Inspection (2009-2012 style)"
    assert [(area.code, area.name) for area in framework.areas] == [
        ("roh", "Risk of harm to others"),
        ("lro", "Likelihood of re-offending"),
        ("saf", "Safeguarding"),
    ]
    assert len(framework.questions) >= 40
    for area in framework.areas:
        assert len(area.questions) >= 12, area.code
        assert {question.stage for question in area.questions} == set(STAGES), area.code
        for question in area.questions:
            assert question.code.startswith(f"{area.code}-{question.stage[0]}"), question.code
            assert question.text.endswith("?"), question.code
            assert question.guidance, question.code


def test_cci_2009_has_the_design_default_bands():
    framework = read_framework_file(FRAMEWORKS / "cci-2009.yaml")

    assert framework.bands == (
        BandDefinition("Minimal improvement required", 80, "Outstanding"),
        BandDefinition("Moderate improvement required", 65, "Good"),
        BandDefinition("Substantial improvement required", 50, "Satisfactory"),
        BandDefinition("Drastic improvement required", 0, "Inadequate"),
    )
    assert framework.overall is None


def test_hmip_2018_parses_with_twelve_standards_and_an_overall_rating():
    framework = read_framework_file(FRAMEWORKS / "hmip-2018.yaml")

    assert (framework.code, framework.version, framework.rule) == (
        "hmip2018",
        "2018",
        "key_question",
    )
    assert "local default" in framework.description
    assert [area.code for area in framework.areas] == [
        f"s{domain}-{standard}" for domain in (1, 2, 3) for standard in (1, 2, 3, 4)
    ]
    for area in framework.areas:
        # HMIP's key questions (one to four a standard), plus a few asked only of some cases.
        key = [question for question in area.questions if question.key]
        assert 1 <= len(key) <= 4, area.code
        assert all(not question.applies_to for question in key), area.code  # asked of every case of the area
    assert [(band.label, band.min_percent) for band in framework.bands] == [
        ("Outstanding", 80),
        ("Good", 65),
        ("Requires improvement", 50),
        ("Inadequate", 0),
    ]
    assert framework.overall is not None
    assert framework.overall.points == {
        "Outstanding": 3,
        "Good": 2,
        "Requires improvement": 1,
        "Inadequate": 0,
    }
    assert framework.overall.bands == (
        OverallBandDefinition("Outstanding", 31),
        OverallBandDefinition("Good", 19),
        OverallBandDefinition("Requires improvement", 7),
        OverallBandDefinition("Inadequate", 0),
    )


def test_shipped_question_codes_are_unique_across_both_files():
    for name in ("cci-2009.yaml", "hmip-2018.yaml"):
        framework = read_framework_file(FRAMEWORKS / name)
        counts = Counter(question.code for question in framework.questions)
        assert max(counts.values()) == 1, name


# --- a sound definition --------------------------------------------------------------------


def test_a_sound_definition_becomes_frozen_dataclasses_with_defaults():
    framework = parse_framework(with_overall(valid()))

    assert isinstance(framework, FrameworkDefinition)
    assert framework.description == ""
    assert framework.areas[0] == AreaDefinition(
        code="roh",
        name="Risk of harm to others",
        questions=(
            QuestionDefinition("roh-a1", "assessment", "Screened?", "", True),
            QuestionDefinition("roh-p1", "planning", "Planned?", "", False),
        ),
    )
    assert [band.label for band in framework.overall.bands] == ["Strong", "Weak"]
    with pytest.raises(AttributeError):
        framework.code = "other"  # type: ignore[misc]


def test_bands_come_back_highest_first_whatever_the_file_order():
    data = valid()
    data["bands"].reverse()

    assert [band.min_percent for band in parse_framework(data).bands] == [80, 50, 0]


def test_an_equivalent_is_optional():
    data = valid()
    del data["bands"][0]["equivalent"]

    assert parse_framework(data).bands[0] == BandDefinition("High", 80, "")


@pytest.mark.parametrize(("given", "expected"), [(2009, "2009"), (1.5, "1.5"), ("v2", "v2")])
def test_a_version_may_be_a_number(given, expected):
    data = valid()
    data["version"] = given

    assert parse_framework(data).version == expected


def test_text_is_stripped_and_key_may_be_left_out():
    framework = read_framework(
        """
code: t
name: T
version: 1
rule: key_question
bands: [{label: All, min_percent: 0}]
areas:
  - code: a
    name: A
    questions:
      - code: a-a1
        stage: assessment
        key: true
        text: >
          Was it done?
        guidance: |
          Well enough.
      - {code: a-a2, stage: review, text: "Reviewed?"}
"""
    )

    first, second = framework.areas[0].questions
    assert (first.text, first.guidance, first.key) == ("Was it done?", "Well enough.", True)
    assert (second.guidance, second.key) == ("", False)
    assert framework.version == "1"


def test_the_constants():
    assert STAGES == ("assessment", "planning", "delivery", "review", "oversight")
    assert RULES == ("pooled", "key_question")


# --- one problem at a time: each names where and why ---------------------------------------


@pytest.mark.parametrize(
    "data",
    [None, [], ["code", "cci"], "cci", 3],
    ids=["empty", "empty-list", "list", "text", "number"],
)
def test_the_top_level_must_be_a_mapping(data):
    with pytest.raises(FrameworkDefinitionError) as caught:
        parse_framework(data)

    (problem,) = caught.value.problems
    assert problem.startswith("framework: the top level must be a mapping")


def set_key(path: tuple, value: object) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def drop_key(path: tuple) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


TOP_LEVEL_CASES = [
    (drop_key(("code",)), "code: missing"),
    (set_key(("code",), "  "), "code: is empty"),
    (set_key(("code",), "core case"), "code: 'core case' contains a space"),
    (drop_key(("name",)), "name: missing"),
    (set_key(("name",), ""), "name: is empty"),
    (set_key(("name",), 42), "name: must be text; got the number 42"),
    (drop_key(("version",)), "version: missing"),
    (set_key(("version",), ""), "version: is empty"),
    (set_key(("version",), True), "version: must be text; got true"),
    (drop_key(("rule",)), "rule: missing; use one of pooled, key_question"),
    (
        set_key(("rule",), "pooling"),
        "rule: 'pooling' is not a rule; use one of pooled, key_question",
    ),
    (set_key(("description",), ["a"]), "description: must be text; got a list"),
    (
        set_key(("verison",), "2"),
        "verison: unknown key; did you mean 'version'? allowed keys are",
    ),
]


@pytest.mark.parametrize(("change", "expected"), TOP_LEVEL_CASES)
def test_top_level_problems(change, expected):
    assert only_problem(change).startswith(expected)


BAND_CASES = [
    (drop_key(("bands",)), "bands: missing; give a list of bands"),
    (set_key(("bands",), []), "bands: is empty"),
    (set_key(("bands",), {"High": 80}), "bands: must be a list of bands"),
    (set_key(("bands", 1), "Middle"), "bands[1]: must be a mapping with label and min_percent"),
    (drop_key(("bands", 1, "label")), "bands[1] > label: missing"),
    (set_key(("bands", 1, "label"), " "), "bands[1] > label: is empty"),
    (drop_key(("bands", 1, "min_percent")), "bands[1] (Middle) > min_percent: missing"),
    (
        set_key(("bands", 1, "min_percent"), 101),
        "bands[1] (Middle) > min_percent: must be a whole number from 0 to 100; got the number 101",
    ),
    (set_key(("bands", 1, "min_percent"), -5), "bands[1] (Middle) > min_percent: must be a whole"),
    (set_key(("bands", 1, "min_percent"), 49.5), "bands[1] (Middle) > min_percent: must be a whole"),
    (set_key(("bands", 1, "min_percent"), "50"), "bands[1] (Middle) > min_percent: must be a whole"),
    (set_key(("bands", 1, "min_percent"), True), "bands[1] (Middle) > min_percent: must be a whole"),
    (set_key(("bands", 1, "equivalent"), 3), "bands[1] (Middle) > equivalent: must be text"),
    (
        set_key(("bands", 1, "min"), 50),
        "bands[1] (Middle) > min: unknown key; allowed keys are label, min_percent, equivalent",
    ),
    (
        set_key(("bands", 2, "label"), "high"),
        "bands[2] (high) > label: 'high' is already used by bands[0]",
    ),
    (
        set_key(("bands", 1, "min_percent"), 80),
        "bands[1] (Middle) > min_percent: 80 is also where bands[0] (High) starts",
    ),
    (
        set_key(("bands", 2, "min_percent"), 20),
        "bands: the lowest band starts at 20%; add a band with min_percent: 0",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAND_CASES)
def test_band_problems(change, expected):
    assert only_problem(change).startswith(expected)


AREA_CASES = [
    (drop_key(("areas",)), "areas: missing; give a list of areas"),
    (set_key(("areas",), []), "areas: is empty"),
    (set_key(("areas",), {"roh": []}), "areas: must be a list of areas (code, name, questions); got a mapping"),
    (set_key(("areas", 1), "saf"), "areas[1]: must be a mapping with code, name, questions"),
    (drop_key(("areas", 1, "code")), "areas[1] > code: missing"),
    (set_key(("areas", 1, "code"), 7), "areas[1] > code: must be text; got the number 7"),
    (drop_key(("areas", 1, "name")), "areas[1] (saf) > name: missing"),
    (drop_key(("areas", 1, "questions")), "areas[1] (saf) > questions: missing"),
    (set_key(("areas", 1, "questions"), []), "areas[1] (saf) > questions: is empty"),
    (
        set_key(("areas", 1, "questions"), "saf-a1"),
        "areas[1] (saf) > questions: must be a list of questions; got the text 'saf-a1'",
    ),
    (
        set_key(("areas", 1, "nmae"), "x"),
        "areas[1] (saf) > nmae: unknown key; did you mean 'name'?",
    ),
    (
        set_key(("areas", 1, "code"), "roh"),
        "areas[1] (roh) > code: 'roh' is already used by areas[0]",
    ),
]


@pytest.mark.parametrize(("change", "expected"), AREA_CASES)
def test_area_problems(change, expected):
    assert only_problem(change).startswith(expected)


Q = ("areas", 1, "questions", 2)  # saf-o1
QUESTION_CASES = [
    (set_key(Q, ["saf-o1"]), "areas[1] (saf) > questions[2]: must be a mapping"),
    (drop_key((*Q, "code")), "areas[1] (saf) > questions[2] > code: missing"),
    (drop_key((*Q, "text")), "areas[1] (saf) > questions[2] (saf-o1) > text: missing"),
    (set_key((*Q, "text"), ""), "areas[1] (saf) > questions[2] (saf-o1) > text: is empty"),
    (drop_key((*Q, "stage")), "areas[1] (saf) > questions[2] (saf-o1) > stage: missing"),
    (
        set_key((*Q, "stage"), "planing"),
        "areas[1] (saf) > questions[2] (saf-o1) > stage: 'planing' is not a stage; "
        "use one of assessment, planning, delivery, review, oversight",
    ),
    (
        set_key((*Q, "key"), "yes"),
        "areas[1] (saf) > questions[2] (saf-o1) > key: must be true or false; got the text 'yes'",
    ),
    (set_key((*Q, "key"), 1), "areas[1] (saf) > questions[2] (saf-o1) > key: must be true or false"),
    (set_key((*Q, "guidance"), 5), "areas[1] (saf) > questions[2] (saf-o1) > guidance: must be"),
    (
        set_key((*Q, "gudance"), "x"),
        "areas[1] (saf) > questions[2] (saf-o1) > gudance: unknown key; did you mean 'guidance'?",
    ),
    (
        set_key((*Q, "code"), "roh-a1"),
        "areas[1] (saf) > questions[2] (roh-a1) > code: 'roh-a1' is already used by "
        "areas[0] (roh) > questions[0] (roh-a1)",
    ),
    (
        set_key((*Q, "code"), "saf-a1"),
        "areas[1] (saf) > questions[2] (saf-a1) > code: 'saf-a1' is already used by "
        "areas[1] (saf) > questions[0] (saf-a1)",
    ),
]


@pytest.mark.parametrize(("change", "expected"), QUESTION_CASES)
def test_question_problems(change, expected):
    assert only_problem(change).startswith(expected)


def test_key_question_rule_needs_a_key_question_in_every_area():
    def change(data):
        data["rule"] = "key_question"
        data["areas"][1]["questions"][0]["key"] = False

    assert only_problem(change) == (
        "areas[1] (saf): has no key question; under the key_question rule every area needs "
        "at least one question with key: true"
    )


def test_pooled_rule_does_not_need_key_questions():
    data = valid()
    for area in data["areas"]:
        for question in area["questions"]:
            question.pop("key", None)

    assert parse_framework(data).rule == "pooled"


def overall_change(path: tuple, value: object = None, *, drop: bool = False):
    def change(data: dict) -> None:
        with_overall(data)
        (drop_key if drop else set_key)(("overall", *path), *(() if drop else (value,)))(data)

    return change


OVERALL_CASES = [
    (overall_change(("points",), drop=True), "overall > points: missing"),
    (overall_change(("points",), [3, 2, 1]), "overall > points: must be a mapping"),
    (
        overall_change(("points", "Low"), drop=True),
        "overall > points: gives no points for the band 'Low'",
    ),
    (
        overall_change(("points", "Hihg"), 2),
        "overall > points > Hihg: 'Hihg' is not a band label; did you mean 'High'?",
    ),
    (
        overall_change(("points", "Middle"), -1),
        "overall > points > Middle: must be a whole number of points, 0 or more; got the number -1",
    ),
    (overall_change(("points", "Middle"), 1.5), "overall > points > Middle: must be a whole"),
    (overall_change(("bands",), drop=True), "overall > bands: missing"),
    (overall_change(("bands",), []), "overall > bands: is empty"),
    (overall_change(("bands", 1), "Strong"), "overall > bands[1]: must be a mapping"),
    (overall_change(("bands", 1, "label"), drop=True), "overall > bands[1] > label: missing"),
    (
        overall_change(("bands", 1, "min_points"), drop=True),
        "overall > bands[1] (Strong) > min_points: missing",
    ),
    (
        overall_change(("bands", 1, "min_points"), -3),
        "overall > bands[1] (Strong) > min_points: must be a whole number, 0 or more",
    ),
    (
        overall_change(("bands", 1, "label"), "weak"),
        "overall > bands[1] (weak) > label: 'weak' is already used by overall > bands[0]",
    ),
    (
        overall_change(("bands", 1, "min_points"), 0),
        "overall > bands[1] (Strong) > min_points: 0 is also where overall > bands[0] (Weak)",
    ),
    (
        overall_change(("bands", 0, "min_points"), 1),
        "overall > bands: the lowest band starts at a total of 1; add a band with min_points: 0",
    ),
    (
        overall_change(("bands", 1, "min_points"), 5),
        "overall > bands[1] (Strong) > min_points: 5 can never be reached; "
        "the highest possible total is 4 (2 points x 2 areas)",
    ),
    (
        overall_change(("bands", 1, "from"), 5),
        "overall > bands[1] (Strong) > from: unknown key; allowed keys are label, min_points",
    ),
    (
        overall_change(("bands_",), []),
        "overall > bands_: unknown key; did you mean 'bands'?",
    ),
]


@pytest.mark.parametrize(("change", "expected"), OVERALL_CASES)
def test_overall_problems(change, expected):
    assert only_problem(change).startswith(expected)


def test_the_top_overall_band_may_be_exactly_the_highest_total():
    data = with_overall(valid())
    data["overall"]["bands"][1]["min_points"] = 4

    assert parse_framework(data).overall.bands[0] == OverallBandDefinition("Strong", 4)


def test_overall_must_be_a_mapping():
    assert only_problem(set_key(("overall",), [1, 2])).startswith(
        "overall: must be a mapping with points and bands; got a list"
    )


def test_points_are_checked_against_band_labels_even_when_a_band_is_broken():
    def change(data):
        with_overall(data)
        data["bands"][1]["min_percent"] = 150
        data["overall"]["points"]["Top"] = 3

    problems = problems_after(change)

    assert problems[0].startswith("bands[1] (Middle) > min_percent: must be a whole number")
    assert problems[1].startswith("overall > points > Top: 'Top' is not a band label")
    assert len(problems) == 2


# --- many problems at once -----------------------------------------------------------------


def test_every_problem_is_reported_together():
    def change(data):
        del data["name"]
        data["rule"] = "pooling"
        data["bands"][2]["min_percent"] = 10
        data["areas"][0]["questions"][1]["stage"] = "planing"
        data["areas"][1]["code"] = "roh"
        data["areas"][1]["questions"][2]["key"] = "no"

    problems = problems_after(change)

    assert problems == [
        "name: missing; name the framework",
        "rule: 'pooling' is not a rule; use one of pooled, key_question",
        "bands: the lowest band starts at 10%; add a band with min_percent: 0 so that every score has a band",
        "areas[0] (roh) > questions[1] (roh-p1) > stage: 'planing' is not a stage; "
        "use one of assessment, planning, delivery, review, oversight",
        "areas[1] (roh) > code: 'roh' is already used by areas[0]",
        "areas[1] (roh) > questions[2] (saf-o1) > key: must be true or false; got the text 'no'",
    ]


def test_the_error_message_lists_every_problem():
    def change(data):
        del data["code"]
        del data["version"]

    data = valid()
    change(data)
    with pytest.raises(FrameworkDefinitionError) as caught:
        parse_framework(data)

    message = str(caught.value)
    assert message.startswith("2 problems in the framework definition:\n")
    assert "- code: missing" in message
    assert "- version: missing" in message
    assert isinstance(caught.value, ValueError)


# --- YAML text and files -------------------------------------------------------------------

GOOD_YAML = """\
code: t
name: T
version: "1"
rule: pooled
bands:
  - {label: All, min_percent: 0}
areas:
  - code: a
    name: A
    questions:
      - {code: a-a1, stage: assessment, text: "Done?"}
"""


def test_read_framework_reads_yaml_text():
    framework = read_framework(GOOD_YAML)

    assert framework.areas[0].questions[0].code == "a-a1"


def test_a_yaml_syntax_error_is_one_problem_with_line_and_column():
    broken = GOOD_YAML.replace("{code: a-a1, stage: assessment", "{code: a-a1 stage: [assessment")

    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework(broken)

    (problem,) = caught.value.problems
    assert problem.startswith("line 11, column ")
    assert "YAML syntax error" in problem


def test_a_tab_in_the_indentation_gives_its_line():
    broken = GOOD_YAML.replace("    name: A", "\tname: A")

    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework(broken)

    (problem,) = caught.value.problems
    assert problem.startswith("line 9, column 1: YAML syntax error")


def test_a_key_given_twice_is_reported_with_its_line():
    doubled = GOOD_YAML.replace('version: "1"\n', 'version: "1"\nname: Other\n')

    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework(doubled)

    assert caught.value.problems == [
        "line 4, column 1: the key 'name' is given twice in the same mapping (first on line 2); give it once"
    ]


def test_an_empty_document_says_so():
    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework("# nothing yet\n")

    (problem,) = caught.value.problems
    assert "got nothing (the document is empty)" in problem


def test_yaml_tags_for_python_objects_are_refused():
    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework("code: !!python/object/apply:os.system ['true']\n")

    (problem,) = caught.value.problems
    assert problem.startswith("line 1, column 7: YAML syntax error")


def test_read_framework_file_tolerates_a_byte_order_mark(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_YAML.encode("utf-8"))

    assert read_framework_file(path).code == "t"
    assert read_framework_file(str(path)).code == "t"


def test_a_missing_file_is_a_problem(tmp_path):
    path = tmp_path / "nowhere.yaml"

    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework_file(path)

    assert caught.value.problems == [f"{path}: no such file"]


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework_file(tmp_path)

    assert caught.value.problems == [f"{tmp_path}: is a folder, not a file"]


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD_YAML.replace("name: T", "name: Caf\u00e9").encode("latin-1"))

    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework_file(path)

    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}: is not UTF-8 text (byte 0xe9 at position ")


def test_problems_in_a_file_name_the_file_in_the_message(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(GOOD_YAML.replace("stage: assessment", "stage: assesment"), encoding="utf-8")

    with pytest.raises(FrameworkDefinitionError) as caught:
        read_framework_file(path)

    assert caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path}: 1 problem in the framework definition:")
    assert caught.value.problems == [
        "areas[0] (a) > questions[0] (a-a1) > stage: 'assesment' is not a stage; "
        "use one of assessment, planning, delivery, review, oversight"
    ]
