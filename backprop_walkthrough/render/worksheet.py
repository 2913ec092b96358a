"""The practice questions as a worksheet with blanks, or as its answer key.

Formats: ``yaml`` (an answers file to fill in and grade with ``check``), ``markdown``,
``latex`` (a standalone article for pdflatex) and ``html`` (one printable page). Each row is a
figure, the rule it follows in symbols (the first hint of ``practice``) and a blank — or, in
the key, the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from .latex import latex_text
from .numbers import format_operand
from .printing import to_latex, to_text

FORMATS = ("yaml", "markdown", "latex", "html")


def _rule_text(form: Any) -> str:
    label = form.label if isinstance(form.label, str) else to_text(form.label)
    if form.expr is not None:
        return f"{label} = {to_text(form.expr)}"
    if form.parts and form.operator:
        return f"{label} = " + f" {form.operator} ".join(to_text(p) for _, p in form.parts)
    return label


def rule_lines(form: Any, expected: Mapping[str, float], digits: int = 9) -> list[str]:
    """A figure's rule in symbols, then with the numbers put in (one line each)."""
    lines = [_rule_text(form)]
    label = form.label if isinstance(form.label, str) else to_text(form.label)
    if form.expr is not None:
        lines.append(f"{label} = {to_text(form.expr, form.substitutions, digits)}")
    elif form.parts and form.operator:
        joined = f" {form.operator} ".join(
            format_operand(expected[key], digits, typographic=True) for key, _ in form.parts
        )
        lines.append(f"{label} = {joined}")
    elif form.parts:  # an update, p⁺ = p − η·g: the gradient it takes
        ((gradient, _),) = form.parts
        value = format_operand(expected[gradient], digits, typographic=True)
        lines.append(f"{label}, with {gradient} = {value}")
    return lines


def _rule_latex(form: Any) -> str:
    if isinstance(form.label, str):
        return latex_text(form.label)
    label = to_latex(form.label)
    if form.expr is not None:
        return f"${label} = {to_latex(form.expr)}$"
    operator = {"×": r"\times", "+": "+"}.get(form.operator, form.operator)
    return f"${label} = " + f" {operator} ".join(to_latex(p) for _, p in form.parts) + "$"


def render_worksheet(
    title: str,
    scenario: str | Mapping[str, Any],
    names: Sequence[str],
    forms: Mapping[str, Any],
    values: Mapping[str, float] | None = None,
) -> dict[str, str]:
    """Every format of the worksheet (``values``: the answer key)."""
    key = values is not None

    def value(name: str) -> str:
        return format_operand(values[name], 9) if values is not None else ""

    heading = f"{title} — answer key" if key else title
    yaml_lines = [
        f"# {heading}: fill in each figure (a number, or arithmetic such as 0.5933*(1-0.5933)),",
        "# then grade it: backprop-walkthrough check THIS-FILE.yaml",
        _yaml_scenario(scenario),
        "answers:",
    ]
    for name in names:
        yaml_lines.append(
            f'  "{name}": {value(name)}'.rstrip() + f"    # {_rule_text(forms[name])}"
        )
    markdown = [f"# {heading}", "", "| figure | rule | value |", "|---|---|---|"]
    for name in names:
        rule = _rule_text(forms[name]).replace("|", "\\|")
        markdown.append(f"| `{name}` | {rule} | {value(name) or ' '} |")
    latex_rows = [
        rf"\texttt{{{latex_text(name)}}} & {_rule_latex(forms[name])} & "
        + (value(name) if key else r"\rule{3.2cm}{0.4pt}")
        + r" \\[6pt]"
        for name in names
    ]
    latex = "\n".join(
        [
            r"\documentclass[11pt]{article}",
            r"\usepackage[a4paper,margin=18mm]{geometry}",
            r"\usepackage{amsmath,longtable}",
            r"\begin{document}",
            rf"\section*{{{latex_text(heading)}}}",
            r"\begin{longtable}{lll}",
            r"figure & rule & value \\ \hline",
            *latex_rows,
            r"\end{longtable}",
            r"\end{document}",
        ]
    )
    html_rows = "\n".join(
        f"<tr><td><code>{escape(name)}</code></td><td>{escape(_rule_text(forms[name]))}</td>"
        f'<td class="blank">{escape(value(name))}</td></tr>'
        for name in names
    )
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(heading)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%}td,th{padding:.45rem .6rem;text-align:left;"
        "border-bottom:1px solid #ccc}td.blank{min-width:9rem;border-bottom:1px solid #333}"
        "</style></head><body>\n"
        f"<h1>{escape(heading)}</h1>\n<table>\n<tr><th>figure</th><th>rule</th><th>value</th>"
        f"</tr>\n{html_rows}\n</table>\n</body></html>\n"
    )
    return {
        "yaml": "\n".join(yaml_lines) + "\n",
        "markdown": "\n".join(markdown) + "\n",
        "latex": latex + "\n",
        "html": html,
    }


def _yaml_scenario(scenario: str | Mapping[str, Any]) -> str:
    import yaml

    if isinstance(scenario, str):
        return f"scenario: {scenario}"
    dumped = yaml.safe_dump({"scenario": dict(scenario)}, sort_keys=False, allow_unicode=True)
    return dumped.rstrip()
