"""Every page each demo role can reach, on the demo data, passes axe (WCAG 2.2 A and AA).

Signs in as each demo account and follows the links of every page it reaches (same site, GET,
each path once), running axe on each. Downloads (exports, PDFs, evidence) are not pages.
"""

from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from tests.browser.conftest import WCAG_TAGS
from tests.factories import PASSWORD

NOT_PAGES = ("/static/", "/admin/", "/export/", "/pdf", "/download", "/evidence/", "/account/sign-out/")
DOWNLOADS = (".pdf", ".csv", ".xlsx")
MOST_PAGES_PER_ROLE = 60


@pytest.fixture
def demo(settings, transactional_db):
    settings.DEBUG = True  # load_demo refuses otherwise
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


@pytest.mark.parametrize("username", ["officer", "manager", "board", "inspector"])
def test_every_page_a_demo_role_reaches_is_accessible(live_server, page, axe, demo, username):
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-password-2026")
    page.get_by_role("button", name="Sign in").click()

    to_visit, seen, failures = [urlparse(page.url).path], set(), []
    while to_visit and len(seen) < MOST_PAGES_PER_ROLE:
        path = to_visit.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(urljoin(live_server.url, path))
        assert response.status < 500, f"{path} answered {response.status}"
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            failures.append(f"{path}\n{results.generate_report()}")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlparse(urljoin(live_server.url + path, href))
            if target.netloc == urlparse(live_server.url).netloc and not any(p in target.path for p in NOT_PAGES):
                if target.path.endswith(DOWNLOADS):
                    continue
                if target.path not in seen:
                    to_visit.append(target.path)
    assert len(seen) >= 5, f"only reached {sorted(seen)}"
    assert not failures, "\n\n".join(failures)


ACCOUNT_PAGES_SIGNED_OUT = ["/account/sign-in/", "/account/password-reset/", "/account/password-reset/sent/"]
ACCOUNT_PAGES_SIGNED_IN = [
    "/account/",
    "/account/password/",
    "/account/confirm/",
    "/account/two-factor/",
    "/account/two-factor/keys/",
    "/account/sign-out/",
]


def test_every_account_page_is_accessible(live_server, page, axe, officer):
    """Sign-in, passwords and two-factor set-up (django-allauth's pages in the GOV.UK layout)."""
    failures = []

    def check(path=None):
        if path is not None:
            response = page.goto(urljoin(live_server.url, path))
            assert response.status == 200, f"{path} answered {response.status}"
            assert "/account/sign-in/" not in page.url or path == "/account/sign-in/", f"{path} asked to sign in"
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            failures.append(f"{path or page.url}\n{results.generate_report()}")

    for path in ACCOUNT_PAGES_SIGNED_OUT:
        check(path)
    page.goto(f"{live_server.url}/account/password-reset/key/1-not-a-real-key/")
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    check()  # the error summary
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for path in ACCOUNT_PAGES_SIGNED_IN:
        check(path)
    page.goto(f"{live_server.url}/account/confirm/?next=/account/two-factor/app/")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    check("/account/two-factor/app/")
    check("/account/two-factor/keys/add/")
    assert not failures, "\n\n".join(failures)
