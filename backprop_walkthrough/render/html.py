"""One self-contained HTML page: formulas as MathML (SymPy's MathML printer), the network as
inline SVG before and after the update, readable in light and dark mode, printable. No
JavaScript and no network access: modern browsers lay MathML out natively."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import sympy as sp

from ..model import Chain, Overview, Sum, Walkthrough
from .document import DocumentRenderer, Row
from .printing import format_value, to_mathml
from .svg import draw_svg

STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #5f6368;
        --accent: #0b57d0; --note: #fff4d6; --line: #d0d4d9; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaed; --bg: #16181c; --muted: #9aa0a6; --accent: #8ab4f8;
          --note: #3a3324; --line: #3c4043; }
}
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
       margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); }
.subtitle { color: var(--muted); font-style: italic; }
math[display="block"] { margin: 0.8rem 0; overflow-x: auto; overflow-y: hidden; }
mtd { text-align: left; padding: 0.1rem 0.25rem; } mtd:first-child { text-align: right; }
table { border-collapse: collapse; margin: 0.8rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.2rem 0.7rem; text-align: left; }
aside.note { background: var(--note); border-left: 4px solid #e0a800; padding: 0.5rem 0.8rem;
             margin: 0.8rem 0; }
.shake { color: var(--muted); font-size: 0.92rem; }
figure { display: inline-block; margin: 0.5rem 1rem 0.5rem 0; }
figcaption { color: var(--muted); text-align: center; }
svg.network { width: 30rem; max-width: 100%; color: var(--fg); }
svg .edge { stroke: currentColor; stroke-width: 1.2; opacity: 0.6; }
svg .neuron { fill: var(--bg); stroke: var(--accent); stroke-width: 2; }
svg text { fill: currentColor; font: 13px system-ui, sans-serif; text-anchor: middle; }
svg .weight { font-size: 12px; } svg .bias { text-anchor: start; font-size: 12px; }
@media print { body { max-width: none; color: #000; background: #fff; }
               h2 { break-after: avoid; } math, table, figure { break-inside: avoid; } }
"""


class HtmlRenderer(DocumentRenderer):
    def begin(self, title: str, subtitle: str) -> None:
        self.parts.append(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{escape(title)}</h1>\n"
        )
        if subtitle:
            self.parts.append(f'<p class="subtitle">{escape(subtitle)}</p>\n')

    def end(self) -> None:
        self.parts.append("</main>\n</body>\n</html>\n")

    def heading(self, text: str, level: int = 2) -> None:
        self.parts.append(f"<h{level}>{escape(text)}</h{level}>\n")

    def paragraph(self, text: str) -> None:
        css = ' class="shake"' if text.startswith("Shake it") else ""
        self.parts.append(f"<p{css}>{escape(text)}</p>\n")

    def preformatted(self, text: str) -> None:
        self.parts.append(f"<pre>{escape(text)}</pre>\n")

    def table(
        self, header: list[str], rows: list[list[str]], math_columns: frozenset[int] = frozenset()
    ) -> None:
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td><math>{c}</math></td>" if i in math_columns else f"<td>{escape(c)}</td>"
                for i, c in enumerate(row)
            )
            + "</tr>\n"
            for row in rows
        )
        self.parts.append(
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
        )

    def equations(self, rows: list[Row]) -> None:
        lines = []
        for row in rows:
            cells = "".join(f"<mtd>{cell}</mtd>" for cell in row)
            lines.append(f"<mtr>{cells}</mtr>")
        self.parts.append(
            '<math display="block"><mtable columnalign="right center left center '
            'left center left">' + "".join(lines) + "</mtable></math>\n"
        )

    def note(self, text: str) -> None:
        self.parts.append(f'<aside class="note"><strong>Note.</strong> {escape(text)}</aside>\n')

    def math(self, expr: sp.Basic, substitutions: Mapping[sp.Basic, float] | None = None) -> str:
        return to_mathml(expr, substitutions, self.digits)

    def number(self, value: float, parenthesised: bool = False) -> str:
        text = format_value(value, self.digits).replace("-", "−")
        number = f"<mn>{text}</mn>"
        if parenthesised and value < 0:
            return f"<mrow><mo>(</mo>{number}<mo>)</mo></mrow>"
        return number

    def operator(self, name: str) -> str:
        return {"equals": "<mo>=</mo>", "times": "<mo>×</mo>", "plus": "<mo>+</mo>"}[name]

    def annotation(self, text: str) -> str:
        return f"<mtext>&#160;({escape(text)})</mtext>"

    def derivation_rows(self, step: Chain | Sum) -> list[Row]:
        # The base class joins factor labels with an operator; MathML needs them in one <mrow>.
        return [
            [f"<mrow>{cell}</mrow>" if cell else cell for cell in row]
            for row in super().derivation_rows(step)
        ]

    def network_picture(self, step: Overview) -> None:
        s = step.scenario
        before = {p.name: p.value for p in s.parameters}
        after = dict(self.walkthrough.updated)
        self.parts.append(
            f"<figure>{draw_svg(s, before, 'The network before the update')}"
            "<figcaption>before the update</figcaption></figure>\n"
            f"<figure>{draw_svg(s, after, 'The network after one update')}"
            "<figcaption>after one update</figcaption></figure>\n"
        )


def render_html(walkthrough: Walkthrough, digits: int = 9) -> str:
    return HtmlRenderer(walkthrough, digits).render()


def render_html_fragment(walkthrough: Walkthrough, digits: int = 9) -> str:
    """The page's content without <html>/<head>, for a notebook cell: styles scoped to it."""
    page = render_html(walkthrough, digits)
    body = page[page.index("<main>") + len("<main>") : page.index("</main>")]
    scoped = (
        ".bw math[display=block] { margin: 0.6rem 0; } .bw mtd { text-align: left; } "
        ".bw mtd:first-child { text-align: right; } .bw aside.note { border-left: 4px "
        "solid #e0a800; padding: 0.3rem 0.6rem; } .bw svg.network { width: 26rem; "
        "color: inherit; } .bw svg .edge { stroke: currentColor; opacity: 0.6; } "
        ".bw svg .neuron { fill: none; stroke: #0b57d0; stroke-width: 2; } .bw svg text "
        "{ fill: currentColor; font: 13px sans-serif; text-anchor: middle; } "
        ".bw svg .bias { text-anchor: start; }"
    )
    return f'<div class="bw"><style>{scoped}</style>{body}</div>'
