"""The answers-file and expression-file corpus (tests/bad_inputs/): every file refused by
`validate` and by the command that reads it, with the expected message and line, exit 2."""

from __future__ import annotations

import pytest
import yaml

from backprop_walkthrough.cli import cli

from ..conftest import TESTS

CORPUS = TESTS / "bad_inputs"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


def test_every_file_of_the_corpus_is_expected():
    assert sorted(EXPECTED) == sorted(p.name for p in CORPUS.glob("*.yaml") if p.stem != "expected")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_refused_with_its_message_and_line(runner, name):
    path = CORPUS / name
    expected = EXPECTED[name]
    command = ["check", str(path)] if name.startswith("answers") else ["expr", str(path)]
    for args in (["validate", str(path)], command):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert f"{name}:{expected['line']}:" in result.stderr, result.stderr
        assert expected["message"] in result.stderr, result.stderr
        assert "internal error" not in result.stderr and "\x1b" not in result.stderr
