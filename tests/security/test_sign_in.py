"""Sign-in: throttling (django-axes), password rules, the idle-session limit, two-factor codes."""

import base64
import re
import time

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from inspections.models import Role
from tests.factories import PASSWORD, member

LOGIN = "/account/sign-in/"


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def code_for(device):
    """The code an authenticator app shows for `device` now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def confirmed_device_for(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


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
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password1234", "new_password2": "password1234"},
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
    secret = html.split('id="two-factor-secret">', 1)[1].split("<", 1)[0].replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def code_for_key(key):
    """The code an authenticator app given the secret `key` shows now."""
    return f"{totp(key, 30, 0, 6, 0):06d}"


def test_anyone_can_set_up_two_factor_from_their_account_page(client, officer, mailoutbox):
    client.force_login(officer)
    account = client.get(reverse("account")).content.decode()
    assert "Two-factor sign-in" in account and reverse("two_factor_setup") in account

    page = client.get(reverse("two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg " in html and 'aria-label="QR code' in html
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]  # the CSP forbids inline style
    assert not TOTPDevice.objects.exists()  # opening the page creates nothing
    key = secret_on(page)
    assert secret_on(client.get(reverse("two_factor_setup"))) == key  # the same secret until confirmed

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000" if code_for_key(key) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()

    with time_machine.travel(time.time() + 60, tick=False):
        done = client.post(reverse("two_factor_setup"), {"code": code_for_key(key)})
    assert done.status_code == 302
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and device.bin_key == key
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert "Two-factor sign-in was turned on" in mailoutbox[0].subject


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_the_password_alone_cannot_enrol_a_first_factor_for_a_role_that_needs_two(client, inspector, mailoutbox):
    """Someone with only an inspector's password is asked for the emailed link; no secret is shown."""
    sign_in(client, "imran", PASSWORD)
    page = client.get(reverse("two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Email me a set-up link" in html
    assert "two-factor-secret" not in html and "<svg " not in html
    # Guessing at the confirming POST does nothing either.
    refused = client.post(reverse("two_factor_setup"), {"code": "123456"})
    assert "Email me a set-up link" in refused.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.get("/inspections/").status_code == 302
    assert mailoutbox == []


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_an_inspector_enrols_through_the_emailed_link_and_is_told_by_email(client, inspector, mailoutbox):
    sign_in(client, "imran", PASSWORD)
    asked = client.post(reverse("two_factor_email_link"))
    assert asked.status_code == 302
    assert "We have emailed a set-up link" in client.get(asked.url).content.decode()
    assert [m.to for m in mailoutbox] == [[inspector.email]]
    link = re.search(r"http://testserver(/account/two-factor/link/[^/\s]+/)", mailoutbox[0].body).group(1)

    opened = client.get(link)  # e.g. a mail scanner following the link: nothing changes
    assert opened.status_code == 200 and "Continue" in opened.content.decode()
    assert "Email me a set-up link" in client.get(reverse("two_factor_setup")).content.decode()

    assert client.post(link).url == reverse("two_factor_setup")
    key = secret_on(client.get(reverse("two_factor_setup")))
    done = client.post(reverse("two_factor_setup"), {"code": code_for_key(key)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(user=inspector).confirmed
    assert client.get("/inspections/").status_code == 200
    assert "Two-factor sign-in was turned on" in mailoutbox[-1].subject

    # The link is spent once a factor is added.
    client.post(reverse("logout"))
    again = client.post(LOGIN, {"username": "imran", "password": PASSWORD})
    assert again.url == reverse("login_code")


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
        assert "Email me a set-up link" in client.get(reverse("two_factor_setup")).content.decode()

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
    assert not TOTPDevice.objects.exists()


def test_sign_in_asks_for_the_code_and_a_wrong_code_is_refused(client, officer):
    device = confirmed_device_for(officer)
    response = sign_in(client, "olivia", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("login_code")
    assert "_auth_user_id" not in client.session  # not signed in yet
    assert client.get("/").status_code == 302  # nothing to see yet

    wrong_code = "123456" if code_for(device) != "123456" else "654321"
    refused = client.post(reverse("login_code"), {"code": wrong_code})
    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_code_completes_sign_in(client, officer):
    device = confirmed_device_for(officer)
    sign_in(client, "olivia", PASSWORD)
    response = client.post(reverse("login_code"), {"code": code_for(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get("/").status_code == 200


def test_too_many_wrong_codes_send_the_person_back_to_the_password(client, officer):
    device = confirmed_device_for(officer)
    sign_in(client, "olivia", PASSWORD)
    wrong_code = "123456" if code_for(device) != "123456" else "654321"
    responses = [client.post(reverse("login_code"), {"code": wrong_code}) for _ in range(3)]
    assert responses[-1].status_code == 302
    assert responses[-1].url == reverse("login")
    assert client.get(reverse("login_code")).url == reverse("login")
    # Wrong codes count as failed sign-ins for the lockout too.
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="olivia").failures_since_start == 3


def test_the_code_page_cannot_be_used_without_the_password_first(client, officer):
    confirmed_device_for(officer)
    response = client.post(reverse("login_code"), {"code": "123456"})
    assert response.status_code == 302
    assert response.url == reverse("login")


def test_signing_in_another_way_still_asks_for_the_code(client, officer):
    """force_login stands for any sign-in that skips the code page (e.g. the admin's sign-in)."""
    confirmed_device_for(officer)
    client.force_login(officer)
    response = client.get("/inspections/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login_code"))


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_an_inspector_without_a_device_is_sent_to_set_up_when_required(client, inspector):
    client.force_login(inspector)
    response = client.get("/inspections/")
    assert response.status_code == 302
    assert response.url == reverse("two_factor_setup") + "?next=%2Finspections%2F"
    setup = client.get(response.url)
    assert setup.status_code == 200
    assert "Your role needs two-factor sign-in" in setup.content.decode()
    assert "Email me a set-up link" in setup.content.decode()


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_staff_without_a_device_are_sent_to_set_up_when_required(client, db):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_an_officer_is_not_made_to_use_two_factor(client, officer):
    client.force_login(officer)
    assert client.get("/").status_code == 200


@override_settings(REQUIRE_TWO_FACTOR_FOR=["inspectors", "staff"])
def test_a_required_person_cannot_turn_two_factor_off(client, inspector):
    device = confirmed_device_for(inspector)
    sign_in(client, "imran", PASSWORD)
    client.post(reverse("login_code"), {"code": code_for(device)})
    assert client.post(reverse("two_factor_remove")).status_code == 403
    assert TOTPDevice.objects.filter(user=inspector).exists()


def test_someone_not_required_can_turn_two_factor_off_after_giving_a_code(client, service, mailoutbox):
    officer = member(service, Role.OFFICER, username="otto")
    device = confirmed_device_for(officer)
    sign_in(client, "otto", PASSWORD)
    client.post(reverse("login_code"), {"code": code_for(device)})
    response = client.post(reverse("two_factor_remove"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
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
