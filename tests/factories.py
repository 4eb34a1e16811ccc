"""factory-boy factories for the project's models."""

import factory
from django.contrib.auth import get_user_model

from cases.models import Assessment, Case
from inspections.models import Area, Band, Framework, Inspection, Membership, Question, Role, Service

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
