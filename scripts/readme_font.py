"""Regenerate docs/fonts/: the monospace font the README picture embeds (a developer's tool).

    pip install fonttools brotli
    python scripts/readme_font.py [path/to/DejaVuSansMono.ttf]

The README picture (docs/walkthrough.svg) used Rich's default font, Fira Code from a CDN:
offline, or where the CDN is blocked, a viewer fell back to another font and the box corners
and table rules showed gaps. So the picture carries its font inside itself. This script cuts
DejaVu Sans Mono (regular and bold: free, Bitstream Vera licence) down to the characters a
walkthrough prints — ASCII, Latin-1, Greek, sub- and superscripts, arrows, mathematical
operators, box drawing — renames it "Walkthrough Mono" as the licence asks of a modified
font, and writes it as WOFF2 beside a list of the characters it covers, which
scripts/readme_picture.py checks the picture against (so that this tool is needed only when
the picture needs a character the font lacks).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "docs" / "fonts"
FAMILY = "Walkthrough Mono"
RANGES = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1
    (0x391, 0x3C9),  # Greek
    (0x2010, 0x2027),  # dashes, quotes, the ellipsis
    (0x2070, 0x209C),  # super- and subscripts
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x2500, 0x257F),  # box drawing
    (0x2580, 0x259F),  # blocks
    (0x25A0, 0x25FF),  # geometric shapes (○)
    (0x2713, 0x2717),  # ✓ ✗
)


def cut(source: Path, target: Path, style: str) -> set[int]:
    font = TTFont(source)
    wanted = {c for low, high in RANGES for c in range(low, high + 1)}
    covered = wanted & set(font.getBestCmap())
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=covered)
    subsetter.subset(font)
    for record in font["name"].names:  # the licence: a modified font takes another name
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (3, 4, 6):
            record.string = (
                f"{FAMILY} {style}" if record.nameID != 6 else f"WalkthroughMono-{style}"
            )
    font.flavor = "woff2"
    font.save(target)
    return covered


if __name__ == "__main__":
    regular = Path(
        sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
    )
    bold = regular.with_name(regular.name.replace(".ttf", "-Bold.ttf"))
    FONTS.mkdir(parents=True, exist_ok=True)
    covered = cut(regular, FONTS / "WalkthroughMono-Regular.woff2", "Regular")
    covered &= cut(bold, FONTS / "WalkthroughMono-Bold.woff2", "Bold")
    (FONTS / "covered.txt").write_text(
        "".join(chr(c) for c in sorted(covered)) + "\n", encoding="utf-8"
    )
    print(f"wrote {FONTS}: {len(covered)} characters")
