"""Single sign-on through the council's OpenID Connect provider: a real provider on the loopback
(oidc-provider-mock). Only known or invited people come in; roles come from memberships."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from inspections.models import Invitation, Membership, Role
from tests.factories import PASSWORD
from tests.pages import unmarked
from tests.single_sign_on import council_person, oidc_provider, point_at, sign_in_through_the_provider

__all__ = ["oidc_provider"]

pytestmark = pytest.mark.django_db


def invite(service, manager, email, *, days=7):
    return Invitation.objects.create(
        service=service,
        email=email,
        role=Role.BOARD_MEMBER,
        invited_by=manager,
        token_hash=email.ljust(64, "0")[:64],
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def test_sign_in_is_off_unless_configured(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with" not in page


def test_an_existing_account_signs_in_through_the_provider_by_its_verified_email(
    client, settings, oidc_provider, officer
):
    point_at(settings, oidc_provider)
    assert "Sign in with Northshire Council account" in client.get(reverse("account_login")).content.decode()
    council_person(oidc_provider, "olivia-at-council", email=officer.email.upper(), email_verified=True, name="Olivia")
    response = sign_in_through_the_provider(client, oidc_provider, "olivia-at-council")
    assert response.status_code == 302, response.content.decode()
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get("/").status_code == 200
    # Her role is still the one her membership gives: the provider's claims change nothing.
    assert list(Membership.objects.filter(user=officer).values_list("role", flat=True)) == [Role.OFFICER]


def test_an_invited_person_gets_an_account_in_the_invited_role(client, settings, oidc_provider, service, manager):
    point_at(settings, oidc_provider)
    invitation = invite(service, manager, "nadia.newcomer@example.invalid")
    council_person(oidc_provider, "nadia", email="nadia.newcomer@example.invalid", email_verified=True, role="admin")
    response = sign_in_through_the_provider(client, oidc_provider, "nadia")
    assert response.status_code == 302, response.content.decode()
    user = get_user_model().objects.get(email="nadia.newcomer@example.invalid")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert [(m.service, m.role) for m in Membership.objects.filter(user=user)] == [(service, Role.BOARD_MEMBER)]
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert not user.has_usable_password()
    assert "you sign in through your council" in client.get(reverse("account")).content.decode()


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"email": "stranger@example.invalid", "email_verified": True}, "There is no YOS Audit account for"),
        ({"email": "olivia@example.invalid", "email_verified": False}, "email address is not verified"),
        ({"email": "olivia@example.invalid"}, "email address is not verified"),
    ],
)
def test_unknown_or_unverified_emails_are_refused_with_a_reason(client, settings, oidc_provider, officer, claims, why):
    point_at(settings, oidc_provider)
    council_person(oidc_provider, "someone", **claims)
    response = sign_in_through_the_provider(client, oidc_provider, "someone")
    assert response.status_code == 403
    assert why in unmarked(response.content.decode())
    assert "_auth_user_id" not in client.session


def test_an_expired_invitation_is_refused_with_a_reason(client, settings, oidc_provider, service, manager):
    point_at(settings, oidc_provider)
    invite(service, manager, "late@example.invalid", days=-1)
    council_person(oidc_provider, "late", email="late@example.invalid", email_verified=True)
    response = sign_in_through_the_provider(client, oidc_provider, "late")
    assert response.status_code == 403
    assert "Your invitation to YOS Audit has expired" in unmarked(response.content.decode())
    assert not get_user_model().objects.filter(email="late@example.invalid").exists()


def test_a_provider_that_is_not_the_configured_issuer_is_refused(client, settings, oidc_provider, officer):
    point_at(settings, oidc_provider, issuer="https://login.microsoftonline.com/some-tenant/v2.0")
    council_person(oidc_provider, "olivia-at-council", email=officer.email, email_verified=True)
    response = sign_in_through_the_provider(client, oidc_provider, "olivia-at-council")
    assert response.status_code == 403
    assert "not set up to trust" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_service_that_requires_single_sign_on_refuses_its_staff_s_passwords(
    client, settings, oidc_provider, officer, service
):
    point_at(settings, oidc_provider)
    service.require_single_sign_on = True
    service.save()
    refused = client.post(reverse("account_login"), {"login": officer.username, "password": PASSWORD})
    assert refused.status_code == 200
    assert "signs its staff in through Northshire Council account" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    council_person(oidc_provider, "olivia-at-council", email=officer.email, email_verified=True)
    assert sign_in_through_the_provider(client, oidc_provider, "olivia-at-council").status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


@pytest.mark.parametrize(("enforces_mfa", "inspections_page"), [(False, 302), (True, 200)])
def test_the_provider_counts_as_two_factors_only_when_the_setting_says_so(
    client, settings, oidc_provider, inspector, enforces_mfa, inspections_page
):
    point_at(settings, oidc_provider, enforces_mfa=enforces_mfa)
    settings.REQUIRE_TWO_FACTOR_FOR = ["inspectors"]
    council_person(oidc_provider, "imran-at-council", email=inspector.email, email_verified=True)
    sign_in_through_the_provider(client, oidc_provider, "imran-at-council")
    assert client.session["_auth_user_id"] == str(inspector.pk)
    assert client.get("/inspections/").status_code == inspections_page
