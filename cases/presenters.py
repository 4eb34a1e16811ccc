"""Shapes for the scoring page: areas, then stages, then each question with what the assessor gave."""

from dataclasses import dataclass

from inspections.models import Stage


@dataclass
class QuestionRow:
    question: object
    value: str
    note: str
    error: str = ""

    @property
    def field_id(self):
        return f"q-{self.question.code}"


@dataclass
class StageGroup:
    label: str
    rows: list


@dataclass
class AreaGroup:
    area: object
    stages: list

    @property
    def answered(self):
        return sum(1 for group in self.stages for row in group.rows if row.value)

    @property
    def total(self):
        return sum(len(group.rows) for group in self.stages)


STAGE_ORDER = {value: index for index, value in enumerate(Stage.values)}
STAGE_LABELS = dict(Stage.choices)


def scoring_grid(areas, answers, problems=None):
    """[AreaGroup] for `areas` (with prefetched questions), `answers` {code: (value, note)}."""
    problems = problems or {}
    grid = []
    for area in areas:
        by_stage = {}
        for question in getattr(area, "asked", None) or area.questions.all():
            value, note = answers.get(question.code, ("", ""))
            row = QuestionRow(question, value, note, problems.get(question.code, ""))
            by_stage.setdefault(question.stage, []).append(row)
        stages = [
            StageGroup(STAGE_LABELS[stage], rows)
            for stage, rows in sorted(by_stage.items(), key=lambda item: STAGE_ORDER[item[0]])
        ]
        grid.append(AreaGroup(area, stages))
    return grid


def answers_from_post(post, questions):
    """{code: (value, note)} as typed, for every question of the framework."""
    return {q.code: (post.get(f"q-{q.code}", ""), post.get(f"note-{q.code}", "")) for q in questions}
