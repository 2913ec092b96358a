"""Sessions per supported Python: ``nox`` (every interpreter found), ``nox -s fast-3.13``.

``fast`` runs the fast subset (``-m "not slow"``, tests/conftest.py says what is slow) and
``tests`` the whole suite. ``.ci/run`` runs the whole suite with the README's python3 and the
fast subset with every other supported interpreter the machine has.
"""

from __future__ import annotations

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
nox.options.sessions = ["fast"]
nox.options.error_on_missing_interpreters = False


@nox.session(python=PYTHONS)
def fast(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-m", "not slow", *session.posargs)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)
