"""The client's open change requests (sent or seen) as pins on the pages `sitegen serve` shows
the studio, demo and release preview alike, from `feedback.toml`: no network, and the theme's
own pin script (`pins.js`), inlined because a release ships no demo runtime."""

from __future__ import annotations

import json

from sitegen.feedback import notes, shown
from sitegen.model import Site
from sitegen.render.themes import ThemeChain

PIN_SCRIPT = "theme/sitegen/pins.js"


def injection(site: Site, chain: ThemeChain | None) -> str:
    """What the preview adds before </body> of every page; nothing when no note is open.
    Raises ConfigError (naming the line) for a damaged `feedback.toml`."""
    pins = shown.pin_list(site.path, shown.OPEN_STATES)
    script = (
        next((f.source for f in chain.static if f.output == PIN_SCRIPT), None) if chain else None
    )
    if not pins or script is None:
        return ""
    words = {
        "states": {
            s: chain.translate(site.language, f"feedback_state_{s}") or s for s in notes.STATES
        },
        "missing": chain.translate(site.language, "feedback_missing") or "",
    }
    data = json.dumps({"notes": pins, "text": words}, ensure_ascii=False)
    code = script.read_text("utf-8")
    return (
        f'<script type="application/json" id="sitegen-studio-notes">{_inert(data)}</script>\n'
        f"<script>{_inert(code)}</script>\n"
    )


def _inert(text: str) -> str:
    """Text that cannot end the <script> element it is put in."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")
