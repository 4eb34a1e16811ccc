"""Signing in and out, each role's home page, the switcher, health, and the error pages."""

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseAction, Feedback, ReAudit
from inspections.models import Role
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    InspectionFactory,
    MembershipFactory,
    PlanFactory,
    PublishedInspectionFactory,
)

pytestmark = pytest.mark.django_db


def sign_in(client, user, password):
    return client.post(reverse("account_login"), {"login": user.username, "password": password}, follow=True)


def test_sign_in_shows_the_home_page_and_sign_out_ends_the_session(client, officer, password):
    response = sign_in(client, officer, password)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "My cases" in response.content.decode()
    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_says_so_and_keeps_the_username(client, officer):
    response = client.post(reverse("account_login"), {"login": officer.username, "password": "wrong-password"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f'value="{officer.username}"' in page


def test_pages_need_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("role", "heading", "navigation"),
    [
        (Role.OFFICER, "My cases", ["My cases"]),
        (Role.MANAGER, "Inspections and audits", ["Home", "Inspections"]),
        (Role.BOARD_MEMBER, "can read the service", ["Home"]),
        (Role.INSPECTOR, "Inspections in your services", ["Home", "Inspections"]),
    ],
)
def test_each_role_has_its_own_home_page(client, service, role, heading, navigation):
    membership = MembershipFactory(service=service, role=role)
    client.force_login(membership.user)
    page = client.get(reverse("home")).content.decode()
    assert heading in page
    assert service.name in page
    for label in navigation:
        assert f">{label}</a>" in page


def test_home_page_query_count_does_not_grow_with_inspections(client, manager, service, django_assert_num_queries):
    client.force_login(manager)
    InspectionFactory(service=service)
    # Session, person, the service's recurring audits (overdue audits), overdue case actions, open
    # concerns (the cases the manager is marking blind only when someone else raised one: none here),
    # the inspections with their counts, the improvement plans.
    with django_assert_num_queries(7):
        client.get(reverse("home"))
    InspectionFactory.create_batch(10, service=service)
    with django_assert_num_queries(7):
        client.get(reverse("home"))


def _assigned_case(officer, manager, inspection, with_feedback):
    case = CaseFactory(inspection=inspection)
    AssessmentFactory(case=case, assessor=officer)
    ReAudit.objects.create(case=CaseFactory(inspection=inspection), assessor=officer, marked_by=manager)
    if with_feedback:
        feedback = Feedback.objects.create(case=case, case_holder=officer, written_by=manager, given_at=timezone.now())
        CaseAction.objects.create(
            feedback=feedback, text="Update the plan", due_on=timezone.localdate(), owner=officer, created_by=manager
        )


def test_the_officers_home_page_query_count_does_not_grow_with_cases(
    client, officer, manager, service, django_assert_max_num_queries
):
    inspection = InspectionFactory(service=service)
    _assigned_case(officer, manager, inspection, with_feedback=True)
    client.force_login(officer)
    # Session, person, the assigned cases, the feedback's counts, the re-audits.
    with django_assert_max_num_queries(5) as few:
        page = client.get(reverse("home")).content.decode()
    assert "1 to acknowledge, 1 case action to do" in page
    for _ in range(5):
        _assigned_case(officer, manager, InspectionFactory(service=service), with_feedback=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("home")).content.decode()
    assert "6 to acknowledge, 6 case actions to do" in page
    assert page.count('href="/assessments/') == 6


def test_the_board_members_home_page_query_count_does_not_grow_with_plans(
    client, board_member, service, django_assert_max_num_queries
):
    PlanFactory(inspection=PublishedInspectionFactory(service=service))
    client.force_login(board_member)
    # Session, person, the latest issued board report, the improvement plans, the published inspections.
    with django_assert_max_num_queries(5) as few:
        client.get(reverse("home"))
    for _ in range(4):
        PlanFactory(inspection=PublishedInspectionFactory(service=service))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("home")).content.decode()
    assert page.count("Improvement plan: ") == 5


def test_someone_in_no_service_is_told_so(client, outsider):
    client.force_login(outsider)
    assert "You are not in a service yet" in client.get(reverse("home")).content.decode()


def test_the_service_switcher_changes_the_current_service(client, service, other_service):
    person = MembershipFactory(service=service, role=Role.INSPECTOR).user
    MembershipFactory(user=person, service=other_service, role=Role.INSPECTOR)
    client.force_login(person)
    page = client.get(reverse("home")).content.decode()
    assert 'id="service-switcher"' in page
    response = client.post(reverse("switch_service"), {"service": other_service.pk, "next": "/"}, follow=True)
    assert f'<option value="{other_service.pk}" selected>' in response.content.decode()


def test_the_switcher_is_absent_for_people_in_one_service_and_refuses_other_services(client, officer, other_service):
    client.force_login(officer)
    assert 'id="service-switcher"' not in client.get(reverse("home")).content.decode()
    response = client.post(reverse("switch_service"), {"service": other_service.pk})
    assert response.status_code == 400


def test_switching_ignores_a_next_address_on_another_site(client, officer, service):
    client.force_login(officer)
    response = client.post(reverse("switch_service"), {"service": service.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_healthz_answers_200_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_without_the_database(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("yos_audit.views.connection.cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_unknown_page_is_a_designed_404(client, officer):
    client.force_login(officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-footer" in response.content.decode()


def test_an_error_is_a_designed_500_without_detail(client, officer, monkeypatch, settings):
    client.raise_request_exception = False
    client.force_login(officer)

    def explode(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("yos_audit.home_pages.officer_home", explode)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "secret internals" not in response.content.decode()


def test_a_database_outage_is_a_designed_503(client, officer, monkeypatch):
    client.raise_request_exception = False
    client.force_login(officer)

    def unreachable(request):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("yos_audit.home_pages.officer_home", unreachable)
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()


@pytest.mark.parametrize("url_name", ["accessibility", "cookies", "account_login", "account_reset_password"])
def test_public_pages_open_without_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "govuk-footer" in response.content.decode()


def test_password_reset_sends_a_link_by_email(client, officer, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": officer.email})
    assert len(mailoutbox) == 1
    assert "/account/password-reset/" in mailoutbox[0].body


def test_security_headers_are_sent(client):
    response = client.get(reverse("account_login"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_passwords_are_hashed_with_argon2(officer):
    assert officer.password.startswith("argon2")


def test_the_floor_page_reads_the_session_and_the_person_with_their_memberships_only(
    client, officer, django_assert_num_queries
):
    """The floor of every page (docs/performance.md): the session, then the person with their
    memberships in one query; the session is written only when the idle clock moves."""
    MembershipFactory(user=officer, role=Role.MANAGER)  # a second service: still one query
    client.force_login(officer)
    client.get(reverse("accessibility"))
    with django_assert_num_queries(2):
        page = client.get(reverse("accessibility")).content.decode()
    assert 'id="service-switcher"' in page


def test_a_person_in_no_service_is_read_in_one_query_too(client, outsider, django_assert_num_queries):
    client.force_login(outsider)
    client.get(reverse("accessibility"))
    with django_assert_num_queries(2):
        page = client.get(reverse("accessibility")).content.decode()
    assert 'id="service-switcher"' not in page
    outsider.is_active = False
    outsider.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_person_is_read_once_with_each_membership_and_its_service(officer, service, django_assert_num_queries):
    """An inspector of 150 services is one person, not 150 copies: every membership carries the
    same person and its own service, all from one query."""
    from inspections.sign_in import MembershipBackend

    MembershipFactory(user=officer, role=Role.MANAGER)
    with django_assert_num_queries(1):
        user = MembershipBackend().get_user(officer.pk)
        read = [(m.service.name, m.service_id, m.role, m.user) for m in user.loaded_memberships]
    assert user == officer and user.username == officer.username and user.password == officer.password
    assert [name for name, *_ in read] == sorted(m.service.name for m in officer.memberships.all())
    assert (service.name, service.pk, Role.OFFICER, user) in read
    assert all(person is user for *_, person in read)
    assert not user._state.adding
    assert all(not m._state.adding and not m.service._state.adding for m in user.loaded_memberships)


def test_memberships_and_services_read_are_the_objects_the_orm_makes(officer, service):
    """inspections.sign_in makes them without Model.__init__: the same fields, values and state."""
    from django.db.models import Model

    from inspections.models import Membership, Service
    from inspections.sign_in import MembershipBackend

    def fields(instance):
        return {name: value for name, value in vars(instance).items() if name != "_state"}

    for loaded in MembershipBackend().get_user(officer.pk).loaded_memberships:
        for made, model in ((loaded, Membership), (loaded.service, Service)):
            orm = model.objects.get(pk=made.pk)
            assert type(made) is model and isinstance(made, Model)
            assert fields(made) == fields(orm)
            assert (made._state.adding, made._state.db) == (orm._state.adding, orm._state.db)
            assert made == orm and hash(made) == hash(orm)
    assert loaded.service is loaded.service and loaded.user.pk == officer.pk


def test_a_renamed_service_or_a_changed_role_shows_on_the_next_request(client, officer, service):
    MembershipFactory(user=officer, role=Role.MANAGER)
    client.force_login(officer)
    assert "Northshire Youth Justice Service (Officer)" in client.get(reverse("accessibility")).content.decode()
    service.name = "Northshire & Westdale <YJS>"
    service.save()
    officer.memberships.filter(service=service).update(role=Role.BOARD_MEMBER)
    page = client.get(reverse("accessibility")).content.decode()
    assert "Northshire &amp; Westdale &lt;YJS&gt; (Board member)" in page
    assert "Northshire Youth Justice Service" not in page


def test_a_person_switched_off_or_removed_from_a_service_loses_it_on_the_next_request(client, officer, service):
    MembershipFactory(user=officer, role=Role.OFFICER)
    client.force_login(officer)
    assert service.name in client.get(reverse("accessibility")).content.decode()
    officer.memberships.filter(service=service).delete()
    client.get(reverse("home"))
    assert service.name not in client.get(reverse("accessibility")).content.decode()
    officer.is_active = False
    officer.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
