"""Every assumption at either end of its declared range: the scenarios, and the ledger under them.

Every chapter runs under every scenario that sets one of its assumptions
(``test_chapter_under_scenario``, one run each in the kernel the test process shares, the
``runner`` fixture of ``tests/conftest.py``; written under ``reruns/extremes/``;
``make test-extremes`` runs only these): no error, no nan or inf glued or printed. The scenarios
are checked to cover every end and every allowed choice, and the whole claims ledger is recomputed
under each (it must give a finite number for every checkable claim).
"""

from __future__ import annotations

import math

import nbformat
import pytest

from analysis import assumptions, ledger
from tools import execute, extremes

SCENARIOS = extremes.scenarios()
JOBS = extremes.jobs([p for p in execute.chapters() if p.stem != "status"], list(SCENARIOS), SCENARIOS)


@pytest.mark.parametrize(("path", "scenario", "params"), JOBS, ids=[f"{p.stem}--{s}" for p, s, _ in JOBS])
def test_chapter_under_scenario(runner, path, scenario, params):
    problems = runner.run_one(path, scenario, params)
    assert not problems, f"{path.stem} under {scenario!r}:\n" + "\n".join(problems)


def test_a_failing_run_is_reported_and_the_next_one_still_runs(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(extremes, "OUT", tmp_path / "out")  # not under the repository's reruns/
    bad = tmp_path / "bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("assert x == 1, 'x was changed'\nprint(float(x) * float('inf'))")]), bad)
    assert any("x was changed" in p for p in runner.run_one(bad, "test", {"x": 2}))
    [problem] = runner.run_one(bad, "test", {"x": 1})
    assert "(printed): 'inf\\n'" in problem
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(x)")]), bad)
    [problem] = runner.run_one(bad, "test", {})
    assert "NameError" in problem, f"the namespace was not cleared: {problem}"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from pathlib import Path\nassert Path('bad.ipynb').exists(), Path.cwd()")]), bad)
    assert runner.run_one(bad, "test", {}) == [], "the run is not in its notebook's folder"


def test_scenarios_cover_both_ends_and_every_choice():
    a = assumptions.load()
    seen: dict[str, set] = {}
    for params in SCENARIOS.values():
        for name, value in params.items():
            seen.setdefault(name, set()).add(value)
    for name, spec in a.specs().items():
        if spec.allowed:  # the file's value runs in every chapter's ordinary run (test_chapters)
            assert seen[name] | {spec.value} == set(spec.allowed), name
        else:
            assert {spec.low, spec.high} <= seen[name], name


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_scenario_values_are_accepted(scenario):
    assumptions.load().replace(**SCENARIOS[scenario])  # raises if any value is out of range


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_ledger_is_finite_under_every_scenario(scenario):
    a = assumptions.load().replace(**SCENARIOS[scenario])
    df = ledger.ledger(a)
    checked = df[df["recompute"].notna() & (df["recompute"] != "")]
    assert all(math.isfinite(v) for v in checked["recomputed"]), scenario
    assert set(df["verdict"]) <= set(ledger.VERDICTS)


def test_every_chapter_with_parameters_gets_both_ends():
    todo = extremes.jobs(execute.chapters(), list(SCENARIOS), SCENARIOS)
    ends = {(p.stem, s) for p, s, _ in todo}
    for path in execute.chapters():
        if extremes.parameters(path):
            assert {(path.stem, "low"), (path.stem, "high")} <= ends
