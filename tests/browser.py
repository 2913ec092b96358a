"""Headless Chromium for the export tests: lay a page out and read measurements from its DOM.

A script injected into a copy of the page measures what the browser laid out and writes the
result as JSON into a <pre id="measured">; ``--dump-dom`` returns the document after the
script ran. Printing to PDF goes through Chromium's own ``--print-to-pdf``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT = 120


def _run(arguments: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )


def measure(html: str, script: str, directory: Path, width: int = 1000) -> Any:
    """Lay ``html`` out at ``width`` CSS pixels and return what ``script`` measured.

    ``script`` is the body of a function that returns a JSON-serialisable value.
    """
    probe = (
        "<script>addEventListener('load', () => { let measured; try { measured = (() => {"
        + script
        + "})(); } catch (error) { measured = {error: String(error)}; }"
        " const out = document.createElement('pre'); out.id = 'measured';"
        " out.textContent = JSON.stringify(measured); document.body.appendChild(out); });"
        "</script>"
    )
    page = directory / f"measure-{width}.html"
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = _run(
        [f"--window-size={width},1200", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        directory / f"profile-{width}",
    ).stdout
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    text = found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    return json.loads(text.replace("&amp;", "&"))


def print_to_pdf(html: str, page_size: str, directory: Path) -> Path:
    """The page printed by Chromium on ``page_size`` paper (``A4``, ``letter``)."""
    page = directory / f"print-{page_size}.html"
    page.write_text(
        html.replace("</style>", f"@page {{ size: {page_size}; }}</style>", 1), encoding="utf-8"
    )
    pdf = directory / f"print-{page_size}.pdf"
    _run(
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        directory / f"profile-{page_size}",
    )
    return pdf


def screenshot(html: str, directory: Path, name: str, width: int = 1000) -> Path:
    page = directory / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    shot = directory / f"{name}.png"
    _run(
        [f"--screenshot={shot}", f"--window-size={width},1400", page.as_uri()],
        directory / f"profile-shot-{name}",
    )
    return shot


def printed_words(html: str, page_size: str, directory: Path) -> tuple[set[str], bool]:
    """The words of the page printed on ``page_size`` paper (``pdftotext -bbox``), and
    whether every one of them lies inside the page's margin (nothing cut at the edge)."""
    pdf = print_to_pdf(html, page_size, directory)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)"', bbox)
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
    inside = bool(pages and right) and max(right) <= float(pages[0]) - 20
    return set(re.findall(r">([^<]+)</word>", bbox)), inside


def printed_pages(html: str, page_size: str, directory: Path) -> list[tuple[float, list[str]]]:
    """Each printed page: how far down its text reaches (0–1 of the page's height) and its
    lines of text (``pdftotext -layout``, one page at a time)."""
    pdf = print_to_pdf(html, page_size, directory)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for number, page in enumerate(bbox.split("<page ")[1:], start=1):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page)]
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        pages.append((max(bottoms, default=0.0) / height, lines))
    return pages
