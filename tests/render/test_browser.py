"""The HTML page as a real browser lays it out (headless Chromium): formulas typeset by its
MathML engine, equals signs aligned within a chain, fractions at display size, nothing cut off
when printed on A4 or Letter or read at 600 px, and network labels that never collide."""

from __future__ import annotations

import re
import shutil

import pytest

from backprop_walkthrough import export, walkthrough
from backprop_walkthrough.scenario import network_names

from ..browser import CHROMIUM, measure, printed_pages, printed_words, screenshot

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

#: The printable width of A4 and Letter with the page's 14 mm margins, in CSS pixels (96/in).
PRINTABLE = {"A4": round((210 - 28) / 25.4 * 96), "letter": round((215.9 - 28) / 25.4 * 96)}

OVERFLOW = """
const blocks = [...document.querySelectorAll('div.eq')];
return {
  blocks: blocks.length,
  over: blocks.filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.textContent.slice(0, 60)),
  page: document.documentElement.scrollWidth,
  view: document.documentElement.clientWidth,
};
"""


@pytest.fixture(scope="module")
def classic_html():
    return export(walkthrough("mazur"), "html")


def test_mathml_is_typeset_aligned_and_at_display_size(classic_html, tmp_path):
    script = """
    const display = getComputedStyle(document.querySelector('div.eq math')).display;
    const chain = [...document.querySelectorAll('div.eq mtable')]
      .find(t => [...t.querySelectorAll('mtr')].some(r => r.children.length == 4));
    // the x of the first "=" in each factor row (rows with one cell per side)
    const equals = [...chain.querySelectorAll('mtr')]
      .filter(r => r.children.length == 4)
      .map(r => Math.round(r.children[1].querySelector('mo').getBoundingClientRect().left));
    const frac = chain.querySelector('mtd mfrac').getBoundingClientRect().height;
    const mn = chain.querySelector('mtd mn').getBoundingClientRect().height;
    return {display, equals, frac, mn, maths: document.querySelectorAll('math').length};
    """
    found = measure(classic_html, script, tmp_path)
    assert found["display"] in ("math", "inline math", "block math")  # the MathML engine
    assert found["maths"] > 15
    assert len(found["equals"]) >= 3 and len(set(found["equals"])) == 1  # aligned "="
    assert found["frac"] > 2.2 * found["mn"]  # a ∂-fraction at display size, not script size
    assert screenshot(classic_html, tmp_path, "classic").stat().st_size > 20_000


@pytest.mark.parametrize("name", network_names())
@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_nothing_overflows_a_printed_page(name, paper, tmp_path):
    """The print stylesheet applied at the printable width: no block needs a scrollbar and the
    page is no wider than the paper."""
    html = export(walkthrough(name), "html").replace("@media print {", "@media all {")
    found = measure(html, OVERFLOW, tmp_path, PRINTABLE[paper])
    assert found["blocks"] > 5 and found["over"] == [], found["over"]
    assert found["page"] <= found["view"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_the_printed_pdf_keeps_every_value_on_the_page(classic_html, paper, tmp_path):
    words, inside = printed_words(classic_html, paper, tmp_path)
    assert inside
    assert {"0.298371109", "0.082167041", "0.000438568", "0.291027774"} <= words


@pytest.mark.parametrize("name", network_names())
def test_readable_at_600_pixels(name, tmp_path):
    found = measure(export(walkthrough(name), "html"), OVERFLOW, tmp_path, 600)
    assert found["over"] == [], found["over"]
    assert found["page"] <= found["view"]


# --- the network drawing ----------------------------------------------------------------------

TWO_THREE_TWO_ONE = {
    "layers": [
        {"neurons": ["i1", "i2"]},
        {"neurons": ["a1", "a2", "a3"], "activation": "tanh"},
        {"neurons": ["c1", "c2"], "activation": "relu"},
        {"neurons": ["y"], "activation": "linear"},
    ],
    "weights": {
        f"w{k + 1}": {"from": source, "to": target, "value": round(0.1 * k - 0.55, 2)}
        for k, (source, target) in enumerate(
            [(s, t) for t in ("a1", "a2", "a3") for s in ("i1", "i2")]
            + [(s, t) for t in ("c1", "c2") for s in ("a1", "a2", "a3")]
            + [("c1", "y"), ("c2", "y")]
        )
    },
    "biases": {
        "b1": {"to": ["a1", "a2", "a3"], "value": 0.1},
        "b2": {"to": ["c1", "c2"], "value": -0.2},
        "b3": {"to": "y", "value": 0.3},
    },
    "inputs": {"i1": 0.5, "i2": -1.0},
    "targets": {"y": 0.25},
    "learning_rate": 0.1,
}

LABELS = """
const out = [];
for (const svg of document.querySelectorAll('svg.network')) {
  const view = svg.viewBox.baseVal;
  const box = (e) => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  out.push({
    view: [view.width, view.height],
    labels: [...svg.querySelectorAll('text.weight, text.bias')].map(t =>
      [t.textContent, ...box(t), t.getBoundingClientRect().height]),
    nodes: [...svg.querySelectorAll('circle')].map(box),
    edges: [...svg.querySelectorAll('line.edge')].map(l =>
      ['x1', 'y1', 'x2', 'y2'].map(a => l[a].baseVal.value)),
  });
}
return out;
"""


def _meets(a, b) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


@pytest.mark.parametrize("scenario", ["mazur", TWO_THREE_TWO_ONE], ids=["classic", "2-3-2-1"])
def test_network_labels_never_overlap_or_clip(scenario, tmp_path):
    drawn = measure(export(walkthrough(scenario), "html"), LABELS, tmp_path)
    assert len(drawn) == 2  # before and after the update
    if scenario is TWO_THREE_TWO_ONE:
        assert sum(1 for label in drawn[0]["labels"] if label[0].startswith("w")) == 14
    for svg in drawn:
        labels, (width, height) = svg["labels"], svg["view"]
        for i, label in enumerate(labels):
            assert label[5] >= 11, label  # at least 11 px tall as laid out
            assert label[1] >= 0 and label[2] >= 0, label  # not clipped
            assert label[3] <= width and label[4] <= height, label
            assert not any(_meets(label[1:5], node) for node in svg["nodes"]), label
            for other in labels[i + 1 :]:
                assert not _meets(label[1:5], other[1:5]), (label[0], other[0])
        # issue 27: no label on a crossing of two edges, nor on its own edge's line
        for point in _crossings(svg["edges"]):
            box = (point[0] - 2, point[1] - 2, point[0] + 2, point[1] + 2)
            assert not any(_meets(label[1:5], box) for label in labels), point
    before, after = drawn
    places = [[(round(b[1] + b[3]), round(b[4])) for b in d["labels"]] for d in drawn]
    assert all(abs(x - y) <= 12 and v == w for (x, v), (y, w) in zip(*places, strict=True))
    assert before["edges"] == after["edges"]


def _crossings(edges):
    """Where two edges cross (not at a neuron)."""
    found = []
    for i, (x1, y1, x2, y2) in enumerate(edges):
        for x3, y3, x4, y4 in edges[i + 1 :]:
            d = (x2 - x1) * (y4 - y3) - (y2 - y1) * (x4 - x3)
            if d == 0:
                continue
            t = ((x3 - x1) * (y4 - y3) - (y3 - y1) * (x4 - x3)) / d
            u = ((x3 - x1) * (y2 - y1) - (y3 - y1) * (x2 - x1)) / d
            if 0.02 < t < 0.98 and 0.02 < u < 0.98:
                found.append((x1 + t * (x2 - x1), y1 + t * (y2 - y1)))
    return found


def test_the_readme_picture_needs_no_network_and_its_box_lines_meet(tmp_path):
    """docs/walkthrough.svg loaded Fira Code from a CDN: offline, another font left gaps in the
    box corners and table rules. Its font is inside it now; Chromium, given nothing but the
    file, lays it out in that font, and a │ reaches from one line to the next."""
    from ..conftest import ROOT

    svg = (ROOT / "docs" / "walkthrough.svg").read_text(encoding="utf-8")
    fetched = [u for u in re.findall(r"url\(\"?([^\")]+)", svg) if not u.startswith(("data:", "#"))]
    assert fetched == [] and "cdnjs" not in svg
    script = """
    const font = '20px "Walkthrough Mono"';
    const bars = [...document.querySelectorAll('text')].filter(t => t.textContent === '│');
    const boxes = bars.slice(0, 2).map(t => t.getBBox());
    return {
      loaded: document.fonts.check(font),
      faces: [...document.fonts].filter(f => f.family.includes('Walkthrough')).map(f => f.status),
      family: getComputedStyle(bars[0]).fontFamily,
      gap: boxes[1].y - (boxes[0].y + boxes[0].height),
    };
    """
    measured = measure(f"<html><body>{svg}</body></html>", script, tmp_path)
    assert measured["loaded"] and measured["faces"] == ["loaded", "loaded"], measured
    assert "Walkthrough Mono" in measured["family"]
    assert measured["gap"] <= 0.05, measured  # the two lines' bars touch (or overlap)


# --- the matrix view --------------------------------------------------------------------------

SIDES = """
const sides = [...document.querySelectorAll('.sides')].map(s =>
  [...s.querySelectorAll(':scope > .side')].map(d => Math.round(d.getBoundingClientRect().top)));
const cells = [...document.querySelectorAll('div.eq mtd mtable')].slice(0, 4).map(t =>
  [...t.querySelectorAll('mtd')].map(d => getComputedStyle(d).textAlign));
return {sides, cells, over: [...document.querySelectorAll('div.eq')]
  .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.textContent.slice(0, 60)),
  page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth};
"""


@pytest.mark.parametrize("convention", ["columns", "rows"])
def test_matrix_view_fits_600_pixels(convention, tmp_path):
    from backprop_walkthrough import matrices

    found = measure(matrices("mazur", convention).export("html"), SIDES, tmp_path, 600)
    assert found["over"] == [] and found["page"] <= found["view"]
    assert all(align == "right" for table in found["cells"] for align in table)


def test_both_conventions_side_by_side_on_a_wide_page(tmp_path):
    """At 1400 px each part's two conventions start on the same line; at 600 px, one under
    the other."""
    from backprop_walkthrough import matrices

    html = matrices("mazur", "both").export("html")
    wide = measure(html, SIDES, tmp_path, 1400)
    assert wide["sides"] and all(len(set(tops)) == 1 for tops in wide["sides"])
    narrow = measure(html, SIDES, tmp_path, 600)
    assert all(tops[0] < tops[1] for tops in narrow["sides"])
    assert narrow["page"] <= narrow["view"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("paper", ["A4", "letter"])
@pytest.mark.parametrize("key", [False, True])
def test_the_printed_worksheet_keeps_everything_on_the_page(paper, key, tmp_path):
    """Issue 25: Chromium prints the HTML sheet (and its key) with nothing cut at the edge."""
    from backprop_walkthrough import api

    sheet = api.practice("mazur", seed=7).worksheet("html", key=key)
    words, inside = printed_words(sheet, paper, tmp_path)
    assert inside
    assert {"−0.97", "0.89", "0.5"} <= words  # w1, i1 and η of seed 7
    assert ("0.245218362" in words) == key  # ∂out_o1/∂net_o1 of seed 7, in the key only


# --- printing (issue 27) ---------------------------------------------------------------------


def _headings(name: str) -> set[str]:
    from backprop_walkthrough.render.blocks import Heading, Table
    from backprop_walkthrough.render.layout import lay_out

    blocks = lay_out(walkthrough(name)).blocks
    return {b.text for b in blocks if isinstance(b, Heading)} | {
        b.title for b in blocks if isinstance(b, Table) and b.title
    }


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("name", ["mazur", "wide"])
def test_no_printed_page_ends_with_a_heading(name, tmp_path):
    pages = printed_pages(export(walkthrough(name), "html"), "A4", tmp_path)
    headings = _headings(name)
    for number, (_full, lines) in enumerate(pages[:-1], start=1):
        assert lines[-1] not in headings, (number, lines[-1])
    if name == "wide":
        assert len(pages) <= 20, len(pages)
    else:  # every page but the last at least 40 % full
        assert all(full >= 0.4 for full, _lines in pages[:-1]), [f for f, _ in pages]
