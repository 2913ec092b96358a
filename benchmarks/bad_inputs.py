"""How fast and how small the refusals of bad inputs are, each in a child process of its own.

    python benchmarks/bad_inputs.py

Every file of tests/bad_scenarios, a 50 MB file, a network of 10⁶ neurons, ``/dev/zero``,
``/dev/urandom``, endless standard input, a FIFO with no writer, the valid 19,770-parameter ×
100-example batch, and a 10,000,000-step training run with ``--every 1``: each must be refused
(or bounded) within one second and 100 MB of peak memory (issues 6 and 12). Times are printed
beside the ratio to the default walkthrough run the same way in the same invocation, which is
the work a refusal must never come close to. Peak memory is the child's own maximum resident
set (``ru_maxrss``), which includes the interpreter and the imports (about 60 MB of it).

Issue 24's surfaces follow, each refused or bounded within one second and 200 MB (a row says
its own target): answers that try to cheat the grader, an output written over an input, the
unbounded --exact cases, the 990 KB shapes file, an endless practice line, 5,000,000
checkpoints, a terminal 10⁸ columns wide, and a class of answers files naming one scenario.

A last row runs a long training that is allowed (1,000,000 steps, ``--every 1``): it takes
seconds, and what must stay bounded is its memory and its output (the history is thinned).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import ENV, PY

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "bad_scenarios"
TIME_TARGET = 1.0  # seconds
MEMORY_TARGET = 100 * 1024 * 1024  # bytes
NEW_MEMORY_TARGET = 200 * 1024 * 1024  # issue 24's surfaces

# The child runs the command line and reports its own peak memory on a descriptor of its own, so
# that the command's stdout (which may be large) is not parsed.
CHILD = """\
import os, resource, sys
sys.argv = ['backprop-walkthrough', *sys.argv[1:]]
from backprop_walkthrough.cli import main
try:
    main()
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    os.write(int(os.environ['PEAK_FD']), str(peak).encode())
"""


def measure(
    args: list[str], stdin_path: str = os.devnull, env: dict[str, str] | None = None
) -> tuple[float, int, int, int]:
    """(seconds, peak bytes, exit code, bytes of stdout) of one command line in a child."""
    read_end, write_end = os.pipe()
    with Path(stdin_path).open("rb") as stdin, tempfile.TemporaryFile() as stdout:
        start = time.perf_counter()
        result = subprocess.run(
            [PY, "-c", CHILD, *args],
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            env={**ENV, "PEAK_FD": str(write_end), "COLUMNS": "80", **(env or {})},
            pass_fds=(write_end,),
            timeout=120,
            check=False,
        )
        seconds = time.perf_counter() - start
        written = stdout.seek(0, os.SEEK_END)
    os.close(write_end)
    with os.fdopen(read_end) as peak:
        return seconds, int(peak.read() or 0), result.returncode, written


@contextmanager
def made_inputs() -> Iterator[dict[str, tuple[list[str], str]]]:
    """The bad inputs that are not files of the corpus: name → (arguments, stdin)."""
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.yaml"
        with big.open("wb") as stream:
            stream.seek(50 * 1024 * 1024)
            stream.write(b"\n")
        huge = Path(folder) / "million.yaml"
        huge.write_text("layers: [{size: 2}, {size: 1000000}, {size: 2}]\n", encoding="utf-8")
        fifo = Path(folder) / "fifo.yaml"
        os.mkfifo(fifo)
        yield {
            "50 MB file": (["run", str(big)], os.devnull),
            "10⁶ hidden neurons": (["run", str(huge)], os.devnull),
            "/dev/zero": (["run", "/dev/zero"], os.devnull),
            "/dev/urandom": (["validate", "/dev/urandom"], os.devnull),
            "endless standard input": (["run", "-"], "/dev/zero"),
            "FIFO without a writer": (["run", str(fifo)], os.devnull),
            "19,770 parameters × 100": (
                ["run", str(CORPUS / "too_much_work.yaml"), "--format", "json"],
                os.devnull,
            ),
            "10,000,000 steps, --every 1": (
                ["train", "--steps", "10000000", "--every", "1", "--format", "json"],
                os.devnull,
            ),
        }


@contextmanager
def issue_24_inputs() -> Iterator[dict[str, tuple[list[str], str, int, dict[str, str]]]]:
    """name → (arguments, stdin, the exit code that means refused or bounded, extra env)."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        names = [
            line.strip()
            for line in subprocess.run(
                [PY, "-m", "backprop_walkthrough", "check", "--figures"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()
        ]
        cheat = base / "cheat.yaml"
        cheat.write_text("answers:\n" + "".join(f'  "{n}": 0e9\n' for n in names))
        answers = base / "ans.yaml"
        answers.write_text("answers:\n  net_h1: 0.3775\n")
        shapes = base / "shapes.yaml"
        shapes.write_text("kind: embedding_mlp\nblock_size: 16\nwords: [" + "a" * 990_000 + "]\n")
        for i in range(30):
            (base / f"class{i:02}.yaml").write_text(f"answers:\n  net_h1: 0.37{i:02}\n")
        class_files = [str(base / f"class{i:02}.yaml") for i in range(30)]
        no_env: dict[str, str] = {}
        yield {
            "66 answers of 0e9 (exit 1: wrong)": (["check", str(cheat)], os.devnull, 1, no_env),
            "check -o its own answers file": (
                ["check", str(answers), "--format", "json", "-o", str(answers)],
                os.devnull,
                2,
                no_env,
            ),
            "expr --exact, a tower of powers": (
                ["expr", "L = (((a**100)**100)**100)**100", "a=1/3", "--exact"],
                os.devnull,
                2,
                no_env,
            ),
            "expr --exact, six nested sigmoids": (
                ["expr", "L = " + "sigmoid(" * 6 + "a" + ")" * 6, "a=1/3", "--exact"],
                os.devnull,
                2,
                no_env,
            ),
            "run wide --exact": (["run", "wide", "--exact"], os.devnull, 2, no_env),
            "shapes, a 990 KB word, --format json": (
                ["shapes", str(shapes), "--format", "json"],
                os.devnull,
                2,
                no_env,
            ),
            "practice < /dev/zero": (["practice"], "/dev/zero", 2, no_env),
            "train --max-checkpoints 5000000": (
                ["train", "--max-checkpoints", "5000000"],
                os.devnull,
                2,
                no_env,
            ),
            "COLUMNS=100000000 (exit 0: clamped)": (
                ["run"],
                os.devnull,
                0,
                {"COLUMNS": "100000000"},
            ),
            "class of 30 files, one scenario (exit 1)": (
                ["check", *class_files],
                os.devnull,
                1,
                no_env,
            ),
        }


def main() -> None:
    measure(["run"])  # bytecode and caches warm
    baseline, base_peak, _, _ = measure(["run"])
    print(f"baseline: the default walkthrough in {baseline * 1000:.0f} ms, {base_peak >> 20} MB")
    print(f"{'input':<40}{'exit':>5}{'time':>9}{'× base':>8}{'peak':>8}  verdict")
    rows: list[tuple[str, list[str], str]] = [
        (path.name, ["run", str(path)], os.devnull)
        for path in sorted(CORPUS.glob("*.yaml"))
        if path.name != "expected.yaml"
    ]
    missed = 0
    with made_inputs() as made:
        rows += [(name, args, stdin) for name, (args, stdin) in made.items()]
        for name, args, stdin in rows:
            seconds, peak, code, _ = measure(args, stdin)
            good = code == 2 and seconds < TIME_TARGET and peak < MEMORY_TARGET
            missed += not good
            print(
                f"{name[:40]:<40}{code:>5}{seconds * 1000:>7.0f}ms{seconds / baseline:>8.2f}"
                f"{peak >> 20:>6}MB  {'ok' if good else 'MISSED'}"
            )
    with issue_24_inputs() as surfaces:
        for name, (args, stdin, expected, env) in surfaces.items():
            seconds, peak, code, _ = measure(args, stdin, env)
            # A class is thirty gradings, not a refusal: its time is reported, not judged.
            quick = seconds < TIME_TARGET or name.startswith("class")
            good = code == expected and quick and peak < NEW_MEMORY_TARGET
            missed += not good
            rows.append((name, args, stdin))
            print(
                f"{name[:40]:<40}{code:>5}{seconds * 1000:>7.0f}ms{seconds / baseline:>8.2f}"
                f"{peak >> 20:>6}MB  {'ok' if good else 'MISSED'}"
            )
    args = ["train", "--steps", "1000000", "--every", "1", "--format", "json"]
    seconds, peak, code, written = measure(args)
    good = code == 0 and peak < MEMORY_TARGET and written < 1024 * 1024
    missed += not good
    print(
        f"allowed: train 1,000,000 steps --every 1: exit {code}, {seconds:.1f} s, "
        f"{peak >> 20} MB peak, {written / 1024:.0f} KB of JSON  {'ok' if good else 'MISSED'}"
    )
    print(f"{len(rows) + 1 - missed} of {len(rows) + 1} within target")


if __name__ == "__main__":
    main()
