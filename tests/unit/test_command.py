"""The check by name (course-check, check(), assert_correct), speed verdicts that do not flip, and answers the
course accepts that are not the reference's (a walk drawn with rng.choice)."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coursekit.students import check as checker
from coursekit.students import command
from coursekit.students import skeletons

from test_check import student_file

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
COMMAND = [sys.executable, "-m", "coursekit.students.command"]


@pytest.mark.parametrize("seconds, verdict", [
    (1.0, "closer to the vectorised solution"),     # as fast as the vectorised one
    (10.0, "too close to call between the two"),   # the geometric middle of 1 and 100
    (5.0, "closer to the vectorised solution"),    # 5x the fast one, 20x faster than the loop: 4 times nearer
    (8.0, "too close to call between the two"),    # 8x the fast one, 12.5x faster than the loop: 1.6 times nearer
    (100.0, "closer to the loop"),
    (30.0, "closer to the loop"),                  # 30x the fast one, 3.3x faster than the loop: 9 times nearer
])
def test_closer_to_names_a_side_only_beyond_the_margin(seconds, verdict):
    # hand-worked: the fast version takes 1 s, the loop 100 s; a side is named when (its ratio) * 2 <= (the other's)
    assert checker.closer_to(seconds, 100.0, 1.0) == verdict


def test_closer_to_is_symmetric_on_a_log_scale():
    for s in (1.5, 3.0, 12.0, 40.0):
        mirrored = 100.0 / s  # the same distance from the other end
        flip = {"closer to the loop": "closer to the vectorised solution",
                "closer to the vectorised solution": "closer to the loop"}
        a, b = checker.closer_to(s, 100.0, 1.0), checker.closer_to(mirrored, 100.0, 1.0)
        assert flip.get(a, a) == b, (s, a, b)


def test_resolve_picks_a_module_a_function_or_both():
    exercises = skeletons.all_exercises()
    assert [e.title for e in command.resolve(["automata"], exercises)] == \
        [e.title for e in exercises if e.module == "automata"]
    assert [e.title for e in command.resolve(["automata.evolve"], exercises)] == ["automata.evolve"]
    assert [e.title for e in command.resolve(["sliding_window"], exercises)] == ["diffusion.sliding_window"]
    assert len(command.resolve([], exercises)) == len(exercises)


def test_resolve_refuses_an_unknown_name_with_the_nearest_ones():
    from coursekit.core import InputError

    with pytest.raises(InputError, match=r"no exercise or module named 'evolv'; did you mean evolve\?"):
        command.resolve(["evolv"], skeletons.all_exercises())


def test_course_check_one_function_exit_codes_and_lines(tmp_path):
    student_file(tmp_path, "diffusion", ["sliding_window"])
    good = subprocess.run(COMMAND + ["--solutions", str(tmp_path), "diffusion.sliding_window"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    assert good.stdout.splitlines() == [good.stdout.splitlines()[0]]  # one function: one line
    assert good.stdout.split()[:2] == ["diffusion.sliding_window", "correct"]
    # the module: the two functions not written are todo, which does not fail the check
    module = subprocess.run(COMMAND + ["--solutions", str(tmp_path), "diffusion"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    statuses = [line.split()[1] for line in module.stdout.splitlines()]
    assert module.returncode == 0 and statuses == ["correct", "todo", "todo"], module.stdout
    with open(tmp_path / "diffusion.py", "a") as f:
        f.write("\n\ndef diffuse(Z, F=0.1):\n    return Z + 1\n")
    wrong = subprocess.run(COMMAND + ["--solutions", str(tmp_path), "diffuse"], cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
    assert wrong.returncode == 1 and wrong.stdout.split()[:2] == ["diffusion.diffuse", "wrong"], wrong.stdout
    unknown = subprocess.run(COMMAND + ["--solutions", str(tmp_path), "difuse"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.strip().splitlines() == [unknown.stderr.strip()]  # one line, no traceback
    assert "did you mean diffuse" in unknown.stderr


def test_check_finds_the_reference_after_the_students_module_was_imported(tmp_path):
    """pytest or a notebook in the solutions folder imports the student's diffusion first; the check still
    compares with the course's (it used to fail: module 'diffusion' has no attribute 'cases')."""
    student_file(tmp_path, "diffusion", ["sliding_window"])
    script = ("import sys; sys.path.insert(0, '.')\nimport diffusion\n"
              "from coursekit.students.command import check\n"
              "rows = check('diffusion', solutions='.')\n"
              "print([r['status'] for r in rows])\n"
              "print(sys.modules['diffusion'] is diffusion, hasattr(diffusion, 'cases'))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['correct', 'todo', 'todo']", "True False"]


def test_assert_correct_for_pytest(tmp_path):
    student_file(tmp_path, "reorder", ["element_struct"])
    command.assert_correct("reorder.element_struct", solutions=tmp_path, config=CONFIG)
    with pytest.raises(AssertionError, match=r"reorder.element_numpy: todo: still raises NotImplementedError"):
        command.assert_correct("reorder", solutions=tmp_path, config=CONFIG)


def write_walks(folder, draw):
    folder.mkdir(exist_ok=True)
    (folder / "random_walk.py").write_text(
        "from itertools import accumulate\nimport numpy as np\n\n"
        f"def random_walk_slow(n, rng):\n    return list(accumulate({draw}.tolist()))\n\n"
        f"def random_walk_faster(n, rng):\n    return list(accumulate({draw}.tolist()))\n\n"
        f"def random_walk_fastest(n, rng):\n    return np.cumsum({draw})\n")


def test_the_courses_way_of_drawing_a_walk_is_accepted(tmp_path):
    write_walks(tmp_path, "rng.choice([-1, +1], n)")
    rows = command.check("random_walk", solutions=tmp_path, config=CONFIG)
    assert [r["status"] for r in rows] == ["correct"] * 3, rows
    assert "accepted as walks of +1 and -1 steps" in rows[0]["detail"]


def test_a_walk_with_a_step_of_two_is_still_wrong(tmp_path):
    write_walks(tmp_path, "rng.choice([-1, +2], n)")
    rows = command.check("random_walk", solutions=tmp_path, config=CONFIG)
    assert [r["status"] for r in rows] == ["wrong"] * 3, rows


def test_is_a_walk_against_a_hand_made_walk():
    import random_walk

    assert random_walk.is_a_walk((4,), [1, 0, -1, 0]) is None
    assert random_walk.is_a_walk((4,), [1, 2, 3]) == "it is not 4 integer positions"
    assert random_walk.is_a_walk((3,), [-1, 1, 0]) == "step 2 goes from -1 to 1, not by +1 or -1"
    assert random_walk.is_a_walk((2,), [0, 1]) == "step 1 goes from 0 to 0, not by +1 or -1"
