"""Fast builders for the moderation and oversight tests: many scored cases through bulk_create."""

import random

from cases.models import Answer, Assessment, Case

TEAMS = ["North team", "South team"]
DISPOSALS = ["out_of_court", "community", "custody"]
RISKS = ["low", "medium", "high", "very_high"]


def answer(assessment, values, note=""):
    """Give `assessment` answers {code: value}, submitted, with its stored tallies."""
    questions = {q.code: q for q in assessment.case.inspection.framework.questions.all()}
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=questions[c], value=v, note=note if v == "no" else "")
        for c, v in values.items()
    )
    vals = list(values.values())
    assessment.status = "submitted"
    assessment.answered = len(vals)
    assessment.yes, assessment.no, assessment.na = vals.count("yes"), vals.count("no"), vals.count("na")
    assessment.save()
    return assessment


def build_scored_cases(inspection, n, first_assessor, second_assessor=None, second_every=5, seed=1, start=0):
    """`n` sampled, submitted cases with answers to every question; every `second_every`th case
    also has a submitted second marking by `second_assessor`. Runs in a handful of queries."""
    rng = random.Random(seed)
    questions = list(inspection.framework.questions.all())
    cases = Case.objects.bulk_create(
        Case(
            inspection=inspection,
            reference=f"BK{start + i:05d}",
            disposal=DISPOSALS[i % 3],
            rosh=RISKS[i % 4],
            gender="female" if i % 7 == 0 else "male",
            ethnicity=["White British", "Black British", "Asian British"][i % 3],
            looked_after=i % 6 == 0,
            team=TEAMS[i % 2],
            case_manager_name=["J. Patel", "S. Green", "A. Khan"][i % 3],
            in_sample=True,
        )
        for i in range(start, start + n)
    )
    assessments = [
        Assessment(case=c, assessor=first_assessor, marking="first", status="submitted", answered=len(questions))
        for c in cases
    ]
    if second_assessor is not None:
        assessments += [
            Assessment(case=c, assessor=second_assessor, marking="second", status="submitted", answered=len(questions))
            for i, c in enumerate(cases)
            if i % second_every == 0
        ]
    assessments = Assessment.objects.bulk_create(assessments)
    answers = []
    for a in assessments:
        for q in questions:
            roll = rng.random()
            value = "na" if roll < 0.1 else ("yes" if roll < 0.7 else "no")
            answers.append(Answer(assessment_id=a.pk, question_id=q.pk, value=value))
    Answer.objects.bulk_create(answers, batch_size=2000)
    return cases
