"""The practice page without a browser (issue 26): its policy, its size, what it embeds."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files

from backprop_walkthrough import api

from ..helpers import document


def _page(scenario: object = "mazur") -> str:
    return api.practice(scenario).page()


def test_the_policy_allows_the_pages_own_script_and_style_and_nothing_else():
    page = _page()
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy.startswith("default-src 'none';")
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)  # the one executable script
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy and "unsafe" not in policy
    assert not re.search(r' (src|href|action)="', page)  # nothing to load, nowhere to go


def test_the_script_never_evaluates_text():
    script = files("backprop_walkthrough.render").joinpath("practice.js").read_text()
    for forbidden in ("eval(", "Function(", "innerHTML", "outerHTML", "insertAdjacentHTML"):
        assert forbidden not in script, forbidden


def test_a_name_that_ends_a_script_cannot_end_the_embedded_program():
    doc = document("mazur")
    doc["name"] = "</script><script>alert(1)</script>"
    page = _page(doc)
    assert page.count("</script>") == 3  # the program's, the page data's and the script's
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page  # the title and heading, as text


def test_the_mazur_page_is_small_and_has_a_box_and_a_verdict_per_figure():
    page = _page()
    assert len(page.encode("utf-8")) < 300_000
    names = api.figure_names("mazur")
    assert page.count('<input type="text" data-figure=') == len(names) == 66
    assert page.count("<output data-verdict=") == 66 and 'data-action="download-answers"' in page


def test_a_notebook_shows_the_page_in_a_frame_of_its_own():
    html = api.practice("mazur", only="forward")._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "data-figure=&quot;net_h1&quot;" in html


def test_the_command_writes_the_page_and_a_new_seed_names_itself(runner, tmp_path):
    from backprop_walkthrough.cli import cli

    out = tmp_path / "practice.html"
    result = runner.invoke(cli, ["practice", "--new", "7", "--page", "-o", str(out)])
    assert result.exit_code == 0 and out.exists()
    page = out.read_text()
    assert "backprop-walkthrough practice mazur --new 7 --page" in page
    assert 'data-figure="dE_total/dw5"' in page and "mazur-7" in page
