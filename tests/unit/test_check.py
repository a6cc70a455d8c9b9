"""The student's side: skeletons from the reference scripts, and the check of what a student wrote."""

import ast
import re
import time
from pathlib import Path

import pytest
import yaml

from coursekit.students import check
from coursekit.students import skeletons as exercises

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "workflow/scripts"
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def reference_source(module, name):
    """The source of one function of a reference script, as a student would copy it."""
    text = (SCRIPTS / f"{module}.py").read_text()
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.get_source_segment(text, node)


def student_file(folder, module, functions=(), edit=lambda text: text):
    """The skeleton of ``module`` in ``folder``, with the reference's version of ``functions`` written in."""
    folder.mkdir(exist_ok=True)
    mine = [e for e in exercises.all_exercises() if e.module == module]
    text = exercises.skeleton(module, mine)
    text += "".join(f"\n\n{edit(reference_source(module, name))}\n" for name in functions)
    (folder / f"{module}.py").write_text(text)
    return folder / f"{module}.py"


def rows_of(folder, timeout=20):
    limits = check.limits_of({"timeout": timeout, "memory_mb": 2048})
    return {r["function"]: r for r in check.check_all(folder, 2018, CONFIG, limits)
            if (folder / f"{r['module']}.py").exists()}


def test_every_exercise_has_a_statement_and_a_case():
    found = exercises.all_exercises()
    assert len(found) >= 25 and all(len(e.statement) >= 25 for e in found)
    for module in {e.module for e in found}:
        import importlib

        cased = {name for name, _ in importlib.import_module(module).cases(2018, CONFIG)}
        assert {e.name for e in found if e.module == module} == cased, module


def test_skeleton_holds_statements_not_solutions():
    text = exercises.skeleton("automata", [e for e in exercises.all_exercises() if e.module == "automata"])
    compile(text, "automata.py", "exec")
    assert text.count("    raise NotImplementedError\n") == 3 and "def evolve(Z, rule):" in text
    assert "sliding_window_view(Z[i - 1], 3)" not in text and "[4, 2, 1]" not in text  # our code is not in it


def test_reference_copied_into_the_skeleton_is_correct(tmp_path):
    student_file(tmp_path, "diffusion", ["sliding_window"])  # automata's skeleton imports it: the student's own
    student_file(tmp_path, "automata", ["rule_table", "evolve", "evolve_python"])
    rows = rows_of(tmp_path)
    assert {name: r["status"] for name, r in rows.items() if r["module"] == "automata"} == {
        "rule_table": "correct", "evolve": "correct", "evolve_python": "correct"}
    assert "closer to the vectorised solution" in rows["evolve"]["detail"]
    assert float(rows["evolve"]["student_s"]) > 0 and float(rows["evolve"]["reference_s"]) > 0


def test_one_constant_changed_is_wrong_and_names_the_first_difference(tmp_path):
    student_file(tmp_path, "diffusion", ["sliding_window"])
    student_file(tmp_path, "automata", ["rule_table", "evolve"], edit=lambda t: t.replace("[4, 2, 1]", "[1, 2, 4]"))
    row = rows_of(tmp_path)["evolve"]
    assert row["status"] == "wrong", row
    # Rule 30 read backwards is Rule 86: the same first row below the seed (111), different from the next one
    assert row["detail"].startswith("case 1 of 258, evolve(array of shape (250, 501) (uint8), 30): at index [2, 249]: "
                                    "yours 0, expected 1 (")
    assert "workflow/scripts" not in row["detail"]


def test_a_loop_version_is_timed_as_closer_to_the_loop(tmp_path):
    """A 'vectorised' function that is really the loop is correct, and the check says it is as slow as the loop."""
    student_file(tmp_path, "diffusion", ["sliding_window"])
    student_file(tmp_path, "automata", ["rule_table"])
    text = (tmp_path / "automata.py").read_text() + "\n\ndef evolve(Z, rule):\n" + \
        "\n".join(reference_source("automata", "evolve_python").splitlines()[8:]) + "\n"
    (tmp_path / "automata.py").write_text(text)
    row = rows_of(tmp_path)["evolve"]
    assert row["status"] == "correct" and "closer to the loop" in row["detail"], row


def test_an_endless_loop_is_a_timeout_and_the_check_goes_on(tmp_path):
    student_file(tmp_path, "reorder", ["element_struct"])
    with open(tmp_path / "reorder.py", "a") as f:
        f.write("\n\ndef element_numpy(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n    while True:\n"
                "        pass\n")
    start = time.monotonic()
    rows = rows_of(tmp_path, timeout=2)
    assert time.monotonic() - start < 15
    assert rows["element_numpy"]["status"] == "timeout" and "still running after 2 s" in rows["element_numpy"]["detail"]
    assert rows["element_struct"]["status"] == "correct"


def test_a_huge_allocation_is_stopped_by_the_memory_cap(tmp_path):
    student_file(tmp_path, "basic_manipulation")
    with open(tmp_path / "basic_manipulation.py", "a") as f:
        f.write("\n\ndef vector_10_to_49():\n    return np.ones(10**11)[10:50]\n")
    row = rows_of(tmp_path)["vector_10_to_49"]
    assert row["status"] == "timeout" and "memory cap (2048 MB" in row["detail"]


def test_an_error_shows_the_students_traceback_only(tmp_path):
    student_file(tmp_path, "strides")
    with open(tmp_path / "strides.py", "a") as f:
        f.write("\n\ndef strides(Z, order=None):\n    return helper(Z)\n\n\ndef helper(Z):\n    return Z.stridez\n")
    detail = rows_of(tmp_path)["strides"]["detail"]
    assert detail.splitlines() == [
        f"{tmp_path / 'strides.py'}, line {detail.splitlines()[0].split('line ')[1].split(',')[0]}, in strides: "
        "return helper(Z)",
        detail.splitlines()[1],
        "AttributeError: 'numpy.ndarray' object has no attribute 'stridez'"]
    assert "in helper: return Z.stridez" in detail.splitlines()[1] and "check.py" not in detail


def test_untouched_skeleton_is_todo_and_a_syntax_error_is_an_error(tmp_path):
    student_file(tmp_path, "repeat")
    assert {r["status"] for r in rows_of(tmp_path).values()} == {"todo"}
    (tmp_path / "repeat.py").write_text("def tiled(Z, n=3):\n    return (\n")
    row = rows_of(tmp_path)["tiled"]
    assert row["status"] == "error" and "SyntaxError" in row["detail"] and "repeat.py, line" in row["detail"]


def test_write_skeletons_never_overwrites(tmp_path):
    written, kept = exercises.write_skeletons(tmp_path / "solutions")
    assert len(written) >= 10 and kept == []
    mine = tmp_path / "solutions/automata.py"
    mine.write_text("# my work\n")
    written, kept = exercises.write_skeletons(tmp_path / "solutions")
    assert written == [] and mine in kept and mine.read_text() == "# my work\n"


def test_report_lists_each_function_and_the_verdict():
    rows = [{"module": "m", "function": "f", "status": "wrong", "detail": "at index [0]: yours 1, expected 2"},
            {"module": "m", "function": "g", "status": "todo", "detail": "still raises NotImplementedError"}]
    text = check.report(rows, "solutions")
    assert "1 todo, 1 wrong" in text and "**Some functions need work** (the check fails): `m.f`" in text
    assert "| `m.f` | wrong | at index [0]: yours 1, expected 2 |" in text


@pytest.mark.parametrize("module,expected", [
    ("automata", "rule_table(30) returns\n  an array of shape (8,), uint8:\n    [0 1 1 1 1 0 0 0]"),
    ("reorder", "element_numpy([0, 0, 0, 0, 0, 0, 3, 233, 0, 0, 0, 0, 0, 0, 3, 237, 0, 0..., (1, 0, 0), (2, 2, 2)) "
                "returns\n  1005"),
    ("strides", "strides(array of shape (2, 3, 4) (int64)) returns\n  (96, 32, 8)"),
])
def test_a_script_run_directly_prints_its_default_case(tmp_path, module, expected):
    """`python workflow/scripts/automata.py` exited 0 and did nothing; it shows the default case, from any folder."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(SCRIPTS / f"{module}.py")], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout and f"edit solutions/{module}.py" in result.stdout


def test_statements_hold_no_solution_code():
    """A statement is the Exercise section only: the explanation of our solution (Notes) stays out of it."""
    for e in exercises.all_exercises():
        assert ">>>" not in e.statement and "einsum('" not in e.statement, e.title
        assert not re.search(r"\n\s*(Notes|Parameters|Examples|Returns)\n\s*---", e.statement), e.title
    find_numpy = next(e for e in exercises.all_exercises() if e.name == "find_numpy")
    assert "keeps the true matches" not in find_numpy.statement


def test_the_terminal_line_of_an_error_names_the_students_file_and_line():
    row = {"status": "error", "detail": "/home/s/strides.py, line 22, in strides: return helper(Z)\n"
                                        "/home/s/strides.py, line 26, in helper: return Z.stridez\n"
                                        "AttributeError: 'numpy.ndarray' object has no attribute 'stridez'\n"
                                        "it printed: hello"}
    assert check.headline(row) == ("/home/s/strides.py, line 26, in helper: AttributeError: 'numpy.ndarray' object "
                                   "has no attribute 'stridez'")
    assert check.headline({"status": "wrong", "detail": "case 1 of 2, f(1): yours 1, expected 2\nit printed: x"}) \
        == "case 1 of 2, f(1): yours 1, expected 2"
