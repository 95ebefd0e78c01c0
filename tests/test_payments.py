"""`sitegen pay` and `sitegen status`: payments recorded in site.toml, progress at a glance."""

from __future__ import annotations

import datetime as dt
import json

import pytest

COMMENTED_SITE = """\
# Acme: a site.toml full of comments, which `sitegen pay` must keep.
[client]
name = "Acme"   # the bakery
email = "acme@example.com"

[site]
title = "Acme Site"

[demo]
password = "correct-horse-battery"

# --- payments ---
[[milestones]]
id = "deposit"      # first
title = "Deposit"
share = 50
amount = 1000.00
currency = "EUR"
due = 2026-01-10
state = "approved"
paid = false        # flips on payment

[[milestones]]
id = "final"
title = "Final payment"
share = 50
amount = 1000.00
currency = "EUR"
due = 2099-01-10
state = "planned"
paid = false
# trailing comment
"""


@pytest.fixture
def project(make_project):
    return make_project(f"-- sites/acme/site.toml --\n{COMMENTED_SITE}")


def site_toml(project) -> str:
    return (project.root / "sites/acme/site.toml").read_text("utf-8")


def test_pay_changes_only_the_payment_and_undo_restores_the_file(project):
    result = project.run("pay", "acme", "deposit", "--ref", "INV-042", "--on", "2026-01-12")
    assert result.exit_code == 0, result.output
    assert "Recorded: 'deposit' of acme paid on 2026-01-12 (INV-042)." in result.output
    assert "Still unpaid: final." in result.output
    after = site_toml(project)
    before_lines, after_lines = COMMENTED_SITE.splitlines(), after.splitlines()
    changed = [line for line in after_lines if line not in before_lines]
    assert changed == [
        "paid = true        # flips on payment",
        "paid_on = 2026-01-12",
        'ref = "INV-042"',
    ]
    assert [line for line in before_lines if line not in after_lines] == [
        "paid = false        # flips on payment"
    ]
    assert project.run("pay", "acme", "deposit", "--undo").exit_code == 0
    assert site_toml(project) == COMMENTED_SITE
    assert not list((project.root / "sites/acme").glob(".*.tmp")), "no temporary file left"


def test_paying_every_milestone_makes_the_site_ready_for_handover(project):
    project.run("pay", "acme", "deposit")
    result = project.run("pay", "acme", "final")
    assert "acme is paid in full: ready for `sitegen handover acme`." in result.output
    assert f"paid_on = {dt.date.today().isoformat()}" in site_toml(project)
    status = json.loads(project.run("status", "--json").output)
    assert status[0]["ready_for_handover"] is True
    assert status[0]["outstanding"] == "0.00"


def test_pay_refuses_unknown_client_and_milestone_with_the_valid_ones(project):
    result = project.run("pay", "acme", "desposit")
    assert result.exit_code == 2
    assert "acme has no milestone 'desposit'; did you mean 'deposit'?" in result.output
    assert "milestones: deposit, final" in result.output
    result = project.run("pay", "acm", "deposit")
    assert result.exit_code == 2 and "clients: acme" in result.output
    assert site_toml(project) == COMMENTED_SITE


def test_status_table_and_json(project):
    table = project.run("status")
    assert table.exit_code == 0, table.output
    assert "acme" in table.output and "https://acme.demo.studio.example/" in table.output
    assert "overdue since 2026-01-10" in table.output
    detail = project.run("status", "acme").output
    assert "deposit" in detail and "overdue" in detail and "not ready for handover" in detail
    data = json.loads(project.run("status", "--json").output)
    assert data[0]["overdue"] == ["deposit"]
    assert data[0]["next_payment"] == {
        "milestone": "deposit",
        "amount": "1000.00",
        "due": "2026-01-10",
        "overdue": True,
    }
    assert data[0]["percent_complete"] == 50
    assert data[0]["ready_for_handover"] is False


def test_status_flags_an_unsigned_contract(project):
    path = project.root / "sites/acme/site.toml"
    path.write_text(site_toml(project) + '\n[[client_tasks]]\ntitle = "Sign"\nkind = "contract"\n')
    assert "contract not signed" in project.run("status").output
    assert json.loads(project.run("status", "--json").output)[0]["contract_signed"] is False


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("paid = false        # flips", "paid_on = 2026-01-02\npaid = false        # flips"),
            "[[milestones]] #1 has paid_on but is not paid",
        ),
        (
            ('currency = "EUR"\ndue = 2026-01-10', 'currency = "EUX"\ndue = 2026-01-10'),
            "is not an ISO 4217 currency code: 'EUX'",
        ),
        (
            ("due = 2026-01-10", 'due = "10/01/2026"'),
            "'due' in [[milestones]] #1 must be a real date",
        ),
        (
            (
                'share = 50\namount = 1000.00\ncurrency = "EUR"\ndue = 2026-01-10',
                'share = 40\namount = 1000.00\ncurrency = "EUR"\ndue = 2026-01-10',
            ),
            "milestone shares add up to 90%, not 100%",
        ),
    ],
)
def test_bad_milestones_are_clear_errors(project, edit, message):
    path = project.root / "sites/acme/site.toml"
    assert edit[0] in COMMENTED_SITE
    path.write_text(COMMENTED_SITE.replace(edit[0], edit[1], 1))
    result = project.run("build")
    assert result.exit_code == 1
    assert message in result.output


def test_update_without_a_date_is_an_error(project):
    project.write("""
        -- sites/acme/updates/news.md --
        ---
        title: News
        ---
        Something happened.
    """)
    result = project.run("build")
    assert result.exit_code == 1
    assert "updates/news.md:1: an update needs a date" in result.output


def test_paying_a_paid_milestone_again_changes_nothing_and_says_when_it_was_paid(project):
    project.run("pay", "acme", "deposit", "--on", "2026-01-12", "--ref", "INV-042")
    paid = site_toml(project)
    again = project.run("pay", "acme", "deposit")
    assert again.exit_code == 0, again.output
    assert "already paid on 2026-01-12 (ref INV-042): nothing changed" in again.output
    assert "--on DATE and/or --ref REF" in again.output
    assert site_toml(project) == paid, "the date is not moved to today"


def test_a_new_reference_for_a_paid_milestone_keeps_its_date(project):
    project.run("pay", "acme", "deposit", "--on", "2026-01-12", "--ref", "INV-042")
    result = project.run("pay", "acme", "deposit", "--ref", "INV-043")
    assert "paid on 2026-01-12 (INV-043)" in result.output
    assert "paid_on = 2026-01-12" in site_toml(project)
    assert 'ref = "INV-043"' in site_toml(project)


def test_undo_of_an_unpaid_milestone_says_there_was_nothing_to_clear(project):
    result = project.run("pay", "acme", "final", "--undo")
    assert result.exit_code == 0
    assert "'final' of acme is not paid: there was nothing to clear." in result.output
    assert "Cleared" not in result.output
    assert site_toml(project) == COMMENTED_SITE


def test_a_payment_in_the_future_is_recorded_with_a_warning(project):
    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    result = project.run("pay", "acme", "deposit", "--on", later)
    assert result.exit_code == 0
    assert f"warning: {later} is in the future" in result.output
    assert f"paid_on = {later}" in site_toml(project)


def test_pay_says_the_client_sees_it_after_the_next_publish(project):
    result = project.run("pay", "acme", "deposit")
    assert "after the next `sitegen publish acme`" in result.output


WHOLE_AMOUNTS = """\
[client]
name = "Acme"
email = "acme@example.com"
[site]
title = "Acme Site"
[demo]
password = "correct-horse-battery"
[[milestones]]
id = "deposit"
title = "Deposit"
share = 30
amount = 600
currency = "GBP"
due = 2026-01-10
state = "approved"
paid = true
[[milestones]]
id = "final"
title = "Final"
share = 70
amount = 1400.5
currency = "GBP"
due = 2099-01-10
state = "planned"
"""


def test_money_is_one_format_per_place(make_project):
    project = make_project(f"-- sites/acme/site.toml --\n{WHOLE_AMOUNTS}")
    data = json.loads(project.run("status", "--json").output)[0]
    assert (data["total"], data["paid"], data["outstanding"]) == ("2000.50", "600.00", "1400.50")
    assert [m["amount"] for m in data["milestones"]] == ["600.00", "1400.50"]
    assert data["next_payment"]["amount"] == "1400.50"
    assert data["milestones"][0]["share"] == "30", "a share is a percentage, not money"
    people = project.run("status", "acme").output + project.run("handover", "acme").output
    assert "£600.00" in people and "£1,400.50" in people and "£2,000.50" in people
    assert "GBP" not in people
