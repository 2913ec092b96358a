"""Regenerate docs/walkthrough.svg, the README's picture of the terminal walkthrough.

    python scripts/readme_picture.py

Rich's own ``export_svg`` records the real output of ``backprop-walkthrough explain w5``
(the classic example's first output-layer weight: the forward values it uses, its chain, its
shake check and its update). tests/test_docs.py fails when the committed picture no longer
matches what the tool prints.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from backprop_walkthrough import walkthrough
from backprop_walkthrough.render.terminal import TerminalView

PICTURE = Path(__file__).resolve().parent.parent / "docs" / "walkthrough.svg"


def picture() -> str:
    console = Console(
        record=True, width=100, file=io.StringIO(), force_terminal=True, color_system="truecolor"
    )
    console.print(TerminalView(walkthrough("mazur").explain("w5")))
    return console.export_svg(title="backprop-walkthrough explain w5")


if __name__ == "__main__":
    PICTURE.write_text(picture(), encoding="utf-8")
    print(f"wrote {PICTURE}")
