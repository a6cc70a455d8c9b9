"""A student's three commands, run for real: make the exercise files, edit one, check."""

import ast

import pytest

import re

from conftest import ROOT, small_config, snakemake

pytestmark = pytest.mark.workflow


def test_exercises_then_check_then_exercises_again_keeps_the_edits(tmp_path):
    run, config = tmp_path / "run", small_config()
    made = snakemake(run, config, "exercises", "--cores", "1")
    solutions = run / "solutions"
    assert (solutions / "automata.py").exists() and "wrote solutions/automata.py" in made.stderr
    # nothing written yet: the check passes, everything is to do
    first = snakemake(run, config, "check")
    assert "0 function(s) correct; still to do: random_walk.random_walk_slow" in first.stderr
    # the student writes rule_table (the reference's own code) and a wrong evolve
    source = (ROOT / "workflow/scripts/automata.py").read_text()
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "rule_table")
    mine = solutions / "automata.py"
    mine.write_text(mine.read_text() + "\n\n" + ast.get_source_segment(source, node) + "\n\n\n"
                    "def evolve(Z, rule):\n    Z[1:] = 1\n    return Z\n")
    edited = mine.read_text()
    second = snakemake(run, config, "check", check=False)
    assert second.returncode != 0
    assert "1 function(s) need work" in second.stderr and "automata.evolve: wrong: case 1 of" in second.stderr
    # the wrong evolve drawn beside the reference's, with the module's own plot function
    import imageio.v3 as iio

    both = iio.imread(run / "results/check/figures/automata/evolve.png")
    left, right = both[:, : both.shape[1] // 2], both[:, both.shape[1] // 2:]
    assert both.shape[1] > both.shape[0] and (left != right).any()  # all black below row 0 on the left, not right
    rows = (run / "results/check/check.csv").read_text().splitlines()
    assert rows[0] == "module,function,status,detail,student_s,reference_s"
    assert any(r.startswith("automata,rule_table,correct,") for r in rows)
    again = snakemake(run, config, "exercises", "--cores", "1")
    assert "kept solutions/automata.py (it exists: never overwritten)" in again.stderr
    assert mine.read_text() == edited


def planned(run, config):
    """The jobs `snakemake check` would run now, by rule (a dry run)."""
    out = snakemake(run, config, "check", "-n", "--quiet", "rules").stdout
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s*([a-z_]+)\s+(\d+)\s*$", out, re.M)
            if m.group(1) != "total"}


def test_editing_one_module_checks_that_module_again_and_no_other(tmp_path):
    """Any edit re-checked all 31 functions (20 to 23 s a round): each module is now a job of its own."""
    run, config = tmp_path / "run", small_config()
    snakemake(run, config, "exercises", "--cores", "1")
    snakemake(run, config, "check")
    assert planned(run, config) == {"check": 1}  # nothing to check again
    mine = run / "solutions/reorder.py"
    mine.write_text(mine.read_text() + "\n# an edit\n")
    assert planned(run, config) == {"check_module": 1, "check_solutions": 1, "check": 1}
    snakemake(run, config, "check")
    diffusion = run / "solutions/diffusion.py"  # automata.py imports it: both are checked again
    diffusion.write_text(diffusion.read_text() + "\n# an edit\n")
    assert planned(run, config) == {"check_module": 2, "check_solutions": 1, "check": 1}
