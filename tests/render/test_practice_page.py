"""The practice page in a real browser (issue 26): Playwright drives the system Chromium.

The differential test types answer sets into the page and compares every verdict — its
``data-status`` and ``data-diagnosis`` — with what ``check --format json`` says of the file the
page downloads: the page's JavaScript and ``check``'s Python are two interpreters of one
grading program, and must agree figure by figure. The mazur mistakes are made by hand, by the
examiner's oracle of tests/api/test_grading.py (plain floats, no code of the package).
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from backprop_walkthrough import api
from backprop_walkthrough.cli import cli

from ..api.test_grading import WHERE, classic
from ..browser import CHROMIUM
from ..helpers import document

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]

#: (scenario, seed) of the pages the differential test grades.
PAGES = [("mazur", None), ("tanh_sigmoid", None), ("mazur", 7), ("softmax", None)]


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Page:
    """One practice page open in the browser, as a learner uses it."""

    def __init__(self, browser, html: str, directory: Path) -> None:
        self.path = directory / "practice.html"
        self.path.write_text(html, encoding="utf-8")
        self.context = browser.new_context(accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(self.path.as_uri())

    def type(self, answers: dict[str, str], keys: bool = True) -> None:
        """Each answer typed into its box and Enter pressed (``keys``), or — for the long
        sets, in one round trip — each box filled and left, as a change event says."""
        if not keys:
            self.page.evaluate(
                "answers => { for (const [name, text] of Object.entries(answers)) {"
                ' const box = document.querySelector(`input[data-figure="${CSS.escape(name)}"]`);'
                " box.value = text; box.dispatchEvent(new Event('change')); } }",
                answers,
            )
            return
        for name, text in answers.items():
            box = self.page.locator(f'input[data-figure="{name}"]')
            box.fill(text)
            box.press("Enter")

    def verdicts(self) -> dict[str, tuple[str, str]]:
        return self.page.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('[data-verdict]')]"
            ".map(v => [v.dataset.verdict, [v.dataset.status, v.dataset.diagnosis]]))"
        )

    def download(self, directory: Path) -> Path:
        with self.page.expect_download() as info:
            self.page.click('[data-action="download-answers"]')
        target = directory / "downloaded.yaml"
        info.value.save_as(target)
        return target

    def close(self) -> None:
        self.context.close()


def _checked(runner, path: Path) -> dict[str, tuple[str, str]]:
    result = runner.invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    (graded,) = json.loads(result.stdout)["files"]
    return {
        name: (figure["status"], " ".join(figure["diagnosis"]))
        for name, figure in graded["figures"].items()
    }


def _answer_sets(scenario: str, seed: int | None) -> list[dict[str, str]]:
    expected = api.practice(scenario, seed=seed).expected
    cut = {n: f"{math.trunc(v * 1e4) / 1e4:.4f}" for n, v in expected.items()}
    sets = [
        {n: f"{v:.9f}" for n, v in expected.items()},  # all right at 9 decimals
        {n: f"{v:.4f}" for n, v in expected.items()},  # rounded to 4
        cut,  # truncated
    ]
    if scenario == "mazur" and seed is None:  # each mistake, and what follows carried forward
        sets += [{n: f"{v:.9f}" for n, v in classic(m).items()} for m in sorted(WHERE)]
    rng = random.Random(f"{scenario} {seed}")
    for _ in range(2):  # random answers: right, rounded, cut, off, flipped, doubled or wild
        answers = {}
        for name, value in expected.items():
            if rng.random() < 0.5:
                continue
            kind = rng.randrange(7)
            digits = rng.randrange(2, 8)
            shown = [
                value,
                round(value, digits),
                math.trunc(value * 10**digits) / 10**digits,
                value * (1 + rng.uniform(-0.01, 0.01)),
                -value,
                2 * value,
                rng.uniform(-2, 2),
            ][kind]
            answers[name] = f"{shown:.{digits}f}" if kind in (1, 2) else f"{shown:.9g}"
        sets.append(answers)
    return sets


@pytest.mark.parametrize(("scenario", "seed"), PAGES)
def test_every_verdict_in_the_page_equals_checks(browser, runner, tmp_path, scenario, seed):
    html = api.practice(scenario, seed=seed).page()
    for number, answers in enumerate(_answer_sets(scenario, seed)):
        page = Page(browser, html, tmp_path)
        try:
            page.type(answers, keys=number == 0)
            shown = page.verdicts()
            downloaded = page.download(tmp_path)
            assert page.errors == []
        finally:
            page.close()
        checked = _checked(runner, downloaded)
        assert set(checked) == set(answers), number
        for name, status in shown.items():
            expected = checked.get(name, ("empty", ""))
            assert tuple(status) == expected, (number, name, answers.get(name))


def test_the_page_makes_no_request_and_grades_one_answer_in_under_5_ms(browser, tmp_path):
    page = Page(browser, api.practice("mazur").page(), tmp_path)
    try:
        page.type({"net_h1": "0.3775", "dE_total/dw5": "-0.0822"})
        assert page.requests == [page.path.as_uri()]  # the page itself, nothing else
        assert page.verdicts()["dE_total/dw5"] == ["wrong", "sign_flipped"]
        took = page.page.evaluate(
            "() => { const t = performance.now(); for (let i = 0; i < 50; i++)"
            " window.backpropPractice.grade({'dE_total/dw5': '-0.0822', 'new w5': '0.4411'});"
            " return (performance.now() - t) / 50; }"
        )
        assert took < 5, took
    finally:
        page.close()


def test_a_scenario_name_with_a_script_is_shown_as_text(browser, tmp_path):
    doc = document("mazur")
    doc["name"] = "<script>alert(1)</script>"
    doc["description"] = "</script><img src=x onerror=alert(2)>"
    html = api.practice(doc).page()
    page = Page(browser, html, tmp_path)
    dialogs: list[str] = []
    page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.type({"net_h1": "0.3775"})
        assert "<script>alert(1)</script>" in page.page.inner_text("h1")
        assert dialogs == [] and page.errors == []
        assert page.verdicts()["net_h1"] == ["correct", ""]
    finally:
        page.close()


def test_answers_survive_a_reload(browser, tmp_path):
    page = Page(browser, api.practice("mazur").page(), tmp_path)
    try:
        page.type({"net_h1": "0.3775", "out_h1": "0.7"})
        page.page.reload()
        assert page.page.input_value('input[data-figure="out_h1"]') == "0.7"
        assert page.verdicts()["out_h1"][0] == "wrong"
    finally:
        page.close()


def test_hints_come_in_order_rule_numbers_value(browser, tmp_path):
    page = Page(browser, api.practice("mazur").page(), tmp_path)
    try:
        hint = page.page.locator('[data-hint="new w1"]')
        button = page.page.locator('[data-action="hint"][data-for="new w1"]')
        button.click()
        assert hint.inner_text() == "w1⁺ = w1 − η·∂E_total/∂w1"
        button.click()
        assert hint.inner_text().endswith("w1⁺ = 0.15 − 0.5·0.000439")
        button.click()
        assert "\nnew w1 = 0.149780716" in hint.inner_text()  # the post's figure
    finally:
        page.close()
