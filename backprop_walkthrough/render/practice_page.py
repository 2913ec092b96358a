"""The practice page: one self-contained HTML file that grades each answer as the learner types.

The page is the worksheet made live: the network with all its numbers (the walkthrough's first
section, :func:`.layout.network_blocks`), then the figures by section, each with its rule
typeset as in the HTML export (:func:`.worksheet.rule`), an answer box and a verdict. The
grading program — every figure's recipe and mistaken ways as trees
(:func:`..engine.grading.grade.program`) — is embedded as JSON, and ``practice.js`` interprets
it as ``check`` does in Python.

Safe by construction: every text from a scenario goes through :func:`html.escape`; the JSON
is embedded with ``<``, ``>`` and ``&`` escaped; a Content-Security-Policy allows the page's own
script and style (by their hashes) and nothing else (``default-src 'none'``: no network).

The contract for tests: each box is ``input[data-figure=NAME]``, its verdict
``[data-verdict=NAME]`` with ``data-status`` (correct, rounding, carried_forward, wrong or
empty) and ``data-diagnosis`` (the mistake ids); the download is
``[data-action=download-answers]``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from html import escape
from importlib.resources import files
from typing import Any

from ..model import Walkthrough
from .blocks import Document
from .html import STYLE, HtmlWriter
from .json_writer import dumps
from .layout import network_blocks
from .numbers import format_operand
from .worksheet import by_section, rule, rule_lines

PAGE_STYLE = """
.bar { position: sticky; top: 0; background: var(--bg); padding: 0.5rem 0;
       border-bottom: 1px solid var(--line); display: flex; gap: 1rem; align-items: center;
       flex-wrap: wrap; z-index: 1; }
.bar button, button.hint { font: inherit; padding: 0.2rem 0.7rem; }
table.questions { width: 100%; }
table.questions td { vertical-align: top; }
table.questions td:last-child { width: 45%; }
output { display: block; margin-top: 0.2rem; }
table.questions input { font: inherit; width: 11rem; max-width: 100%; padding: 0.2rem 0.3rem; }
input[aria-invalid="true"] { border-color: var(--bad); }
output[data-status="correct"], output[data-status="rounding"] { color: var(--ok); }
output[data-status="carried_forward"] { color: var(--undecided); }
output[data-status="wrong"] { color: var(--bad); }
.hint-text { white-space: pre-wrap; color: var(--muted); font-size: 0.92rem; }
@media (max-width: 40rem) {
  table.questions thead { display: none; }
  table.questions tr, table.questions td { display: block; border: 0; }
  table.questions tr { border-bottom: 1px solid var(--line); padding: 0.3rem 0; }
  table.questions td:last-child { width: auto; }
}
@media print { .bar button, button.hint { display: none; } .bar { position: static; } }
"""


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _embedded(data: Any) -> str:
    """JSON for a <script type="application/json">: nothing in it can end the element."""
    text = dumps(data, compact=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_practice_page(
    w: Walkthrough,
    program: Mapping[str, Any],
    *,
    title: str,
    subtitle: str,
    names: Sequence[str],
    forms: Mapping[str, Any],
    expected: Mapping[str, float],
    key: str,
    yaml_head: str,
    file_name: str,
    digits: int = 6,
) -> str:
    """The page for ``names`` (the figures asked, in order), graded by ``program``."""
    writer = HtmlWriter(Document(tuple(network_blocks(w, 9, after=False)), 9))
    hints = {
        n: [*rule_lines(forms[n], expected, digits), f"{n} = {format_operand(expected[n], 12)}"]
        for n in names
    }
    page = {"key": key, "hints": hints, "yaml_head": yaml_head, "file_name": file_name}
    body = [f"<h1>{escape(title)}</h1>"]
    if subtitle:
        body.append(f'<p class="subtitle">{escape(subtitle)}</p>')
    body.append(
        '<p class="intro">Work each figure out from the numbers of the network and type it '
        "(a number, or arithmetic such as 0.5933*(1-0.5933)); Enter or leaving the box grades "
        "it, at the precision you typed, from your own earlier answers — as "
        "<code>backprop-walkthrough check</code> grades a file. A hint gives the rule, then "
        "the numbers, then the value. Your answers stay in this browser; download them to "
        "hand them in.</p>"
    )
    body.append(
        '<div class="bar" role="region" aria-label="progress">'
        '<span data-progress aria-live="polite"></span><span data-score></span>'
        '<button type="button" data-action="download-answers">Download my answers</button>'
        '<button type="button" data-action="clear">Start again</button></div>'
    )
    body.append("<h2>The network</h2>")
    body += [writer.block(block) for block in writer.document.blocks]
    for heading, shown in by_section(names, forms):
        rows = []
        for name in shown:
            spoken = escape(f"{name}: {hints[name][0]}", quote=True)
            figure = escape(name, quote=True)
            rows.append(
                f"<tr><td><code>{escape(name)}</code></td>"
                f"<td><math>{writer.cell(rule(forms[name]))}</math></td>"
                f'<td><input type="text" data-figure="{figure}" aria-label="{spoken}" '
                'inputmode="decimal" autocomplete="off" spellcheck="false"> '
                f'<button type="button" class="hint" data-action="hint" data-for="{figure}" '
                f'aria-label="hint for {figure}">hint</button>'
                f'<output data-verdict="{figure}" data-status="empty" data-diagnosis="" '
                'aria-live="polite"></output>'
                f'<div class="hint-text" data-hint="{figure}" aria-live="polite"></div></td></tr>'
            )
        body.append(
            f'<h2>{escape(heading)}</h2>\n<table class="questions"><thead><tr><th>figure</th>'
            "<th>rule</th><th>your answer</th></tr></thead><tbody>\n"
            + "\n".join(rows)
            + "\n</tbody></table>"
        )
    script = files(__package__).joinpath("practice.js").read_text(encoding="utf-8")
    style = STYLE + PAGE_STYLE
    policy = (
        f"default-src 'none'; script-src 'sha256-{_sha256(script)}'; "
        f"style-src 'sha256-{_sha256(style)}'; img-src data:; base-uri 'none'; "
        "form-action 'none'"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + f'\n<script type="application/json" id="program">{_embedded(program)}</script>\n'
        + f'<script type="application/json" id="page">{_embedded(page)}</script>\n'
        + f"<script>{script}</script>\n</main>\n</body>\n</html>\n"
    )
