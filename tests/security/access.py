"""The world the access test runs in: the same objects in two services, and how each URL gets its arguments.

Each role (officer, manager, board member, inspector, lead inspector) is a member of the own service only.
Every object a URL needs is built in both services: the own service's copy and another service's copy.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.programme.periods import month_of
from cases.programme.services import audit_template_create, programme_audit_create
from improvement.models import Evidence, Term
from inspections.models import Finding, InspectionStatus, Invitation, Recommendation, Role
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    BoardFactory,
    CaseFactory,
    FrameworkFactory,
    InspectionFactory,
    MeetingFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ThemeFactory,
    member,
)

ROLES = ["officer", "manager", "board", "inspector", "lead"]
SIGNED_OUT = "anon"
OTHER_SERVICE = "other"
LOGIN = "login"  # expected: a redirect to the sign-in page
NEVER_ALLOWED = ["PUT", "PATCH", "DELETE"]

# URL names the generated test leaves out, with the reason.
EXCLUDED = {
    # The admin is Django's own, reached only by staff (is_staff), with its own permission checks.
    # Static files are served by whitenoise before any URL pattern.
}


def url_names():
    """Every named URL pattern outside the admin: {name: pattern}."""
    found = {}

    def walk(resolver, prefix="", namespace=None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = prefix + str(pattern.pattern)

    walk(get_resolver())
    return found


@dataclass
class ServiceWorld:
    service: object
    people: dict
    objects: dict


def build_service(service, prefix, framework, private_root):
    people = {
        "officer": member(service, Role.OFFICER, username=f"{prefix}-officer"),
        "manager": member(service, Role.MANAGER, username=f"{prefix}-manager"),
        "board": member(service, Role.BOARD_MEMBER, username=f"{prefix}-board"),
        "inspector": member(service, Role.INSPECTOR, username=f"{prefix}-inspector"),
        "lead": member(service, Role.INSPECTOR, username=f"{prefix}-lead"),
    }
    inspection = InspectionFactory(
        service=service, framework=framework, status=InspectionStatus.SCORING, lead_inspector=people["lead"]
    )
    case = CaseFactory(inspection=inspection, in_sample=True)
    spare = CaseFactory(inspection=inspection, in_sample=False)
    assessment = AssessmentFactory(case=case, assessor=people["officer"])
    published = InspectionFactory(
        service=service,
        framework=framework,
        status=InspectionStatus.PUBLISHED,
        kind="hmip_inspection",
        published_on=datetime.date(2025, 6, 8),
        lead_inspector=people["lead"],
    )
    plan = PlanFactory(inspection=published)
    theme = ThemeFactory(plan=plan)
    action = ActionFactory(theme=theme, owner=people["officer"], partner_name="", partner_agency="", partner_email="")
    update = ProgressUpdateFactory(action=action, author=people["manager"])
    (private_root / "evidence").mkdir(parents=True, exist_ok=True)
    stored_name = f"{prefix}evidence".ljust(40, "0")
    (private_root / "evidence" / stored_name).write_bytes(b"%PDF-1.4\n%%EOF\n")
    evidence = Evidence.objects.create(
        update=update,
        original_name="minutes.pdf",
        stored_name=stored_name,
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=people["manager"],
    )
    template = audit_template_create(
        service=service,
        by=people["manager"],
        name="Monthly case audits",
        framework=framework,
        rhythm="monthly",
        starts_on=datetime.date(2026, 1, 1),
        sample_rule="per_case_manager",
        sample_number=2,
    )
    programme_audit, _ = programme_audit_create(
        template=template,
        period=month_of(datetime.date(2026, 3, 1)),
        by=people["manager"],
    )
    held = _held_case(inspection, people)
    board = BoardFactory(service=service)
    board.members.set([people["board"]])
    meeting = MeetingFactory(board=board)
    objects = {
        "inspection": inspection,
        "published": published,
        "case": case,
        "spare": spare,
        "assessment": assessment,
        "finding": Finding.objects.create(inspection=inspection, text="A finding"),
        "recommendation": Recommendation.objects.create(inspection=inspection, text="A recommendation"),
        "plan": plan,
        "theme": theme,
        "action": action,
        "evidence": evidence,
        "board": board,
        "meeting": meeting,
        **held,
        "term": Term.objects.create(
            service=service, term=f"ZZ{prefix}", meaning="A test term", definition="For the access test"
        ),
        "audit_template": template,
        "programme_audit": programme_audit,
        "invitation": Invitation.objects.create(
            service=service,
            email=f"{prefix}-invited@example.invalid",
            role=Role.OFFICER,
            invited_by=people["manager"],
            token_hash=prefix.ljust(64, "0"),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
    }
    return ServiceWorld(service, people, objects)


def _held_case(inspection, people):
    """Issue 14: a case the officer holds, its first marking (by the lead) submitted and final, feedback
    with a case action for the officer, a re-audit by the inspector and a concern raised by the lead."""
    from django.utils import timezone

    from cases.models import CaseAction, Feedback, ReAudit, SafeguardingConcern

    held_case = CaseFactory(inspection=inspection, in_sample=True, case_manager=people["officer"])
    AssessmentFactory(case=held_case, assessor=people["lead"], status="submitted")
    now = timezone.now()
    feedback = Feedback.objects.create(
        case=held_case, case_holder=people["officer"], written_by=people["manager"], given_at=now, done_well="Good"
    )
    case_action = CaseAction.objects.create(
        feedback=feedback,
        text="Review the plan",
        due_on=now.date(),
        owner=people["officer"],
        created_by=people["manager"],
    )
    re_audit = ReAudit.objects.create(case=held_case, assessor=people["inspector"], marked_by=people["manager"])
    concern = SafeguardingConcern.objects.create(
        case=held_case,
        service=inspection.service,
        case_reference=held_case.reference,
        raised_by=people["lead"],
        raised_at=now,
        acknowledge_by=now,
        found="Found",
        why_now="Now",
        recommended="Act",
    )
    return {
        "held_case": held_case,
        "feedback": feedback,
        "case_action": case_action,
        "re_audit": re_audit,
        "concern": concern,
    }


# How each kind of URL gets its arguments from a service's objects (None: the URL takes no object of a
# service, so there is no "another service" case).
def _kwargs(objects, builder, name):
    o = objects
    return {
        "inspection": lambda: {"pk": o["inspection"].pk},
        "inspection_item": lambda: {"pk": o["inspection"].pk, "item_pk": o[name.split(":")[-1].split("_")[0]].pk},
        "inspection_case": lambda: {"pk": o["inspection"].pk, "case_pk": o["case"].pk},
        "inspection_spare_case": lambda: {"pk": o["inspection"].pk, "case_pk": o["spare"].pk},
        "inspection_export": lambda: {"pk": o["inspection"].pk, "kind": "summary", "fmt": "csv"},
        "published_inspection": lambda: {"inspection_pk": o["published"].pk},
        "case": lambda: {"pk": o["case"].pk},
        "assessment": lambda: {"pk": o["assessment"].pk},
        "plan": lambda: {"pk": o["plan"].pk},
        "plan_meeting": lambda: {"pk": o["plan"].pk, "meeting_pk": o["meeting"].pk},
        "theme": lambda: {"pk": o["theme"].pk},
        "action": lambda: {"pk": o["action"].pk},
        "evidence": lambda: {"pk": o["evidence"].pk},
        "board": lambda: {"pk": o["board"].pk},
        "held_case": lambda: {"pk": o["held_case"].pk},
        "feedback": lambda: {"pk": o["feedback"].pk},
        "case_action": lambda: {"pk": o["case_action"].pk},
        "re_audit": lambda: {"pk": o["re_audit"].pk},
        "concern": lambda: {"pk": o["concern"].pk},
        "term": lambda: {"pk": o["term"].pk},
        "audit_template": lambda: {"pk": o["audit_template"].pk},
        "programme_audit": lambda: {"pk": o["programme_audit"].pk},
        "invitation": lambda: {"pk": o["invitation"].pk},
    }[builder]()


SHARED_BUILDERS = {
    "none": lambda world: {},
    "framework": lambda world: {"pk": world["framework"].pk},
    "password_reset_link": lambda world: {"uidb36": "1", "key": "not-a-real-key"},
    "missing_key": lambda world: {"pk": 999999},
    "sso_provider": lambda world: {"provider_id": "council"},
    "token_link": lambda world: {"token": "not-a-real-token"},
}


def build_world(other_service, service, private_root):
    framework = FrameworkFactory()
    return {
        "own": build_service(service, "own", framework, private_root),
        "other": build_service(other_service, "oth", framework, private_root),
        "framework": framework,
    }


def urls_for(world, name, builder):
    """(own service's URL, another service's URL or None)."""
    if builder in SHARED_BUILDERS:
        return reverse(name, kwargs=SHARED_BUILDERS[builder](world)), None
    own = reverse(name, kwargs=_kwargs(world["own"].objects, builder, name))
    other = reverse(name, kwargs=_kwargs(world["other"].objects, builder, name))
    return own, other


def observe(client, method, url, user):
    """The response status (LOGIN for a redirect to sign-in), with every change rolled back."""
    with transaction.atomic():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")) and user is None:
        return LOGIN
    return response.status_code


def guess_builder(pattern):
    """A first guess at the builder for a new URL, from its path (check it when adding the entry)."""
    if "<" not in pattern and "(?P<" not in pattern:
        return "none"
    guesses = [
        ("password-reset/key/", "password_reset_link"),
        ("two-factor/keys/<int:pk>", "missing_key"),
        ("<str:token>", "token_link"),
        ("<str:provider_id>", "sso_provider"),
        ("inspections/<int:pk>/export/", "inspection_export"),
        ("<int:item_pk>", "inspection_item"),
        ("<int:case_pk>", "inspection_case"),
        ("<int:meeting_pk>", "plan_meeting"),
        ("<int:inspection_pk>", "published_inspection"),
        ("inspections/<int:pk>", "inspection"),
        ("assessments/", "assessment"),
        ("cases/<int:pk>/feedback", "held_case"),
        ("cases/<int:pk>/case-holder", "held_case"),
        ("cases/<int:pk>/re-audit", "held_case"),
        ("feedback/<int:pk>", "feedback"),
        ("case-actions/", "case_action"),
        ("re-audits/", "re_audit"),
        ("concerns/<int:pk>", "concern"),
        ("cases/", "case"),
        ("plans/", "plan"),
        ("themes/", "theme"),
        ("actions/", "action"),
        ("evidence/", "evidence"),
        ("boards/", "board"),
        ("programme/audits/<int:pk>", "audit_template"),
        ("programme/periods/<int:pk>", "programme_audit"),
        ("glossary/", "term"),
        ("frameworks/", "framework"),
    ]
    return next((builder for fragment, builder in guesses if fragment in pattern), "none")
