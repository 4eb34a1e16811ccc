"""What every oversight figure is built from: the counting assessments' answers (picked by
`cases.models.counting_marking` on the markings' statuses, read as rows), and an area's score.
Groups of fewer than SMALL_GROUP cases are suppressed so no child can be singled out; the
presenters say so in words.
"""

from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from inspections import ratings
from inspections.models import Stage

from ..models import Answer, Case, tally_counts
from .disclosure import SMALL_GROUP, SUPPRESSED

WEAKEST = 5
STAGES = list(Stage.choices)

NA = Answer.Value.NA
NO_ANSWERS = ratings.Tally()  # frozen: one shared empty tally


def person_label(path):
    """A person as shown (as `display_name` does): their full name, else their username."""
    full_name = NullIf(Trim(Concat(F(f"{path}__first_name"), Value(" "), F(f"{path}__last_name"))), Value(""))
    return Coalesce(full_name, F(f"{path}__username"))


def manager_label(prefix=""):
    """The case manager as shown: the linked person's full name (or username), else the name imported."""
    return Coalesce(person_label(f"{prefix}case_manager"), F(f"{prefix}case_manager_name"))


def inspection_cases(inspection):
    return Case.objects.filter(inspection=inspection)


@dataclass
class Score:
    """A shown score: a whole percentage, "not rated" or suppressed (see presenters.score_text)."""

    percent: int | None
    band: ratings.Band | None = None
    suppressed: bool = False
    marker: str = SUPPRESSED  # what a suppressed score reads (disclosure.protect decides)


def questions_area_score(rule, questions, by_question, bands, cases=None):
    """An area's result and its shown Score from {question id: Tally}, of its `questions` (objects
    with pk, code and key), under the framework's `rule`; suppressed under SMALL_GROUP `cases`."""
    tallies = {q.code: by_question.get(q.pk, NO_ANSWERS) for q in questions}
    return area_score_from(rule, tallies, [q.code for q in questions if q.key], bands, cases)


def area_score_from(rule, tallies, key_codes, bands, cases=None):
    """`questions_area_score` from the area's questions' {code: Tally} and its key questions' codes."""
    result = ratings.area_result(rule, tallies, bands, key_questions=key_codes)
    suppressed = cases is not None and cases < SMALL_GROUP
    return result, Score(None if suppressed else result.score, None if suppressed else result.band, suppressed)


def question_tallies(answers, *group_by):
    return {
        tuple(row[g] for g in group_by) if len(group_by) > 1 else row[group_by[0]]: ratings.Tally(
            row["yes"], row["no"], row["na"]
        )
        for row in answers.values(*group_by).annotate(**tally_counts()).order_by()
    }
