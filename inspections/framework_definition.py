"""Read and validate a framework definition (the YAML files in frameworks/).

Pure code: PyYAML and the standard library, no Django. The ``load_framework`` command turns
the validated :class:`FrameworkDefinition` into database rows; this module only decides
whether a definition is sound and says, for every problem it finds, where and why.

The format::

    code: cci
    name: Core Case Inspection (2009-2012 style)
    version: "2009"
    rule: pooled                    # pooled | key_question
    description: ...                # optional
    bands:
      - {label: Minimal improvement required, min_percent: 80, equivalent: Outstanding}
      - ...
    overall:                        # optional
      points: {Outstanding: 3, Good: 2, ...}
      bands: [{label: Inadequate, min_points: 0}, ...]
    areas:
      - code: roh
        name: Risk of harm to others
        questions:
          - {code: roh-a1, stage: assessment, text: ..., guidance: ..., key: false}

Bands (and overall bands) come back sorted highest first; areas and questions keep the
order of the file.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

STAGES = ("assessment", "planning", "delivery", "review", "oversight")
RULES = ("pooled", "key_question")

TOP_KEYS = ("code", "name", "version", "rule", "description", "bands", "overall", "areas")
BAND_KEYS = ("label", "min_percent", "equivalent")
OVERALL_KEYS = ("points", "bands")
OVERALL_BAND_KEYS = ("label", "min_points")
AREA_KEYS = ("code", "name", "questions")
QUESTION_KEYS = ("code", "stage", "text", "guidance", "key")


@dataclass(frozen=True)
class QuestionDefinition:
    code: str
    stage: str
    text: str
    guidance: str
    key: bool


@dataclass(frozen=True)
class AreaDefinition:
    code: str
    name: str
    questions: tuple[QuestionDefinition, ...]


@dataclass(frozen=True)
class BandDefinition:
    label: str
    min_percent: int
    equivalent: str


@dataclass(frozen=True)
class OverallBandDefinition:
    label: str
    min_points: int


@dataclass(frozen=True)
class OverallDefinition:
    points: dict[str, int]
    bands: tuple[OverallBandDefinition, ...]


@dataclass(frozen=True)
class FrameworkDefinition:
    code: str
    name: str
    version: str
    rule: str
    description: str
    bands: tuple[BandDefinition, ...]
    overall: OverallDefinition | None
    areas: tuple[AreaDefinition, ...]

    @property
    def questions(self) -> tuple[QuestionDefinition, ...]:
        """Every question of the framework, area by area, in file order."""
        return tuple(question for area in self.areas for question in area.questions)


class FrameworkDefinitionError(ValueError):
    """A framework definition that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the framework definition"
        if source:
            heading = f"{source}: {heading}"
        super().__init__(heading + ":\n" + "\n".join(f"- {problem}" for problem in self.problems))


# --- helpers -------------------------------------------------------------------------------


def _join(where: str, what: str) -> str:
    return f"{where} > {what}" if where else what


def _describe(value: object) -> str:
    """A reader's name for what was found instead of what was expected."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__} ({value})"


def _is_whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(values)


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def unknown_keys(self, mapping: Mapping, allowed: tuple[str, ...], where: str) -> None:
        for key in mapping:
            if key in allowed:
                continue
            name = str(key)
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            self.add(_join(where, name), f"unknown key; {hint}allowed keys are {_one_of(allowed)}")

    def text(
        self,
        mapping: Mapping,
        key: str,
        where: str,
        *,
        required: bool = True,
        hint: str = "",
    ) -> str | None:
        """A stripped string, "" for an absent optional one, None after a problem."""
        at = _join(where, key)
        value = mapping.get(key)
        if value is None:
            if not required:
                return ""
            self.add(at, f"missing{'; ' + hint if hint else ''}")
            return None
        if not isinstance(value, str):
            self.add(at, f"must be text; got {_describe(value)} (put it in quotes)")
            return None
        value = value.strip()
        if not value and required:
            self.add(at, f"is empty{'; ' + hint if hint else ''}")
            return None
        return value

    def code(self, mapping: Mapping, where: str, *, hint: str) -> str | None:
        value = self.text(mapping, "code", where, hint=hint)
        if value is not None and any(character.isspace() for character in value):
            self.add(_join(where, "code"), f"{value!r} contains a space; codes are single words")
            return None
        return value

    def unique_label(self, label: str | None, seen: dict[str, str], where: str, name: str) -> str | None:
        """The label, or None (reported) when another item of the list already uses it."""
        if label is None:
            return None
        folded = label.casefold()
        if folded in seen:
            self.add(_join(where, "label"), f"{label!r} is already used by {seen[folded]}")
            return None
        seen[folded] = name
        return label

    def unique_start(self, minimum: int | None, starts: dict[int, str], where: str, key: str, clash: str) -> int | None:
        """The band's start, or None (reported) when another band starts there too."""
        if minimum is None:
            return None
        if minimum in starts:
            self.add(_join(where, key), f"{minimum} is also where {starts[minimum]} starts; {clash}")
            return None
        starts[minimum] = where
        return minimum

    def sequence(self, mapping: Mapping, key: str, where: str, *, what: str) -> list | None:
        """A non-empty list under key, None (after reporting) otherwise."""
        at = _join(where, key)
        value = mapping.get(key)
        if value is None:
            self.add(at, f"missing; give a list of {what}")
            return None
        if not isinstance(value, list):
            self.add(at, f"must be a list of {what}; got {_describe(value)}")
            return None
        if not value:
            self.add(at, f"is empty; give at least one of the {what}")
            return None
        return value


def _label_of(item: object, key: str) -> str:
    """The readable name added after an index, e.g. ``areas[2] (saf)``."""
    if isinstance(item, Mapping):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return f" ({value.strip()})"
    return ""


# --- sections ------------------------------------------------------------------------------


def _version(problems: _Problems, data: Mapping) -> str | None:
    value = data.get("version")
    if _is_whole_number(value) or isinstance(value, float):
        return str(value)
    return problems.text(data, "version", "", hint='give a version such as "2009"')


def _rule(problems: _Problems, data: Mapping) -> str | None:
    rule = problems.text(data, "rule", "", hint=f"use one of {_one_of(RULES)}")
    if rule is not None and rule not in RULES:
        problems.add("rule", f"{rule!r} is not a rule; use one of {_one_of(RULES)}")
        return None
    return rule


def _bands(problems: _Problems, data: Mapping) -> list[BandDefinition] | None:
    items = problems.sequence(data, "bands", "", what="bands (label, min_percent, equivalent)")
    if items is None:
        return None
    bands: list[BandDefinition] = []
    sound = True
    labels: dict[str, str] = {}
    starts: dict[int, str] = {}
    for index, item in enumerate(items):
        where = f"bands[{index}]{_label_of(item, 'label')}"
        if not isinstance(item, Mapping):
            problems.add(where, f"must be a mapping with label and min_percent; got {_describe(item)}")
            sound = False
            continue
        problems.unknown_keys(item, BAND_KEYS, where)
        label = problems.text(item, "label", where, hint="name the band")
        equivalent = problems.text(item, "equivalent", where, required=False)
        minimum = _whole(problems, item, "min_percent", where, "the lowest whole percentage of the band", 100)
        label = problems.unique_label(label, labels, where, f"bands[{index}]")
        minimum = problems.unique_start(
            minimum, starts, where, "min_percent", "two bands cannot start at the same percentage"
        )
        if label is None or minimum is None or equivalent is None:
            sound = False
            continue
        bands.append(BandDefinition(label=label, min_percent=minimum, equivalent=equivalent))
    if starts and 0 not in starts:
        lowest = min(starts)
        problems.add(
            "bands",
            f"the lowest band starts at {lowest}%; add a band with min_percent: 0 so that every score has a band",
        )
        sound = False
    if not sound:
        return None
    return sorted(bands, key=lambda band: band.min_percent, reverse=True)


def _whole(problems: _Problems, item: Mapping, key: str, where: str, what: str, most: int | None = None):
    """A whole number from 0 (to `most`) under `key`; None (reported) when missing or otherwise."""
    value = item.get(key)
    if value is None:
        problems.add(_join(where, key), f"missing; give {what}")
        return None
    if not _is_whole_number(value) or value < 0 or (most is not None and value > most):
        shape = f"a whole number from 0 to {most}" if most is not None else "a whole number, 0 or more"
        problems.add(_join(where, key), f"must be {shape}; got {_describe(value)}")
        return None
    return value


def _band_labels(data: Mapping) -> list[str] | None:
    """The band labels as written, even when some band has a problem; None without bands."""
    items = data.get("bands")
    if not isinstance(items, list):
        return None
    labels = []
    for item in items:
        if isinstance(item, Mapping) and isinstance(item.get("label"), str):
            label = item["label"].strip()
            if label and label not in labels:
                labels.append(label)
    return labels or None


def _question(
    problems: _Problems,
    item: object,
    where: str,
    seen: dict[str, str],
) -> QuestionDefinition | None:
    if not isinstance(item, Mapping):
        problems.add(where, f"must be a mapping with code, stage, text; got {_describe(item)}")
        return None
    problems.unknown_keys(item, QUESTION_KEYS, where)
    code = problems.code(item, where, hint="give the question a code such as roh-a1")
    if code is not None:
        if code in seen:
            problems.add(_join(where, "code"), f"{code!r} is already used by {seen[code]}")
            code = None
        else:
            seen[code] = where
    stage = problems.text(item, "stage", where, hint=f"use one of {_one_of(STAGES)}")
    if stage is not None and stage not in STAGES:
        problems.add(_join(where, "stage"), f"{stage!r} is not a stage; use one of {_one_of(STAGES)}")
        stage = None
    text = problems.text(item, "text", where, hint="write the question the assessor answers")
    guidance = problems.text(item, "guidance", where, required=False)
    key = item.get("key", False)
    if key is None:
        key = False
    if not isinstance(key, bool):
        problems.add(_join(where, "key"), f"must be true or false; got {_describe(key)}")
        key = None
    if code is None or stage is None or text is None or guidance is None or key is None:
        return None
    return QuestionDefinition(code=code, stage=stage, text=text, guidance=guidance, key=key)


def _areas(problems: _Problems, data: Mapping, rule: str | None) -> list[AreaDefinition] | None:
    items = problems.sequence(data, "areas", "", what="areas (code, name, questions)")
    if items is None:
        return None
    areas: list[AreaDefinition] = []
    sound = True
    area_codes: dict[str, str] = {}
    question_codes: dict[str, str] = {}
    for index, item in enumerate(items):
        where = f"areas[{index}]{_label_of(item, 'code')}"
        if not isinstance(item, Mapping):
            problems.add(where, f"must be a mapping with code, name, questions; got {_describe(item)}")
            sound = False
            continue
        problems.unknown_keys(item, AREA_KEYS, where)
        code = problems.code(item, where, hint="give the area a short code such as roh")
        if code is not None:
            if code in area_codes:
                problems.add(_join(where, "code"), f"{code!r} is already used by {area_codes[code]}")
                code = None
            else:
                area_codes[code] = f"areas[{index}]"
        name = problems.text(item, "name", where, hint="name the area")
        question_items = problems.sequence(item, "questions", where, what="questions")
        questions: list[QuestionDefinition] = []
        questions_sound = question_items is not None
        for number, question_item in enumerate(question_items or []):
            question_where = _join(where, f"questions[{number}]{_label_of(question_item, 'code')}")
            question = _question(problems, question_item, question_where, question_codes)
            if question is None:
                questions_sound = False
            else:
                questions.append(question)
        if (
            rule == "key_question"
            and question_items
            and not any(isinstance(q, Mapping) and q.get("key") is True for q in question_items)
        ):
            problems.add(
                where,
                "has no key question; under the key_question rule every area needs "
                "at least one question with key: true",
            )
            sound = False
        if code is None or name is None or not questions_sound:
            sound = False
            continue
        areas.append(AreaDefinition(code=code, name=name, questions=tuple(questions)))
    return areas if sound else None


def _overall(
    problems: _Problems,
    data: Mapping,
    band_labels: list[str] | None,
    area_count: int | None,
) -> OverallDefinition | None:
    """The overall rating; None when absent or after a problem (check problems to tell)."""
    overall = data.get("overall")
    if overall is None:
        return None
    if not isinstance(overall, Mapping):
        problems.add("overall", f"must be a mapping with points and bands; got {_describe(overall)}")
        return None
    problems.unknown_keys(overall, OVERALL_KEYS, "overall")
    points, points_sound = _overall_points(problems, overall, band_labels)
    overall_bands, starts, bands_sound = _overall_bands(problems, overall)
    reachable = _overall_reachable(problems, starts, points, area_count)
    if not (points_sound and bands_sound and reachable):
        return None
    return OverallDefinition(
        points=points,
        bands=tuple(sorted(overall_bands, key=lambda band: band.min_points, reverse=True)),
    )


def _overall_points(problems: _Problems, overall: Mapping, labels: list[str] | None) -> tuple[dict[str, int], bool]:
    """Points: one whole number >= 0 for every band label, and nothing else; (points, sound)."""
    raw_points = overall.get("points")
    if raw_points is None:
        problems.add("overall > points", "missing; give the points each band label is worth")
        return {}, False
    if not isinstance(raw_points, Mapping):
        problems.add(
            "overall > points",
            f"must be a mapping of band label to points; got {_describe(raw_points)}",
        )
        return {}, False
    points: dict[str, int] = {}
    sound = True
    for label, value in raw_points.items():
        at = f"overall > points > {label}"
        if labels is not None and label not in labels:
            close = difflib.get_close_matches(str(label), labels, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.add(at, f"{label!r} is not a band label; {hint}the bands are {_one_of(tuple(labels))}")
            sound = False
        elif not _is_whole_number(value) or value < 0:
            problems.add(at, f"must be a whole number of points, 0 or more; got {_describe(value)}")
            sound = False
        else:
            points[str(label)] = value
    for label in labels or []:
        if label not in raw_points:
            problems.add("overall > points", f"gives no points for the band {label!r}")
            sound = False
    return points, sound


def _overall_bands(problems: _Problems, overall: Mapping):
    """Bands on the total: (bands, {start: where}, sound)."""
    items = problems.sequence(overall, "bands", "overall", what="overall bands (label, min_points)")
    sound = items is not None
    overall_bands: list[OverallBandDefinition] = []
    labels_seen: dict[str, str] = {}
    starts: dict[int, str] = {}
    for index, item in enumerate(items or []):
        where = f"overall > bands[{index}]{_label_of(item, 'label')}"
        if not isinstance(item, Mapping):
            problems.add(where, f"must be a mapping with label and min_points; got {_describe(item)}")
            sound = False
            continue
        problems.unknown_keys(item, OVERALL_BAND_KEYS, where)
        label = problems.text(item, "label", where, hint="name the overall band")
        minimum = _whole(problems, item, "min_points", where, "the lowest total of the band")
        label = problems.unique_label(label, labels_seen, where, f"overall > bands[{index}]")
        minimum = problems.unique_start(
            minimum, starts, where, "min_points", "two overall bands cannot start at the same total"
        )
        if label is None or minimum is None:
            sound = False
            continue
        overall_bands.append(OverallBandDefinition(label=label, min_points=minimum))
    if starts and 0 not in starts:
        problems.add(
            "overall > bands",
            f"the lowest band starts at a total of {min(starts)}; add a band with min_points: 0 "
            "so that every total has a band",
        )
        sound = False
    return overall_bands, starts, sound


def _overall_reachable(problems: _Problems, starts: dict[int, str], points: dict[str, int], area_count) -> bool:
    """False (reported) when the highest overall band starts above the highest possible total."""
    if not (starts and points and area_count):
        return True
    most = max(points.values()) * area_count
    top = max(starts)
    if top <= most:
        return True
    problems.add(
        _join(starts[top], "min_points"),
        f"{top} can never be reached; the highest possible total is {most} "
        f"({max(points.values())} points x {area_count} areas)",
    )
    return False


# --- entry points --------------------------------------------------------------------------


def parse_framework(data: object) -> FrameworkDefinition:
    """Validate already-loaded data (e.g. from YAML); raise FrameworkDefinitionError listing
    every problem found."""
    if not isinstance(data, Mapping):
        found = "nothing (the document is empty)" if data is None else _describe(data)
        raise FrameworkDefinitionError(
            [f"framework: the top level must be a mapping with {_one_of(TOP_KEYS)}; got {found}"]
        )
    problems = _Problems()
    problems.unknown_keys(data, TOP_KEYS, "")
    code = problems.code(data, "", hint="give the framework a short code such as cci")
    name = problems.text(data, "name", "", hint="name the framework")
    version = _version(problems, data)
    rule = _rule(problems, data)
    description = problems.text(data, "description", "", required=False)
    bands = _bands(problems, data)
    areas = _areas(problems, data, rule)
    raw_areas = data.get("areas")
    area_count = len(raw_areas) if isinstance(raw_areas, list) else None
    overall = _overall(problems, data, _band_labels(data), area_count)
    if problems.items:
        raise FrameworkDefinitionError(problems.items)
    if not (code and name and version and rule and bands and areas) or description is None:
        # Unreachable: every missing part above has reported a problem.
        raise FrameworkDefinitionError(["framework: incomplete definition"])
    return FrameworkDefinition(
        code=code,
        name=name,
        version=version,
        rule=rule,
        description=description,
        bands=tuple(bands),
        overall=overall,
        areas=tuple(areas),
    )


class _Loader(yaml.SafeLoader):
    """The safe loader, noting keys given twice in one mapping (plain YAML keeps the last)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[str] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first_line: dict[object, int] = {}
        for key_node, _value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            line = key_node.start_mark.line + 1
            if key_node.value in first_line:
                self.duplicate_keys.append(
                    f"line {line}, column {key_node.start_mark.column + 1}: "
                    f"the key {key_node.value!r} is given twice in the same mapping "
                    f"(first on line {first_line[key_node.value]}); give it once"
                )
            else:
                first_line[key_node.value] = line
        return super().construct_mapping(node, deep=deep)


def _yaml_problem(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        what = error.problem or error.context or "cannot be read"
        context = ""
        if error.context and error.problem and error.context_mark is not None:
            context = f" ({error.context} on line {error.context_mark.line + 1})"
        if mark is not None:
            where = f"line {mark.line + 1}, column {mark.column + 1}"
            return f"{where}: YAML syntax error: {what}{context}"
        return f"YAML syntax error: {what}{context}"
    return f"YAML error: {error}"


def read_framework(text: str) -> FrameworkDefinition:
    """Parse YAML text and validate it; a syntax error is one problem naming line and column."""
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        raise FrameworkDefinitionError([_yaml_problem(error)]) from None
    finally:
        loader.dispose()
    duplicates = loader.duplicate_keys
    try:
        definition = parse_framework(data)
    except FrameworkDefinitionError as error:
        raise FrameworkDefinitionError(duplicates + error.problems) from None
    if duplicates:
        raise FrameworkDefinitionError(duplicates)
    return definition


def read_framework_file(path: str | os.PathLike[str]) -> FrameworkDefinition:
    """Read a UTF-8 YAML file (a byte-order mark is tolerated) and validate it."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise FrameworkDefinitionError([f"{source}: no such file"], source=source) from None
    except IsADirectoryError:
        raise FrameworkDefinitionError([f"{source}: is a folder, not a file"], source=source) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise FrameworkDefinitionError([f"{source}: cannot be read ({reason})"], source=source) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = (
            f"{source}: is not UTF-8 text (byte 0x{raw[error.start]:02x} at position "
            f"{error.start}); save the file as UTF-8"
        )
        raise FrameworkDefinitionError([problem], source=source) from None
    try:
        return read_framework(text)
    except FrameworkDefinitionError as error:
        raise FrameworkDefinitionError(error.problems, source=source) from None
