"""Every page each demo role can reach, on the demo data, passes axe (WCAG 2.2 A and AA) on a phone
(390 px) and on a 1280 px desktop at 200% zoom (a 640 px window), is never wider than the window
(a wide table scrolls in its own box), and marks every glossary abbreviation as <abbr>.

Signs in as each demo account and follows the links of every page it reaches (same site, GET,
each path once), checking each at both widths without loading it again. Downloads (exports, PDFs,
evidence) are not pages. The 1280 px layout is checked with axe by the journeys.
"""

from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from inspections.glossary import ABBREVIATIONS
from tests.browser.conftest import WCAG_TAGS, page_overflow
from tests.factories import PASSWORD

NOT_PAGES = ("/static/", "/admin/", "/export/", "/pdf", "/download", "/evidence/", "/account/sign-out/")
DOWNLOADS = (".pdf", ".csv", ".xlsx")
MOST_PAGES_PER_ROLE = 60
WIDTHS = {"390 px": {"width": 390, "height": 844}, "1280 px at 200%": {"width": 640, "height": 400}}

# Text on the page naming a glossary abbreviation outside an <abbr> (or a place it cannot go).
UNMARKED_SCRIPT = r"""terms => {
    const words = new RegExp("(?<![\\w&#/-])(" + terms.join("|") + ")(?![\\w-])");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
        const text = walker.currentNode;
        if (text.parentElement.closest("abbr, script, style, textarea, option, select, svg, pre")) continue;
        if (words.test(text.data)) found.push(text.data.trim().slice(0, 80));
    }
    return found.slice(0, 5);
}"""


def problems_at_both_widths(page, axe, where):
    """Axe violations and sideways page overflow of the page as loaded, at each of WIDTHS."""
    problems = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            problems.append(f"{where} at {width}\n{results.generate_report()}")
        if overflow := page_overflow(page):
            problems.append(f"{where} at {width} is wider than the window: {overflow}")
    return problems


@pytest.fixture
def demo(settings, transactional_db):
    settings.DEBUG = True  # load_demo refuses otherwise
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


@pytest.mark.parametrize("username", ["officer", "manager", "board", "inspector"])
def test_every_page_a_demo_role_reaches_is_accessible(live_server, page, axe, demo, username):
    page.set_viewport_size(WIDTHS["390 px"])
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
        failures += problems_at_both_widths(page, axe, path)
        page.set_viewport_size(WIDTHS["390 px"])
        if unmarked := page.evaluate(UNMARKED_SCRIPT, sorted(ABBREVIATIONS)):
            failures.append(f"{path}: abbreviations without <abbr>: {unmarked}")
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
    """Sign-in, passwords and two-factor set-up (django-allauth's pages in the GOV.UK layout), at both
    widths like the crawl."""
    failures = []

    def check(path=None):
        if path is not None:
            response = page.goto(urljoin(live_server.url, path))
            assert response.status == 200, f"{path} answered {response.status}"
            assert "/account/sign-in/" not in page.url or path == "/account/sign-in/", f"{path} asked to sign in"
        failures.extend(problems_at_both_widths(page, axe, path or page.url))

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
