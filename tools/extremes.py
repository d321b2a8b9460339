"""Run every chapter with every assumption at an end of its declared range; report what breaks.

``tests/test_extremes.py`` runs these (``make test``; ``make test-extremes`` runs only them).

A scenario sets **all** assumptions at once (papermill's parameter injection, after the
parameters cell):

- ``low``: every number at its ``low``, every choice at its first allowed value other than the
  file's;
- ``high``: every number at its ``high``, every choice at its last allowed value other than the
  file's;
- ``choice-k``: every choice at its k-th allowed value other than the file's (k = 2 .. the
  longest such list minus one), numbers at their file values.

So every allowed choice runs at least once: the file's own value in every chapter's ordinary run
(the book's, and the second BLAS kernel's in ``tests/test_chapters.py``), each other value here.

A chapter passes a scenario when it executes without error and no glued value or printed
output is ``nan`` or ``inf``. Notebooks are written under ``reruns/extremes/``,
never into ``book/`` or the book's download folder. The runs share one kernel per test process
(:class:`Runner`): its namespace is cleared before each run, so only the imported modules carry
over, which saves the kernel's start and the imports (about 2.5 CPU-seconds a run). Figures are
drawn without rendering, not fitted or saved, as drafts (``REPORT_FIGURE_DRAFT``, see ``analysis.figures.draft``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat

from analysis import assumptions
from tools import execute

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "reruns" / "extremes"


def scenarios(a: assumptions.Assumptions | None = None) -> dict[str, dict]:
    """Scenario name -> the papermill parameters it injects."""
    a = assumptions.load() if a is None else a
    specs = a.specs()
    low, high, others = {}, {}, {}
    longest = 0
    for name, spec in specs.items():
        if spec.allowed:  # the file's value already runs in every chapter's ordinary run
            others[name] = [v for v in spec.allowed if v != spec.value] or [spec.value]
            low[name], high[name] = others[name][0], others[name][-1]
            longest = max(longest, len(others[name]))
        else:
            low[name], high[name] = spec.low, spec.high
            if isinstance(spec.value, int):
                low[name], high[name] = int(spec.low), int(spec.high)
    out = {"low": low, "high": high}
    for k in range(1, longest - 1):
        out[f"choice-{k + 1}"] = {n: v[k] for n, v in others.items() if k < len(v) - 1}
    return out


def parameters(path: Path) -> list[str]:
    """The assumptions a chapter's parameters cell binds (``name = A.name`` lines); [] if none."""
    from tools.chapters import parameters_cell

    cell = parameters_cell(json.loads(path.read_text(encoding="utf-8")))
    if cell is None:
        return []
    return re.findall(r"^(\w+)\s*=\s*A\.\1\b", "".join(cell["source"]), flags=re.M)


def jobs(paths: list[Path], chosen: list[str], all_scenarios: dict[str, dict]) -> list[tuple[Path, str, dict]]:
    """(chapter, scenario, parameters) for each chapter and each scenario that sets one of the
    assumptions its parameters cell binds."""
    out = []
    for path in paths:
        names = parameters(path)
        for scenario in chosen:
            params = {n: v for n, v in all_scenarios[scenario].items() if n in names}
            if params:
                out.append((path, scenario, params))
    return out


def nonfinite_outputs(nb) -> list[str]:
    """Glued values and printed text outputs that show nan or inf."""
    bad = execute.nonfinite_glue(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for label, text in execute._texts(cell):
            if not label.startswith("glue") and execute._NONFINITE.search(text):
                bad.append(f"cell {i}, {label}: {text[:160]!r}")
    return bad


class Runner:
    """Executes chapters in one IPython kernel, started at the first run with ``env`` added to its
    environment (``tests/conftest.py`` gives the second BLAS kernel, one thread: the kernel is shared
    by the extremes and by that kernel's run of every chapter in ``tests/test_chapters.py``).

    Before each run the kernel's namespace is cleared (``%reset -f``), its open figures closed,
    its working folder set to the notebook's and its figure folder to the run's own. A cell error
    leaves the kernel running; a kernel that died is started again for the next run.
    """

    def __init__(self, timeout: int = execute.TIMEOUT, env: dict | None = None):
        self.timeout = timeout
        self.env = dict(env or {})
        self.client = None

    def execute(self, path: Path, label: str, params: dict):
        """Execute one chapter with ``params`` injected after its parameters cell, as papermill does
        (none: the chapter as it stands, cell for cell); write it to ``OUT/<chapter>--<label>/``.
        Returns (the executed notebook, its problems: empty when every cell ran)."""
        from nbclient.exceptions import CellExecutionError, DeadKernelError
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        out_dir = OUT / f"{path.stem}--{label}"
        out_dir.mkdir(parents=True, exist_ok=True)
        nb = (parameterize_notebook(load_notebook_node(str(path)), params, kernel_name="python3", language="python")
              if params else nbformat.read(path, as_version=4))
        nb.cells.insert(0, nbformat.v4.new_code_cell(
            "get_ipython().run_line_magic('reset', '-f')\nimport os as _os\nimport matplotlib.pyplot as _plt\n"
            f"_plt.close('all')\n_os.environ['REPORT_FIGURE_DIR'] = {str(out_dir / 'figures')!r}\n"
            f"_os.chdir({str(path.parent)!r})\ndel _os, _plt"))
        problems = []
        try:
            self._execute(nb, path.parent)
        except CellExecutionError as exc:
            problems = [f"execution failed: {str(exc)[-1500:]}"]
        except DeadKernelError as exc:
            self.close()
            problems = [f"the kernel died: {exc}"]
        nb.cells.pop(0)
        nbformat.write(nb, out_dir / f"{path.stem}.ipynb")
        return nbformat.read(out_dir / f"{path.stem}.ipynb", as_version=4), problems  # as stored: keys sorted

    def run_one(self, path: Path, scenario: str, params: dict) -> list[str]:
        """Execute one chapter under one scenario; return the problems (empty when it passed)."""
        nb, problems = self.execute(path, scenario, params)
        return problems or nonfinite_outputs(nb)

    def blas(self) -> list[tuple[str, int]]:
        """The BLAS libraries the kernel has loaded: (threadpoolctl's kernel name, threads) each."""
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "import json as _j, threadpoolctl as _t\nprint(_j.dumps(sorted({(i.get('architecture') or '?', "
            "i['num_threads']) for i in _t.threadpool_info() if i['user_api'] == 'blas'})))\ndel _j, _t")])
        self._execute(nb, ROOT)
        return [tuple(x) for x in json.loads(nb.cells[0].outputs[0]["text"])]

    def _execute(self, nb, cwd: Path) -> None:
        from nbclient import NotebookClient

        if self.client is None:
            self.client = NotebookClient(nb, timeout=self.timeout, kernel_name="python3",
                                         resources={"metadata": {"path": str(cwd)}})
        self.client.nb = nb
        self.client.execute(cleanup_kc=False, env=os.environ | self.env | {
            "REPORT_FIGURE_DRAFT": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})

    def close(self) -> None:
        if self.client is not None:
            self.client._cleanup_kernel()
            self.client = None
