"""Browser tests: Debian's Chromium driven by Playwright against a live server, with axe."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def page(page):
    """A page that fails the test on any console error (a blocked script, a CSP violation...)."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 500 else None,
    )
    page.console_errors = errors
    yield page
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def check_accessible(axe):
    """Run axe on the page as it is now; fail with axe's report on any WCAG 2.2 A/AA violation."""

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def sign_in(live_server):
    def sign_in(page, username, password):
        page.goto(f"{live_server.url}/account/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return sign_in


# What makes the page wider than the window: elements reaching past its right edge that no
# scrolling box holds (a wide table in its own scrolling box is fine). Empty when nothing does.
OVERFLOW_SCRIPT = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const held = element => {
        for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
            if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(box).overflowX)) return true;
        }
        return false;
    };
    const offenders = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width && box.right > width + 1 && !held(element)) {
            const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
                + (element.className && typeof element.className === "string"
                    ? "." + element.className.trim().split(/\\s+/).join(".") : "");
            offenders.push(`${name} reaches ${Math.round(box.right)}px`);
        }
    }
    return offenders.length ? offenders.slice(0, 8) : [`the page is ${document.documentElement.scrollWidth}px wide`];
}"""


def page_overflow(page):
    """[what reaches past the window's right edge outside a scrolling box]; empty when nothing does."""
    return page.evaluate(OVERFLOW_SCRIPT)
