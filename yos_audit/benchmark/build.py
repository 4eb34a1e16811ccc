"""The benchmark's data set, built by bulk inserts (no per-row saves, no history rows for bulk data).

National: 150 services x 5 inspections (4 published, 1 live) x 60 sampled cases of the shipped CCI
framework, every case scored (first markings; a fifth second-marked; a tenth moderated), published
judgements stored by the real publishing service, an improvement plan with actions and a board
meeting per service. Answers go in with one INSERT ... SELECT per batch, so the database does the work.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from cases.models import Assessment, AssessmentStatus, Case, Marking
from cases.services import inspection_publish
from improvement.models import Action, Board, ImprovementPlan, Meeting, PlanStatus, Theme
from inspections.framework_definition import read_framework_file
from inspections.models import Inspection, InspectionStatus, Membership, Recommendation, Role, Service
from inspections.services import framework_load

PASSWORD = "benchmark-password-2026"  # noqa: S105 (accounts of a throwaway benchmark database)
DISPOSALS = ["community", "community", "out_of_court", "custody"]
ROSH = ["low", "medium", "medium", "high", "very_high"]
GENDERS = ["male", "male", "male", "female", "other"]
TEAMS = ["North", "South", "East", "West"]


@dataclass(frozen=True)
class Scale:
    name: str
    services: int
    inspections: int  # per service: all but the last published, the last live (scoring)
    cases: int  # sampled and scored cases per inspection
    cohort_rows: int  # rows of the cohort import, and cases the sample is drawn from
    runs: int  # timed requests per figure (after one warm-up)


SCALES = {
    "small": Scale("small", services=3, inspections=3, cases=10, cohort_rows=300, runs=3),
    "national": Scale("national", services=150, inspections=5, cases=60, cohort_rows=10_000, runs=9),
}


@dataclass
class DataSet:
    """What the measurements need: people and the rows their pages show."""

    scale: Scale
    officer: object = None
    manager: object = None
    board_member: object = None
    inspector: object = None
    live: Inspection = None
    published: Inspection = None
    draft_assessment: Assessment = None
    moderated_case: Case = None
    plan: ImprovementPlan = None
    meeting: Meeting = None
    first_question_code: str = ""
    cohort_service: Service = None  # where the timed cohort imports go: not the measured service
    counts: dict = field(default_factory=dict)


def database_is_empty():
    return not Service.objects.exists() and not get_user_model().objects.exists()


def build(scale: Scale, progress) -> DataSet:
    """Build everything; `progress(step_name, total)` returns a callable advanced by n."""
    framework = framework_load(definition=read_framework_file(settings.BASE_DIR / "frameworks" / "cci-2009.yaml"))[0]
    questions = list(framework.questions.values_list("pk", flat=True))
    areas = list(framework.areas.order_by("order"))
    today = dt.date.today()
    services, people, inspector = _services_and_people(scale, progress)
    inspections = _inspections_and_cases(scale, progress, services, framework, inspector, today)
    _assessments(progress, inspections, people)
    _answers(progress, questions)
    _publish(progress, inspections, people, areas)
    _plans_and_boards(scale, progress, services, inspections, people, inspector, today)
    _vacuum()
    return data_set(scale)


def _vacuum():
    """On PostgreSQL, what autovacuum does to a live database's tables soon after a bulk load: their
    visibility maps set (an index-only scan, as the inspector's home counts submitted markings with,
    then reads the index alone rather than visiting each row: 3,217 buffers read for a page of 25
    inspections rather than 4,768) and fresh statistics. Not in a transaction (the tests' own): VACUUM
    cannot run in one."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def _services_and_people(scale, progress):
    User = get_user_model()
    password = make_password(PASSWORD)
    advance = progress("services and people", scale.services)
    services = Service.objects.bulk_create(
        Service(
            name=f"Service {n:03d} Youth Justice Service", local_authority=f"Council {n:03d}", slug=f"service-{n:03d}"
        )
        for n in range(1, scale.services + 1)
    )
    roles = [("officer1", Role.OFFICER), ("officer2", Role.OFFICER), ("officer3", Role.OFFICER)]
    roles += [("manager", Role.MANAGER), ("board", Role.BOARD_MEMBER)]
    users = User.objects.bulk_create(
        User(
            username=f"{service.slug}-{suffix}",
            first_name=suffix.capitalize(),
            last_name=service.slug,
            email=f"{service.slug}-{suffix}@example.invalid",
            password=password,
        )
        for service in services
        for suffix, _ in roles
    )
    inspector = User.objects.create(username="inspector", first_name="Ina", last_name="Spector", password=password)
    people = {}  # (service pk, suffix) -> user
    memberships = []
    for index, user in enumerate(users):
        service = services[index // len(roles)]
        suffix, role = roles[index % len(roles)]
        people[service.pk, suffix] = user
        memberships.append(Membership(user=user, service=service, role=role))
    memberships += [Membership(user=inspector, service=service, role=Role.INSPECTOR) for service in services]
    Membership.objects.bulk_create(memberships, batch_size=5000)
    advance(scale.services)

    return services, people, inspector


def _inspections_and_cases(scale, progress, services, framework, inspector, today):
    advance = progress("inspections and cases", scale.services * scale.inspections)
    inspections = []
    for service in services:
        for n in range(scale.inspections):
            year = today.year - scale.inspections + n
            live = n == scale.inspections - 1
            inspections.append(
                Inspection(
                    service=service,
                    framework=framework,
                    kind="internal_audit" if n % 2 else "yjb_mock",
                    title=f"{'Audit' if n % 2 else 'Mock inspection'} {year}",
                    period_start=dt.date(year - 1, 4, 1),
                    period_end=dt.date(year, 3, 31),
                    status=InspectionStatus.SCORING if live else InspectionStatus.MODERATION,
                    lead_inspector=inspector,
                )
            )
    inspections = Inspection.objects.bulk_create(inspections, batch_size=2000)
    cases = []
    for number, inspection in enumerate(inspections):
        for c in range(scale.cases):
            cases.append(
                Case(
                    inspection=inspection,
                    reference=f"C{number:05d}-{c + 1:03d}",
                    disposal=DISPOSALS[c % len(DISPOSALS)],
                    rosh=ROSH[c % len(ROSH)],
                    gender=GENDERS[c % len(GENDERS)],
                    age_at_start=10 + c % 8,
                    ethnicity=["White British", "Black British", "Asian British", "Mixed"][c % 4],
                    looked_after=c % 6 == 0,
                    start_date=dt.date(inspection.period_start.year, 6, 1),
                    case_manager_name=f"Case Manager {c % 5}",
                    team=TEAMS[c % len(TEAMS)],
                    in_sample=True,
                )
            )
        if len(cases) >= 20_000:
            Case.objects.bulk_create(cases, batch_size=5000)
            cases = []
        advance(1)
    Case.objects.bulk_create(cases, batch_size=5000)

    return inspections


def _assessments(progress, inspections, people):
    advance = progress("assessments", len(inspections))
    now = dt.datetime.now(dt.UTC)
    inspection_of = {i.pk: i for i in inspections}
    assessments = []
    for inspection_pk, case_pks in _cases_by_inspection():
        inspection = inspection_of[inspection_pk]
        live = inspection.status == InspectionStatus.SCORING
        sid = inspection.service_id
        for c, case_pk in enumerate(case_pks):
            first_by = people[sid, f"officer{c % 3 + 1}"]
            draft = live and c % 3 == 2
            assessments.append(
                Assessment(
                    case_id=case_pk,
                    assessor=first_by,
                    marking=Marking.FIRST,
                    status=AssessmentStatus.DRAFT if draft else AssessmentStatus.SUBMITTED,
                    version=1,
                    submitted_at=None if draft else now,
                )
            )
            if c % 5 == 0:
                assessments.append(
                    Assessment(
                        case_id=case_pk,
                        assessor=people[sid, f"officer{(c + 1) % 3 + 1}"],
                        marking=Marking.SECOND,
                        status=AssessmentStatus.SUBMITTED,
                        version=1,
                        submitted_at=now,
                    )
                )
            if c % 10 == 0:
                assessments.append(
                    Assessment(
                        case_id=case_pk,
                        assessor=people[sid, "manager"],
                        marking=Marking.FINAL,
                        status=AssessmentStatus.SUBMITTED,
                        version=1,
                        submitted_at=now,
                    )
                )
        if len(assessments) >= 20_000:
            Assessment.objects.bulk_create(assessments, batch_size=5000)
            assessments = []
        advance(1)
    Assessment.objects.bulk_create(assessments, batch_size=5000)


def _answers(progress, questions):
    # Answers: every question of every assessment, by the database itself (INSERT ... SELECT), in
    # batches of assessments so that no statement runs for long. Values spread by a fixed formula:
    # about 70% Yes, 20% No, 10% Not applicable; a second marking disagrees on some questions.
    first_pk, last_pk = _pk_range(Assessment)
    batch = 2000
    advance = progress("answers", last_pk - first_pk + 1)
    question_list = ",".join(str(int(pk)) for pk in questions)
    with connection.cursor() as cursor:
        for start in range(first_pk, last_pk + 1, batch):
            cursor.execute(
                f"""
                INSERT INTO cases_answer (assessment_id, question_id, value, note)
                SELECT a.id, q.id,
                       CASE WHEN (a.id * 7 + q.id * 13
                                  + (CASE WHEN a.marking = 'second' THEN q.id ELSE 0 END)) %% 10 < 7 THEN 'yes'
                            WHEN (a.id * 7 + q.id * 13) %% 10 < 9 THEN 'no' ELSE 'na' END,
                       ''
                FROM cases_assessment a, inspections_question q
                WHERE a.id BETWEEN %s AND %s AND q.id IN ({question_list})
                """,  # noqa: S608 (integers only)
                [start, start + batch - 1],
            )
            # The stored per-assessment tallies, from the answers just written.
            cursor.execute(
                """
                UPDATE cases_assessment SET
                  answered = (SELECT COUNT(*) FROM cases_answer x WHERE x.assessment_id = cases_assessment.id),
                  yes = (SELECT COUNT(*) FROM cases_answer x WHERE x.assessment_id = cases_assessment.id
                         AND x.value = 'yes'),
                  no = (SELECT COUNT(*) FROM cases_answer x WHERE x.assessment_id = cases_assessment.id
                        AND x.value = 'no'),
                  na = (SELECT COUNT(*) FROM cases_answer x WHERE x.assessment_id = cases_assessment.id
                        AND x.value = 'na')
                WHERE id BETWEEN %s AND %s
                """,
                [start, start + batch - 1],
            )
            advance(min(batch, last_pk + 1 - start))


def _publish(progress, inspections, people, areas):
    if connection.vendor == "postgresql":
        # Fresh statistics after the bulk load, or the planner takes the new tables for empty ones
        # (publishing ran at 3 s an inspection before this, 0.25 s after).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    advance = progress("publishing", len(inspections))
    recommendations = []
    for inspection in inspections:
        if inspection.status == InspectionStatus.MODERATION:
            with transaction.atomic():
                inspection_publish(inspection=inspection, by=people[inspection.service_id, "manager"])
            for n, area in enumerate(areas[:3]):
                recommendations.append(
                    Recommendation(inspection=inspection, area=area, text=f"Improve {area.name.lower()}.", order=n)
                )
        advance(1)
    Recommendation.objects.bulk_create(recommendations, batch_size=5000)


def _plans_and_boards(scale, progress, services, inspections, people, inspector, today):
    advance = progress("plans and boards", scale.services)
    latest_published = {}
    for inspection in inspections:
        if inspection.status != InspectionStatus.SCORING:
            latest_published[inspection.service_id] = inspection
    plans = ImprovementPlan.objects.bulk_create(
        ImprovementPlan(
            inspection=latest_published[service.pk],
            status=PlanStatus.IN_PROGRESS,
            reinspection_due=today + dt.timedelta(days=365),
            approved_on=today - dt.timedelta(days=60),
            approved_by=inspector,
        )
        for service in services
    )
    themes = Theme.objects.bulk_create(
        Theme(plan=plan, title=f"Theme {n + 1}", order=n) for plan in plans for n in range(2)
    )
    Action.objects.bulk_create(
        (
            Action(
                plan=theme.plan,
                theme=theme,
                title=f"Action {n + 1} of {theme.title.lower()}",
                description="What will be done, by whom.",
                owner=people[theme.plan.inspection.service_id, "manager"],
                due_on=today + dt.timedelta(days=30 * (n + 1) - 45),
                brag=["green", "amber", "red", "blue"][n % 4],
                status="complete" if n % 4 == 3 else "in_progress",
                completed_on=today if n % 4 == 3 else None,
                success_measure="Audit shows it.",
                order=n,
            )
            for theme in themes
            for n in range(4)
        ),
        batch_size=5000,
    )
    boards = Board.objects.bulk_create(Board(service=service, name=f"{service.name} board") for service in services)
    Board.members.through.objects.bulk_create(
        Board.members.through(board_id=board.pk, user_id=people[board.service_id, "board"].pk) for board in boards
    )
    Meeting.objects.bulk_create(Meeting(board=board, held_on=today + dt.timedelta(days=14)) for board in boards)
    advance(scale.services)


def data_set(scale: Scale) -> DataSet:
    """The people and rows the measurements use, from a database the benchmark built."""
    User = get_user_model()
    first = Service.objects.get(slug="service-001")
    data = DataSet(scale=scale)
    data.officer = User.objects.get(username="service-001-officer3")
    data.manager = User.objects.get(username="service-001-manager")
    data.board_member = User.objects.get(username="service-001-board")
    data.inspector = User.objects.get(username="inspector")
    data.cohort_service = Service.objects.order_by("-slug").first()
    data.live = Inspection.objects.filter(service=first, status=InspectionStatus.SCORING).order_by("pk").first()
    data.published = Inspection.objects.filter(service=first).published().order_by("-period_end").first()
    data.draft_assessment = Assessment.objects.filter(
        case__inspection=data.live, assessor=data.officer, status=AssessmentStatus.DRAFT
    ).first()
    data.moderated_case = Case.objects.filter(inspection=data.live, assessments__marking=Marking.FINAL).first()
    data.first_question_code = data.live.framework.questions.order_by("area__order", "order").first().code
    data.plan = ImprovementPlan.objects.get(inspection__service=first)
    data.meeting = Meeting.objects.filter(board__service=first).first()
    from cases.models import Answer

    data.counts = {
        "services": Service.objects.count(),
        "inspections": Inspection.objects.count(),
        "cases": Case.objects.count(),
        "assessments": Assessment.objects.count(),
        "answers": Answer.objects.count(),
        "questions": data.live.framework.questions.count(),
    }
    return data


def _cases_by_inspection():
    current, pks = None, []
    for inspection_pk, case_pk in Case.objects.order_by("inspection_id", "reference").values_list(
        "inspection_id", "pk"
    ):
        if inspection_pk != current:
            if current is not None:
                yield current, pks
            current, pks = inspection_pk, []
        pks.append(case_pk)
    if current is not None:
        yield current, pks


def _pk_range(model):
    from django.db.models import Max, Min

    figures = model.objects.aggregate(first=Min("pk"), last=Max("pk"))
    return figures["first"], figures["last"]
