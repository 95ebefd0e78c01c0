"""The status page in a real browser: what the client reads, in English and in Arabic."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import PASSWORD, serve_folder

TODAY = dt.date.today()


def site_toml(language: str, titles: tuple[str, str, str]) -> str:
    past, late, future = (TODAY - dt.timedelta(days=d) for d in (40, 5, -30))
    return f"""
[client]
name = "Acme"
email = "acme@example.com"
[site]
title = "Acme Site"
language = "{language}"
[demo]
password = "{PASSWORD}"
[[milestones]]
id = "deposit"
title = "{titles[0]}"
share = 30
amount = 900.00
currency = "EUR"
due = {past}
state = "approved"
paid = true
paid_on = {past}
ref = "INV-1"
[[milestones]]
id = "design"
title = "{titles[1]}"
share = 30
amount = 900.00
currency = "EUR"
due = {past}
state = "delivered"
paid = true
[[milestones]]
id = "build"
title = "{titles[2]}"
share = 40
amount = 1200.00
currency = "EUR"
due = {late}
state = "in-progress"
paid = false
invoice_url = "https://pay.example.com/inv-3"
[[client_tasks]]
title = "Send the texts"
link = "https://forms.example.com/texts"
"""


@pytest.fixture
def status_site(make_project):
    def make(language: str, titles: tuple[str, str, str]):
        project = make_project(f"-- sites/acme/site.toml --\n{site_toml(language, titles)}")
        project.write(f"""
            -- sites/acme/updates/first.md --
            ---
            title: Design delivered
            date: {TODAY - dt.timedelta(days=3)}
            ---
            The design is ready for your review.
        """)
        project.build()
        return project

    return make


def open_status(browser, port: int, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"http://127.0.0.1:{port}/status/")
    page.fill("#sitegen-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".sitegen-status")
    return page


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_status_page_shows_payments_overdue_and_next_steps(browser, status_site, screenshots):
    project = status_site("en", ("Deposit", "Design", "Build"))
    with serve_folder(project.root / "build/acme/demo") as port:
        page = open_status(browser, port, 1280)
        text = page.inner_text("main")
        assert "60% of the work is done" in text, "approved and delivered milestones count"
        page.screenshot(path=str(screenshots / "status-en-desktop.png"), full_page=True)
        badges = page.eval_on_selector_all(".status-badge", "els => els.map(e => e.textContent)")
        assert badges == ["Paid", "Paid", "Overdue"]
        assert "€3,000.00" in text and "€1,800.00" in text and "€1,200.00" in text
        assert "Overdue, to pay now: €1,200.00" in text
        assert "“Build”: €1,200.00, overdue since" in text
        assert page.get_attribute("text=Invoice", "href") == "https://pay.example.com/inv-3"
        assert (
            page.get_attribute("text=Send the texts", "href") == "https://forms.example.com/texts"
        )
        approve = page.get_attribute("text=Approve this milestone", "href")
        assert approve.startswith("mailto:studio@example.com?subject=Approval%3A%20Design")
        assert "The design is ready for your review." in text
        assert page.get_attribute(".sitegen-demo-banner a >> nth=0", "href") == "/status/"
        assert serious_violations(page) == []
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=str(screenshots / "status-en-375.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, "readable on a 375 px phone without sideways scrolling"


def test_arabic_status_page_is_right_to_left(browser, status_site, screenshots):
    project = status_site("ar", ("الدفعة المقدمة", "التصميم", "البناء"))
    with serve_folder(project.root / "build/acme/demo") as port:
        page = open_status(browser, port, 375)
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.get_attribute("html", "lang") == "ar"
        text = page.inner_text("main")
        assert "حالة المشروع" in text and "مدفوعة" in text and "متأخرة" in text
        assert "الخطوات التالية" in text
        page.screenshot(path=str(screenshots / "status-ar-375.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(screenshots / "status-ar-desktop.png"), full_page=True)
        assert serious_violations(page) == []
