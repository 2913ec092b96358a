"""The example notebook runs top to bottom, and its cells show typeset formulas."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from ..conftest import ROOT

NOTEBOOK = ROOT / "examples" / "walkthrough.ipynb"


def executed(path, directory):
    """The notebook at ``path``, run top to bottom in a kernel (in ``directory``)."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(directory)}},
    ).execute()
    return notebook


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter_client's own
def test_the_example_notebook_runs_and_shows_formulas(tmp_path):
    notebook = executed(NOTEBOOK, tmp_path)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(html) >= 2 and all("<math" in h and "<mfrac>" in h for h in html)
    texts = " ".join(o["data"].get("text/plain", "") for o in outputs if "data" in o)
    assert "0.000438567734" in texts  # w.gradients["w1"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_learners_notebook_gets_the_cmp_table(tmp_path):
    """examples/backprop_ninja.ipynb: the lecture's exercise written by a learner in NumPy, with
    two slips; check_tensors(globals()) shows the cmp table as HTML, the first slip first."""
    notebook = executed(ROOT / "examples" / "backprop_ninja.ipynb", tmp_path)
    last = notebook.cells[-1].outputs
    html = next(o["data"]["text/html"] for o in last if "text/html" in o.get("data", {}))
    assert "<table" in html and "Your tensors checked" in html
    assert "fix first" in html and "Bessel" in html
    assert "dC[Xb] = demb" in html and "2 of 26 wrong" in html and "carried forward" in html
