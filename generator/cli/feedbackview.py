"""`sitegen feedback` on the terminal: the change requests of the clients as a table, newest
first (or JSON for scripts), the objects skipped, and what setting a state does. What a client
wrote is shown as text, never as markup."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sitegen.config.load import load_site
from sitegen.feedback import inbox, notes
from sitegen.model import Studio

STATE_WORDS = ("done", "seen")  # `sitegen feedback CLIENT done ID`
SHORT_ID = 8
_STATE_STYLE = {"sent": "bold", "seen": "yellow", "done": "green"}


def show(studio: Studio, names: list[str], as_json: bool, offline: bool) -> None:
    """Fetch (unless offline) and list every named client's notes, newest first."""
    found = [inbox.collect(studio, load_site(studio, name), offline) for name in names]
    for client in found:
        for skipped in client.skipped:
            click.echo(f"warning: {client.client}: skipped {skipped.key}: {skipped.why}", err=True)
    rows = notes.newest_first([n for client in found for n in client.notes])
    owner = {note.id: client.client for client in found for note in client.notes}
    if as_json:
        listed = [as_json_note(owner[note.id], note) for note in rows]
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    for client in found:
        console.print(_source(client), highlight=False)
    if rows:
        console.print(_table(rows, owner, several=len(found) > 1))
        example = f"sitegen feedback {owner[rows[0].id]} done {rows[0].id[:SHORT_ID]}"
        console.print(Text(f"Mark one done (or seen) with `{example}`.", style="dim"))


def as_json_note(client: str, note: notes.Note) -> dict:
    fields = notes.to_json(note)
    del fields["format"]
    return {"client": client, **fields, "state": note.state}


def set_state(studio: Studio, name: str, state: str, note_id: str) -> None:
    site = load_site(studio, name)
    note = inbox.set_state(site, note_id, state)
    text = note.text if len(note.text) <= 60 else note.text[:59] + "…"
    click.echo(f"Marked {note.id[:SHORT_ID]} of {name} {state}: “{text}” on {note.page}")
    click.echo(
        f"The client sees it as {state} on the demo after the next `sitegen publish {name}`."
    )


def _source(client: inbox.ClientNotes) -> Text:
    count = len(client.notes)
    line = Text(f"{client.client}: {count} change request{'s' if count != 1 else ''}")
    if client.fetched_from:
        line.append(f", {client.new} new from {client.fetched_from}", style="dim")
    else:
        line.append(f" in feedback.toml, not fetched: {client.offline_because}", style="dim")
    return line


def _table(rows: tuple[notes.Note, ...], owner: dict[str, str], several: bool) -> Table:
    table = Table(title_justify="left")
    table.add_column("when", no_wrap=True)
    if several:
        table.add_column("client", overflow="fold")
    table.add_column("id", no_wrap=True)
    table.add_column("page / element", overflow="fold", ratio=2)
    table.add_column("note", overflow="fold", ratio=3)
    table.add_column("state", no_wrap=True)
    for note in rows:
        where = Text(note.page)
        if note.element.text:
            where.append("\n" + note.element.text, style="dim")
        state = Text(note.state, style=_STATE_STYLE.get(note.state, ""))
        if note.urgent:
            state.append("\nurgent", style="bold red")
        cells = [Text(note.sent.strftime("%Y-%m-%d %H:%M UTC"))]
        cells += [Text(owner[note.id])] if several else []
        cells += [Text(note.id[:SHORT_ID]), where, Text(note.text), state]
        table.add_row(*cells)
    return table
