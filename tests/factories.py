"""Every test builder of the project, in one place.

Naming: `<Model>Factory` (factory-boy) makes one row; `make_<what>(...)` makes several rows or a
ready-made setup at once; `member(service, role)` is a person with a membership; plain data for
uploads (`rows`, `csv_bytes`, `upload`) is named for what it is.
"""

import csv
import datetime
import io
import random
from pathlib import Path

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Answer, Assessment, Case
from cases.sampling.cohort import COLUMNS
from improvement.models import Action, Board, ImprovementPlan, Meeting, ProgressUpdate, Theme
from inspections.models import Area, Band, Framework, Inspection, Membership, Question, Recommendation, Role, Service

PASSWORD = "a-test-password-1234"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password(PASSWORD)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n} Youth Justice Service")
    local_authority = factory.Sequence(lambda n: f"Council {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    service = factory.SubFactory(ServiceFactory)
    role = Role.OFFICER


def member(service, role=Role.OFFICER, **user_fields):
    """A new person holding `role` in `service`."""
    return MembershipFactory(service=service, role=role, user=UserFactory(**user_fields)).user


class FrameworkFactory(factory.django.DjangoModelFactory):
    """A small pooled framework: two areas of three questions, the CCI default bands."""

    class Meta:
        model = Framework
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"test{n}")
    name = "Test framework"
    version = "1"
    rule = "pooled"

    @factory.post_generation
    def structure(framework, create, extracted, **kwargs):
        if not create:
            return
        for label, start, equivalent in [
            ("Minimal improvement required", 80, "Outstanding"),
            ("Moderate improvement required", 65, "Good"),
            ("Substantial improvement required", 50, "Satisfactory"),
            ("Drastic improvement required", 0, "Inadequate"),
        ]:
            Band.objects.create(framework=framework, label=label, min_percent=start, equivalent=equivalent)
        questions_per_area = extracted or 3
        stages = ["assessment", "planning", "delivery", "review", "oversight"]
        for area_order, (code, name) in enumerate([("roh", "Risk of harm to others"), ("saf", "Safeguarding")]):
            area = Area.objects.create(framework=framework, code=code, name=name, order=area_order)
            for n in range(questions_per_area):
                Question.objects.create(
                    framework=framework,
                    area=area,
                    code=f"{code}-{n + 1}",
                    stage=stages[n % 5],
                    text=f"{name}: question {n + 1}?",
                    guidance="Well enough means...",
                    key=(n == 0),
                    order=n,
                )


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    service = factory.SubFactory(ServiceFactory)
    framework = factory.SubFactory(FrameworkFactory)
    kind = "internal_audit"
    title = factory.Sequence(lambda n: f"Audit {n}")
    status = "scoring"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    inspection = factory.SubFactory(InspectionFactory)
    reference = factory.Sequence(lambda n: f"YP{n:05d}")
    disposal = "community"
    rosh = "medium"
    gender = "male"
    age_at_start = 15
    in_sample = True


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    case = factory.SubFactory(CaseFactory)
    assessor = factory.SubFactory(UserFactory)
    marking = "first"


def date_fields(name, day, month, year):
    """What a browser posts for a GOV.UK date input called `name` (day, month and year boxes)."""
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


# --- cohorts and samples ----------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PERIOD = (datetime.date(2014, 1, 1), datetime.date(2014, 12, 31))


def make_sampling_inspection(service, **fields):
    """An inspection of `service` in the Sampling stage, over the calendar year 2014."""
    return InspectionFactory(service=service, status="sampling", period_start=PERIOD[0], period_end=PERIOD[1], **fields)


def row(**overrides):
    """A valid cohort row (as a dict of column -> text)."""
    values = {
        "reference": "NS-2015-0001",
        "disposal": "Community",
        "rosh": "Medium",
        "gender": "Male",
        "date_of_birth": "14/02/1999",
        "ethnicity": "White British",
        "looked_after": "No",
        "start_date": "20/04/2014",
        "case_manager": "Tom Whitfield",
        "team": "South",
    }
    values.update(overrides)
    return values


def rows(n, start=1, **overrides):
    return [row(reference=f"NS-2015-{i:04d}", **overrides) for i in range(start, start + n)]


def csv_bytes(data_rows, columns=COLUMNS, encoding="utf-8", bom=False):
    """A cohort CSV: `data_rows` are dicts (missing columns left empty) or lists of cells."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for data in data_rows:
        writer.writerow([data.get(c, "") for c in columns] if isinstance(data, dict) else data)
    return ("\ufeff" if bom else "").encode(encoding) + out.getvalue().encode(encoding)


def upload(content, name="cohort.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def make_cohort(inspection, n, **fields):
    """`n` cases spread over disposals, risk levels, genders, looked-after status and teams."""
    disposals = ["community", "community", "out_of_court", "custody"]
    risks = ["low", "medium", "high", "low", "very_high"]
    cases = []
    for i in range(n):
        values = {
            "inspection": inspection,
            "reference": f"NS-2015-{i + 1:04d}",
            "disposal": disposals[i % len(disposals)],
            "rosh": risks[i % len(risks)],
            "gender": "female" if i % 7 == 3 else "male",
            "looked_after": i % 5 == 0,
            "team": ["North", "South"][i % 2],
            "in_sample": False,
            "start_date": datetime.date(2014, 1 + i % 12, 1 + i % 28),
        }
        values.update(fields)
        cases.append(CaseFactory(**values))
    return cases


# --- scored cases for moderation and oversight -----------------------------------------------

TEAMS = ["North team", "South team"]
DISPOSALS = ["out_of_court", "community", "custody"]
RISKS = ["low", "medium", "high", "very_high"]


def make_answers(assessment, values, note=""):
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


def make_scored_cases(inspection, n, first_assessor, second_assessor=None, second_every=5, seed=1, start=0):
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


# --- improvement plans and boards -----------------------------------------------------------


class PublishedInspectionFactory(InspectionFactory):
    status = "published"
    kind = "hmip_inspection"
    published_on = datetime.date(2025, 6, 8)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(PublishedInspectionFactory)
    text = factory.Sequence(lambda n: f"Improve the timeliness of RoSH assessments ({n})")
    order = factory.Sequence(lambda n: n)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementPlan

    inspection = factory.SubFactory(PublishedInspectionFactory)
    reinspection_due = datetime.date(2026, 6, 8)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Theme {n}")
    order = factory.Sequence(lambda n: n)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    theme = factory.SubFactory(ThemeFactory)
    plan = factory.SelfAttribute("theme.plan")
    title = factory.Sequence(lambda n: f"Action {n}")
    partner_name = "Sam Patel"
    partner_agency = "Children's social care"
    partner_email = "sam.patel@example.invalid"
    due_on = datetime.date(2026, 3, 31)
    status = "in_progress"
    brag = "green"


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    date = datetime.date(2026, 1, 10)
    author = factory.SubFactory(UserFactory)
    brag = "green"
    note = "Going well."


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    service = factory.SubFactory("tests.factories.ServiceFactory")
    name = factory.Sequence(lambda n: f"Board {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    held_on = datetime.date(2026, 2, 1)


def make_lead_inspector(inspection, username="lead"):
    """A person with the inspector role in the inspection's service, named its lead inspector."""
    user = MembershipFactory(service=inspection.service, role=Role.INSPECTOR, user=UserFactory(username=username)).user
    inspection.lead_inspector = user
    inspection.save()
    return user
