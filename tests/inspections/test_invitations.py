"""Invitations: a manager invites by email to a role in their service; expiry, withdrawal, the record."""

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from inspections.models import Invitation, Membership, Role
from tests.factories import member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-password-2026"


def invite(client, manager, email="newcomer@example.invalid", role=Role.OFFICER):
    client.force_login(manager)
    return client.post(reverse("inspections:invitation_create"), {"email": email, "role": role})


def link_in(mail):
    return re.search(r"http://testserver(/account/invitation/[^/\s]+/)", mail.body).group(1)


def test_a_manager_invites_someone_by_email_and_sees_it_waiting(client, manager, service, mailoutbox):
    client.force_login(manager)
    form = client.get(reverse("inspections:invitation_create"))
    assert form.status_code == 200
    assert "Inspector" not in form.content.decode()  # managers do not hand out the inspector role

    response = invite(client, manager)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.service, invitation.role, invitation.invited_by) == (service, Role.OFFICER, manager)
    assert [m.to for m in mailoutbox] == [["newcomer@example.invalid"]]
    token = link_in(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash  # only a hash is kept
    page = client.get(reverse("inspections:invitation_list")).content.decode()
    assert "newcomer@example.invalid" in page and "Waiting" in page


def test_a_new_person_accepts_makes_an_account_and_joins_the_service(client, manager, service, mailoutbox):
    invite(client, manager)
    link = link_in(mailoutbox[0])
    client.logout()
    opened = client.get(link)
    assert opened.status_code == 200
    assert "Create your account" in opened.content.decode()
    assert not Membership.objects.filter(role=Role.OFFICER).exists()  # opening the link changes nothing

    weak = client.post(
        link,
        {
            "username": "nadia",
            "first_name": "Nadia",
            "last_name": "Newcomer",
            "password1": "password1234",
            "password2": "password1234",
        },
    )
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    assert not get_user_model().objects.filter(username="nadia").exists()  # nothing half-saved

    done = client.post(
        link,
        {
            "username": "nadia",
            "first_name": "Nadia",
            "last_name": "Newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    nadia = get_user_model().objects.get(username="nadia")
    assert nadia.email == "newcomer@example.invalid"
    assert Membership.objects.get(user=nadia).role == Role.OFFICER
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == nadia and invitation.accepted_at is not None
    assert client.get("/").status_code == 200  # signed in
    assert (
        "Accepted"
        in (client.force_login(manager) or client.get(reverse("inspections:invitation_list"))).content.decode()
    )

    client.logout()
    again = client.get(link)
    assert again.status_code == 400 and "already been accepted" in again.content.decode()


def test_someone_with_an_account_signs_in_then_accepts(client, manager, service, other_service, mailoutbox):
    existing = member(other_service, Role.MANAGER, username="evan", email="evan@example.invalid")
    invite(client, manager, email="Evan@example.invalid", role=Role.BOARD_MEMBER)
    link = link_in(mailoutbox[0])
    client.logout()
    assert "Sign in" in client.get(link).content.decode()
    assert client.post(link, {"username": "x"}).status_code == 200
    assert not Membership.objects.filter(service=service, user=existing).exists()

    intruder = member(other_service, Role.OFFICER, username="ivy", email="ivy@example.invalid")
    client.force_login(intruder)
    refused = client.post(link)
    assert refused.status_code == 400 and "another email address" in refused.content.decode()

    client.force_login(existing)
    assert client.post(link).status_code == 302
    assert Membership.objects.get(service=service, user=existing).role == Role.BOARD_MEMBER


def test_an_expired_invitation_is_refused_with_a_reason(client, manager, mailoutbox):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as traveller:
        invite(client, manager)
        link = link_in(mailoutbox[0])
        client.logout()
        traveller.shift(8 * 24 * 60 * 60)
        expired = client.get(link)
        assert expired.status_code == 400
        assert "This invitation has expired" in expired.content.decode()
        client.force_login(manager)
        assert "Expired" in client.get(reverse("inspections:invitation_list")).content.decode()


def test_a_withdrawn_invitation_is_refused_and_stays_on_record(client, manager, mailoutbox):
    invite(client, manager)
    invitation = Invitation.objects.get()
    withdrawn = client.post(reverse("inspections:invitation_withdraw", args=[invitation.pk]))
    assert withdrawn.status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_by == manager and invitation.withdrawn_at is not None
    assert invitation.history.count() == 2  # created, withdrawn
    assert "Withdrawn" in client.get(reverse("inspections:invitation_list")).content.decode()
    client.logout()
    refused = client.get(link_in(mailoutbox[0]))
    assert refused.status_code == 400 and "withdrawn" in refused.content.decode()
    # A second withdrawal says why it cannot happen.
    client.force_login(manager)
    page = client.post(reverse("inspections:invitation_withdraw", args=[invitation.pk]), follow=True)
    assert "cannot be withdrawn" in page.content.decode()


def test_an_invitation_waiting_or_a_member_already_there_is_not_invited_twice(client, manager, officer, mailoutbox):
    invite(client, manager)
    twice = invite(client, manager, email="NEWCOMER@example.invalid")
    assert twice.status_code == 200 and "already has an invitation waiting" in twice.content.decode()
    member_already = invite(client, manager, email=officer.email)
    assert "already in" in member_already.content.decode()
    inspector_role = invite(client, manager, email="insp@example.invalid", role=Role.INSPECTOR)
    assert inspector_role.status_code == 200
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1


def test_a_manager_of_another_service_cannot_withdraw(client, manager, other_service):
    invite(client, manager)
    invitation = Invitation.objects.get()
    client.force_login(member(other_service, Role.MANAGER, username="mo"))
    assert client.post(reverse("inspections:invitation_withdraw", args=[invitation.pk])).status_code == 404
    assert client.get(reverse("inspections:invitation_list")).status_code == 200
    assert "newcomer@example.invalid" not in client.get(reverse("inspections:invitation_list")).content.decode()


def test_the_invitation_link_is_the_second_channel_for_setting_up_two_factor(client, manager, service, settings):
    from inspections.invitations.services import invitation_create

    links = []
    invitation_create(
        service=service,
        email="newcomer@example.invalid",
        role=Role.OFFICER,
        invited_by=manager,
        accept_url=lambda token: links.append(reverse("invitation_accept", kwargs={"token": token})) or "x",
    )
    settings.REQUIRE_TWO_FACTOR_FOR = ["everyone"]
    client.post(
        links[0],
        {
            "username": "nadia",
            "first_name": "Nadia",
            "last_name": "Newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert client.get("/").status_code == 302  # two factors needed before anything else
    setup = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "two-factor-secret" in setup  # straight to the QR code, no extra emailed link


def test_the_list_page_query_count_is_flat(client, manager, service, django_assert_max_num_queries):
    client.force_login(manager)
    from django.utils import timezone

    def add(n):
        for i in range(n):
            Invitation.objects.create(
                service=service,
                email=f"p{i}-{n}@example.invalid",
                role=Role.OFFICER,
                invited_by=manager,
                token_hash=f"{n}-{i}-".ljust(64, "0"),
                expires_at=timezone.now(),
            )

    add(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inspections:invitation_list"))
    add(30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("inspections:invitation_list")).status_code == 200
    assert len(many) == len(few)
