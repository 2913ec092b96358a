"""Regenerate docs/walkthrough.svg, the README's picture of the terminal walkthrough.

    python scripts/readme_picture.py

Rich's own ``export_svg`` records the real output of ``backprop-walkthrough explain w5``
(the classic example's first output-layer weight: the forward values it uses, its chain, its
shake check and its update). tests/test_docs.py fails when the committed picture no longer
matches what the tool prints.

The picture carries its font: Rich's template loads Fira Code from a CDN, and offline (or where
the CDN is blocked) the box corners and table rules showed gaps in another font. Here the
template's @font-face rules point at docs/fonts/ (a subset of DejaVu Sans Mono, made by
scripts/readme_font.py) as data: URLs, and the character width follows that font.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from rich._export_format import CONSOLE_SVG_FORMAT
from rich.console import Console

from backprop_walkthrough import walkthrough
from backprop_walkthrough.render.terminal import TerminalView

DOCS = Path(__file__).resolve().parent.parent / "docs"
PICTURE = DOCS / "walkthrough.svg"
FONTS = DOCS / "fonts"
FAMILY = "Walkthrough Mono"
#: DejaVu Sans Mono's advance width over its size (1233 / 2048): where Rich puts each cell.
ASPECT_RATIO = 1233 / 2048
BOX_FONT_SIZE = 20.6


def _font_face(weight: int, style: str) -> str:
    data = base64.b64encode((FONTS / f"WalkthroughMono-{style}.woff2").read_bytes()).decode()
    return (
        "    @font-face {{\n"
        f'        font-family: "{FAMILY}";\n'
        f'        src: url("data:font/woff2;base64,{data}") format("woff2");\n'
        "        font-style: normal;\n"
        f"        font-weight: {weight};\n"
        "    }}\n"
    )


def template() -> str:
    """Rich's SVG template with our embedded font in place of the CDN's."""
    start = CONSOLE_SVG_FORMAT.index("    @font-face")
    end = CONSOLE_SVG_FORMAT.index("    .{unique_id}-matrix")
    faces = _font_face(400, "Regular") + _font_face(700, "Bold") + "\n"
    svg = CONSOLE_SVG_FORMAT[:start] + faces + CONSOLE_SVG_FORMAT[end:]
    svg = svg.replace("font-family: Fira Code, monospace;", f'font-family: "{FAMILY}", monospace;')
    # Rich sets lines 1.22 character heights apart; the font's box-drawing glyphs span 1.188 em
    # (−512 to 1921 of 2048 units), so at 20 px they fall short and every │ shows a gap. A size
    # of 20.6 px makes them meet (Rich's textLength keeps each run's width).
    return svg.replace("font-size: {char_height}px;", f"font-size: {BOX_FONT_SIZE}px;", 1)


def picture() -> str:
    console = Console(
        record=True, width=100, file=io.StringIO(), force_terminal=True, color_system="truecolor"
    )
    console.print(TerminalView(walkthrough("mazur").explain("w5")))
    console.print()  # a blank last line: the table's last row clear of the window's edge
    text = console.export_text(clear=False)
    covered = set((FONTS / "covered.txt").read_text(encoding="utf-8"))
    missing = sorted(set(text) - covered - {"\n"})
    if missing:
        raise SystemExit(
            f"the picture uses characters its font lacks ({' '.join(missing)}): add them to "
            "scripts/readme_font.py's ranges and run it"
        )
    return console.export_svg(
        title="backprop-walkthrough explain w5",
        code_format=template(),
        font_aspect_ratio=ASPECT_RATIO,
    )


if __name__ == "__main__":
    PICTURE.write_text(picture(), encoding="utf-8")
    print(f"wrote {PICTURE}")
