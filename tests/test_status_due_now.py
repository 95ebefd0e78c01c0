"""The status page puts what the client owes first: "Due now", every overdue milestone named,
the total, and how to pay — on a phone and a desktop, in English and Arabic, in Chromium."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import PASSWORD, STUDIO_TOML, serve_folder

TODAY = dt.date.today()
BANK = "IBAN AE07 0331 2345 6789 0123 456\nBIC EBILAEAD"


def site_toml(language: str, currency: str, titles: tuple[str, ...]) -> str:
    long_ago, late, soon, later = (TODAY - dt.timedelta(days=d) for d in (60, 10, -5, -20))
    rows = [
        (titles[0], 20, 1000, long_ago, "approved", "paid = true"),
        (titles[1], 20, 1500, long_ago, "delivered", ""),
        (titles[2], 30, 5400, late, "in-progress", 'pay_url = "https://pay.example.com/3"'),
        (titles[3], 10, 700, soon, "delivered", ""),
        (titles[4], 20, 2100, later, "planned", ""),
    ]
    milestones = "".join(
        f"""
[[milestones]]
id = "m{n}"
title = "{title}"
share = {share}
amount = {amount}
currency = "{currency}"
due = {due}
state = "{state}"
{extra}
"""
        for n, (title, share, amount, due, state, extra) in enumerate(rows)
    )
    return f"""
[client]
name = "Acme"
email = "acme@example.com"
[site]
title = "Acme Site"
language = "{language}"
[demo]
password = "{PASSWORD}"
{milestones}"""


CASES = {
    "en": ("EUR", ("Deposit", "Design", "Build", "Extras", "Launch")),
    "ar": ("AED", ("الدفعة المقدمة", "التصميم", "البناء", "الإضافات", "الإطلاق")),
}


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> Path:
    chosen = os.environ.get("SITEGEN_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


def build(make_project, language: str, payment: str):
    currency, titles = CASES[language]
    studio = STUDIO_TOML + f"payment = '''{payment}'''\n"
    project = make_project(
        f"-- sitegen.toml --\n{studio}\n-- sites/acme/site.toml --\n"
        f"{site_toml(language, currency, titles)}"
    )
    project.build()
    return project


def open_status(browser, port: int, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"http://127.0.0.1:{port}/status/")
    page.fill("#sitegen-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".sitegen-status", timeout=10_000)
    return page


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_due_now_first_and_whole(page) -> None:
    """Under the banner come the site's header and the page title, then "Due now": nothing
    else first, and all of it on the first screen."""
    order = page.eval_on_selector_all(
        ".sitegen-status > *", "els => els.map(e => e.className || e.tagName)"
    )
    assert order[:2] == ["page-header", "status-due has-overdue"], order
    box = page.eval_on_selector(".status-due", "e => e.getBoundingClientRect().toJSON()")
    assert box["top"] >= 0 and box["bottom"] <= page.viewport_size["height"], box
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "no sideways scroll"


def assert_amounts_on_one_line(page) -> None:
    lines = page.eval_on_selector_all(
        ".sitegen-status .money",
        # Right-to-left text gives a box per direction run: count the lines they stand on.
        "els => els.map(e => [e.textContent,"
        " new Set([...e.getClientRects()].map(r => Math.round(r.bottom))).size])",
    )
    assert lines, "amounts are marked"
    broken = [text for text, rects in lines if rects != 1]
    assert broken == [], f"amounts broken across lines: {broken}"


@pytest.mark.parametrize("width,height", [(375, 667), (1280, 800)])
def test_due_now_comes_first_in_english(browser, make_project, screens, width, height):
    project = build(make_project, "en", "https://pay.example.com/studio")
    with serve_folder(project.root / "build/acme/demo") as port:
        page = open_status(browser, port, width, height)
        page.screenshot(path=str(screens / f"due-now-en-{width}.png"), full_page=True)
        assert_due_now_first_and_whole(page)
        assert_amounts_on_one_line(page)
        due = page.locator(".status-due")
        text = due.inner_text()
        assert "To pay now: €7,600.00" in text, "overdue, and delivered work"
        assert "Of which overdue: €6,900.00" in text
        assert "“Design”: €1,500.00, overdue since" in text, "every overdue milestone named"
        assert "“Build”: €5,400.00, overdue since" in text
        assert "“Extras”: €700.00, due" in text
        assert "Launch" not in text and "Deposit" not in text
        pay = due.locator("a.status-pay")
        assert pay.evaluate_all("els => els.map(e => e.href)") == [
            "https://pay.example.com/studio",
            "https://pay.example.com/3",
            "https://pay.example.com/studio",
        ], "a milestone's own pay_url, else the studio's payment link"
        assert all(pay.nth(n).is_visible() for n in range(3))
        next_steps = page.locator(".status-next").inner_text()
        assert "“Design” is delivered and waits for your approval." in next_steps
        assert "Next milestone: Build, in progress" in next_steps
        assert "Design, planned for" not in next_steps, "delivered work is not planned"
        assert serious_violations(page) == []


@pytest.mark.parametrize("width,height", [(375, 667), (1280, 800)])
def test_due_now_comes_first_in_arabic(browser, make_project, screens, width, height):
    project = build(make_project, "ar", BANK)
    with serve_folder(project.root / "build/acme/demo") as port:
        page = open_status(browser, port, width, height)
        page.screenshot(path=str(screens / f"due-now-ar-{width}.png"), full_page=True)
        assert page.get_attribute("html", "dir") == "rtl"
        assert_due_now_first_and_whole(page)
        assert_amounts_on_one_line(page)
        due = page.locator(".status-due")
        text = due.inner_text()
        assert "المستحق الآن" in text and "التصميم" in text and "البناء" in text
        assert "د.إ." in text and "7,600.00" in text and "6,900.00" in text
        assert "الإضافات" in text and "الإطلاق" not in text
        assert due.locator("a.status-pay").evaluate_all("els => els.map(e => e.href)") == [
            "https://pay.example.com/3"
        ]
        bank = due.locator(".status-bank-details")
        assert bank.is_visible() and "IBAN AE07" in bank.inner_text()
        assert serious_violations(page) == []


def test_nothing_due_says_so(make_project):
    project = make_project("""
        -- sites/acme/site.toml --
        [client]
        name = "Acme"
        email = "acme@example.com"
        [site]
        title = "Acme Site"
        [demo]
        password = "correct-horse-battery"
        [[milestones]]
        id = "all"
        title = "Everything"
        share = 100
        amount = 100
        currency = "EUR"
        due = 2999-01-01
        state = "in-progress"
    """)
    project.build()
    page = project.out("status/index.html")
    assert "Nothing to pay right now." in page
    assert "status-pay" not in page


def test_bad_payment_settings_are_named(make_project):
    project = make_project("-- sitegen.toml --\n" + STUDIO_TOML + 'payment = "http://pay.x"\n')
    result = project.run("build")
    assert result.exit_code == 1
    assert "sitegen.toml" in result.output and "payment" in result.output
    assert "https://" in result.output


def test_a_pay_url_must_be_https_and_is_named_with_its_line(make_project):
    project = make_project()
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(
        toml.read_text()
        + '[[milestones]]\nid = "all"\ntitle = "All"\nshare = 100\namount = 10\n'
        + 'currency = "EUR"\ndue = 2026-01-01\nstate = "planned"\npay_url = "pay.example.com"\n'
    )
    result = project.run("build")
    assert result.exit_code == 1
    assert "site.toml:18" in result.output and "pay_url" in result.output
    assert "https://" in result.output
