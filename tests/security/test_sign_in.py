"""Sign-in: throttling (django-axes), password rules, the idle-session limit, two-factor codes
(django-allauth's MFA), recovery codes, and the first factor only through a second channel."""

import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from inspections.models import Role
from tests.factories import PASSWORD, member

LOGIN = "/account/sign-in/"


def sign_in(client, username, password):
    return client.post(LOGIN, {"login": username, "password": password})


def code_for_secret(secret, at=None):
    """The code an authenticator app given the base32 `secret` shows now."""
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def app_for(user):
    """Give `user` an authenticator app; its base32 secret, to make codes with."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def wrong_code_for(secret):
    return "123456" if code_for_secret(secret) != "123456" else "654321"


def confirm_password(client, password=PASSWORD):
    """allauth asks for the password again before a factor is added or removed."""
    return client.post(reverse("account_reauthenticate"), {"password": password})


# Throttling --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_and_then_the_right_password_fails_too(client, officer):
    for _ in range(4):
        response = sign_in(client, "olivia", "wrong-password-1")
        assert response.status_code == 200
        assert "Too many attempts" not in response.content.decode()
    fifth = sign_in(client, "olivia", "wrong-password-1")
    sixth = sign_in(client, "olivia", "wrong-password-1")
    for locked in (fifth, sixth):
        assert locked.status_code == 429
        assert "Too many attempts to sign in" in locked.content.decode()
    right = sign_in(client, "olivia", PASSWORD)
    assert right.status_code == 429
    assert "Too many attempts to sign in" in right.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_right_password_signs_in_before_the_limit(client, officer):
    for _ in range(3):
        sign_in(client, "olivia", "wrong-password-1")
    response = sign_in(client, "olivia", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


# Password rules -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, why",
    [
        ("short-pw-1", "too short"),
        ("password1234", "too common"),
        ("839201746512", "entirely numeric"),
        ("olivia-example", "too similar"),
    ],
)
def test_weak_passwords_are_refused(officer, password, why):
    officer.username = "olivia-example"
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=officer)
    assert why in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_changing_to_a_weak_password_is_refused_on_the_page(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "password1234", "password2": "password1234"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


# Idle sessions --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_idle_for_more_than_30_minutes_ends_with_a_page_saying_so(client, officer):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as traveller:
        sign_in(client, "olivia", PASSWORD)
        assert client.get("/").status_code == 200
        traveller.shift(29 * 60)
        assert client.get("/").status_code == 200  # activity restarts the clock
        traveller.shift(29 * 60)
        assert client.get("/inspections/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/inspections/")
    assert response.status_code == 302
    assert response.url == reverse("session_expired") + "?next=%2Finspections%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "signed you out after 30 minutes of inactivity" in page
    assert "Anything you had not saved was not kept" in page
    assert 'href="/account/sign-in/?next=/inspections/"' in page or "next=%2Finspections%2F" in page


@pytest.mark.django_db
def test_a_form_posted_after_the_idle_limit_is_not_kept(client, manager, service):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as traveller:
        sign_in(client, "marcus", PASSWORD)
        client.get("/")
        traveller.shift(31 * 60)
        response = client.post("/glossary/new/", {"term": "ZQX", "meaning": "Made up", "definition": "x"})
    assert response.status_code == 302
    assert response.url == reverse("session_expired")
    from improvement.models import Term

    assert not Term.objects.filter(term="ZQX").exists()


@pytest.mark.django_db
def test_the_idle_clock_is_written_at_most_every_15_seconds_and_never_signs_out_late(client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/accessibility/").status_code == 200
        return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]

    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as traveller:
        sign_in(client, "olivia", PASSWORD)
        session_writes()
        traveller.shift(10)
        assert session_writes() == []  # 10 seconds on: nothing written
        traveller.shift(10)
        assert len(session_writes()) == 1  # 20 seconds after the last write: the clock moves
        traveller.shift(14)
        assert session_writes() == []  # not written: the stored clock is now 14 seconds behind
        traveller.shift(30 * 60 - 14 + 1)  # 30 minutes and a second after the last written request
        response = client.get("/inspections/")
    assert response.status_code == 302 and response.url.startswith(reverse("session_expired"))


def test_signed_in_pages_load_the_warning_script_from_a_file(client, officer):
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert 'data-session-timeout="1800"' in page
    assert "js/session-timeout.mjs" in page
    assert "<dialog" in page and "Stay signed in" in page
    assert reverse("stay_signed_in") in page


def test_stay_signed_in_resets_the_idle_clock_without_leaving_the_page(client, officer):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as traveller:
        client.force_login(officer)
        client.get("/")
        traveller.shift(26 * 60)
        response = client.post(reverse("stay_signed_in"), headers={"X-Requested-With": "fetch"})
        assert response.status_code == 204
        traveller.shift(26 * 60)  # 52 minutes after the page, 26 after "stay signed in"
        assert client.get("/").status_code == 200
        without_script = client.post(reverse("stay_signed_in"), {"next": "/glossary/"})
        assert without_script.url == "/glossary/"
        elsewhere = client.post(reverse("stay_signed_in"), {"next": "https://evil.example/"})
        assert elsewhere.url == "/"


# Two-factor sign-in ---------------------------------------------------------------------------


def secret_on(page):
    html = page.content.decode()
    return html.split('id="two-factor-secret">', 1)[1].split("<", 1)[0].strip()


# allauth sends its emails once the transaction commits: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_anyone_can_set_up_an_authenticator_app_from_their_account_page_and_gets_recovery_codes(
    client, officer, mailoutbox
):
    sign_in(client, "olivia", PASSWORD)
    account = client.get(reverse("account")).content.decode()
    assert "Authenticator app" in account and reverse("mfa_activate_totp") in account

    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.url.startswith(reverse("account_reauthenticate"))  # the password again first
    assert confirm_password(client).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'alt="QR code to scan with your authenticator app"' in html
    assert not Authenticator.objects.exists()  # opening the page creates nothing
    # Each opening shows a new secret, kept in the session (not the database) until a code confirms it.
    secret = secret_on(client.get(reverse("mfa_activate_totp")))
    assert secret != secret_on(page) and not Authenticator.objects.exists()

    wrong = client.post(reverse("mfa_activate_totp"), {"code": wrong_code_for(secret)})
    assert wrong.status_code == 200
    assert "There is a problem" in wrong.content.decode()
    assert not Authenticator.objects.exists()

    done = client.post(reverse("mfa_activate_totp"), {"code": code_for_secret(secret)})
    assert done.status_code == 302 and done.url == reverse("mfa_view_recovery_codes")
    assert (
        Authenticator.objects.get(user=officer, type=Authenticator.Type.TOTP)
        .wrap()
        .validate_code(code_for_secret(secret, time.time() + 30))
    )
    codes_page = client.get(done.url).content.decode()
    codes = RecoveryCodes(Authenticator.objects.get(user=officer, type=Authenticator.Type.RECOVERY_CODES))
    assert len(codes.get_unused_codes()) == 10
    assert all(code in codes_page for code in codes.get_unused_codes())
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert "Two-factor sign-in was turned on" in mailoutbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_recovery_codes_are_shown_once_each_works_once_and_they_can_be_replaced(client, officer, mailoutbox):
    app_for(officer)
    recovery = RecoveryCodes.activate(officer)
    first, second = recovery.get_unused_codes()[:2]

    sign_in(client, "olivia", PASSWORD)
    response = client.post(reverse("mfa_authenticate"), {"code": first})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get("/").status_code == 200
    # Shown once: the page no longer lists the codes once they have been seen.
    assert first not in client.get(reverse("mfa_view_recovery_codes")).content.decode()

    client.post(reverse("account_logout"))
    sign_in(client, "olivia", PASSWORD)
    used_again = client.post(reverse("mfa_authenticate"), {"code": first})
    assert used_again.status_code == 200 and "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": second})
    assert client.session["_auth_user_id"] == str(officer.pk)
    confirm_password(client)
    replaced = client.post(reverse("mfa_generate_recovery_codes"))
    assert replaced.status_code == 302
    new_codes = RecoveryCodes(Authenticator.objects.get(user=officer, type=Authenticator.Type.RECOVERY_CODES))
    remaining = [code for code in recovery.get_unused_codes() if code not in (first, second)]
    assert not set(remaining) & set(new_codes.get_unused_codes())
    assert "New recovery codes" in mailoutbox[-1].subject


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_the_password_alone_cannot_enrol_a_first_factor_for_a_role_that_needs_two(client, inspector, mailoutbox):
    """Someone with only an inspector's password is asked for the emailed link; no secret is shown."""
    sign_in(client, "imran", PASSWORD)
    confirm_password(client)
    for url in (reverse("mfa_activate_totp"), reverse("mfa_add_webauthn")):
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200
        assert "Email me a set-up link" in html
        assert "two-factor-secret" not in html and "QR code" not in html
        # Guessing at the confirming POST does nothing either.
        refused = client.post(url, {"code": "123456"})
        assert "Email me a set-up link" in refused.content.decode()
    assert not Authenticator.objects.exists()
    assert client.get("/inspections/").status_code == 302
    assert mailoutbox == []


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
@pytest.mark.django_db(transaction=True)
def test_an_inspector_enrols_through_the_emailed_link_and_is_told_by_email(client, inspector, mailoutbox):
    sign_in(client, "imran", PASSWORD)
    asked = client.post(reverse("two_factor_email_link"))
    assert asked.status_code == 302
    assert [m.to for m in mailoutbox] == [[inspector.email]]
    link = re.search(r"http://testserver(/account/two-factor/link/[^/\s]+/)", mailoutbox[0].body).group(1)

    opened = client.get(link)  # e.g. a mail scanner following the link: nothing changes
    assert opened.status_code == 200 and "Continue" in opened.content.decode()
    confirm_password(client)
    assert "Email me a set-up link" in client.get(reverse("mfa_activate_totp")).content.decode()

    assert client.post(link).url == reverse("mfa_activate_totp")
    secret = secret_on(client.get(reverse("mfa_activate_totp")))
    done = client.post(reverse("mfa_activate_totp"), {"code": code_for_secret(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=inspector, type=Authenticator.Type.TOTP).exists()
    assert client.get("/inspections/").status_code == 200
    assert "Two-factor sign-in was turned on" in mailoutbox[-1].subject

    # The link is spent once a factor is added, and the next sign-in asks for a code.
    assert client.post(link).url == reverse("account")
    client.post(reverse("account_logout"))
    again = sign_in(client, "imran", PASSWORD)
    assert again.url == reverse("mfa_authenticate")


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_an_expired_or_someone_elses_link_is_refused_with_a_reason(client, inspector, service, mailoutbox):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as traveller:
        sign_in(client, "imran", PASSWORD)
        client.post(reverse("two_factor_email_link"))
        link = re.search(r"http://testserver(/account/two-factor/link/[^/\s]+/)", mailoutbox[0].body).group(1)
        traveller.shift(61 * 60)
        client.logout()
        sign_in(client, "imran", PASSWORD)
        expired = client.post(link)
        assert expired.status_code == 400
        assert "This set-up link has expired" in expired.content.decode()
        confirm_password(client)
        assert "Email me a set-up link" in client.get(reverse("mfa_activate_totp")).content.decode()

    other = member(service, Role.INSPECTOR, username="ingrid")
    client.force_login(other)
    client.post(reverse("two_factor_email_link"))
    theirs = re.search(r"http://testserver(/account/two-factor/link/[^/\s]+/)", mailoutbox[-1].body).group(1)
    client.force_login(inspector)
    refused = client.post(theirs)
    assert refused.status_code == 400
    assert "sent to someone else" in refused.content.decode()
    tampered = client.post(theirs[:-3] + "xx/")
    assert tampered.status_code == 400
    assert not Authenticator.objects.exists()


def test_sign_in_asks_for_the_code_and_a_wrong_code_is_refused(client, officer):
    secret = app_for(officer)
    response = sign_in(client, "olivia", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in yet
    assert client.get("/").status_code == 302  # nothing to see yet

    refused = client.post(reverse("mfa_authenticate"), {"code": wrong_code_for(secret)})
    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_code_completes_sign_in(client, officer):
    secret = app_for(officer)
    sign_in(client, "olivia", PASSWORD)
    response = client.post(reverse("mfa_authenticate"), {"code": code_for_secret(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get("/").status_code == 200


def test_wrong_codes_count_towards_the_lockout_and_then_even_the_right_code_fails(client, officer):
    from axes.models import AccessAttempt

    secret = app_for(officer)
    sign_in(client, "olivia", PASSWORD)
    for _ in range(3):
        client.post(reverse("mfa_authenticate"), {"code": wrong_code_for(secret)})
    assert AccessAttempt.objects.get(username="olivia").failures_since_start == 3
    responses = [client.post(reverse("mfa_authenticate"), {"code": wrong_code_for(secret)}) for _ in range(2)]
    assert responses[-1].status_code == 429
    locked = client.post(reverse("mfa_authenticate"), {"code": code_for_secret(secret)})
    assert "_auth_user_id" not in client.session
    assert "Too many attempts" in locked.content.decode()


def test_the_code_page_cannot_be_used_without_the_password_first(client, officer):
    app_for(officer)
    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_signing_in_another_way_still_asks_for_the_code(client, officer):
    """force_login stands for any sign-in that skips allauth's code step."""
    secret = app_for(officer)
    client.force_login(officer)
    response = client.get("/inspections/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_reauthenticate") + "?next=%2Finspections%2F"
    client.post(reverse("mfa_reauthenticate"), {"code": code_for_secret(secret)})
    assert client.get("/inspections/").status_code == 200


def test_the_admin_sign_in_page_sends_people_to_the_service_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_an_inspector_without_a_factor_is_sent_to_set_up_when_required(client, inspector):
    client.force_login(inspector)
    response = client.get("/inspections/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp") + "?next=%2Finspections%2F"
    confirm_password(client)
    setup = client.get(response.url)
    assert setup.status_code == 200
    assert "Your role needs two-factor sign-in" in setup.content.decode()
    assert "Email me a set-up link" in setup.content.decode()


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_staff_without_a_factor_are_sent_to_set_up_when_required(client, db):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_an_officer_is_not_made_to_use_two_factor(client, officer):
    client.force_login(officer)
    assert client.get("/").status_code == 200


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_a_required_person_cannot_turn_their_only_factor_off(client, inspector):
    secret = app_for(inspector)
    sign_in(client, "imran", PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": code_for_secret(secret)})
    confirm_password(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=inspector, type=Authenticator.Type.TOTP).exists()


def test_someone_not_required_can_turn_two_factor_off_after_giving_a_code(client, service, mailoutbox):
    officer = member(service, Role.OFFICER, username="otto")
    secret = app_for(officer)
    sign_in(client, "otto", PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": code_for_secret(secret)})
    confirm_password(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=officer).exists()
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert "Two-factor sign-in was turned off" in mailoutbox[0].subject


def test_production_settings_require_two_factor_for_inspectors_and_staff_and_the_demo_does_not():
    from tests.yos_audit.test_settings import run_manage

    code = "from django.conf import settings; print(','.join(settings.REQUIRE_TWO_FACTOR_FOR))"
    production = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DEBUG="0",
        SECRET_KEY="k" * 20 + "a-real-looking-production-secret-key-9f8e7d6c5b4a",
        ALLOWED_HOSTS="audit.example",
    )
    assert production.stdout.strip() == "inspectors,staff", production.stderr
    demo = run_manage("shell", "--no-imports", "-c", code, DEBUG="1")
    assert demo.returncode == 0 and demo.stdout.strip() == "", demo.stderr
