"""Adding an exercise is adding its module: Conway's Game of Life, added to a copy of the checkout as one file,
appears in every place (skeleton, notebook, check, page, order, config and its schema, budget, the rule and the
artefact, compat, verify), with no other file edited."""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")

LIFE = textwrap.dedent('''
    """Warmup: Conway's Game of Life, a generation at a time with NumPy slices (not in the course: an example)."""

    import numpy as np

    EXERCISE = {
        "chapter": "❷ Warmup",
        "title": "Game of Life",
        "after": "automata",
        "artefact": "warmup/life",
        "parameters": {
            "steps": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 30, "description": "generations"},
            "size": {"type": "integer", "minimum": 3, "maximum": 1000, "default": 32, "description": "cells a side"},
        },
        "estimate": {"rate": "cell drawn", "units": ["steps", "size", "size"]},
    }


    def step(Z):
        """The next generation of Z.

        Exercise
        --------
        ``Z`` is a 2-D array of 0 and 1, its border always 0. Return the next
        generation, a new array of the same shape and dtype: an inner cell with
        three live neighbours (of its eight) is alive, a live one with two stays
        alive, every other cell is dead; the border stays 0.
        """
        N = (Z[:-2, :-2] + Z[:-2, 1:-1] + Z[:-2, 2:] + Z[1:-1, :-2] + Z[1:-1, 2:] + Z[2:, :-2] + Z[2:, 1:-1]
             + Z[2:, 2:])
        new = np.zeros_like(Z)
        new[1:-1, 1:-1] = (N == 3) | ((Z[1:-1, 1:-1] == 1) & (N == 2))
        return new


    def step_python(Z):
        """The next generation of Z, with plain loops over the cells.

        Exercise
        --------
        The same generation as ``step``, written with two plain loops over the
        inner cells, counting each cell's live neighbours one by one.
        """
        new = np.zeros_like(Z)
        for i in range(1, Z.shape[0] - 1):
            for j in range(1, Z.shape[1] - 1):
                alive = int(Z[i - 1:i + 2, j - 1:j + 2].sum()) - int(Z[i, j])
                new[i, j] = alive == 3 or (Z[i, j] == 1 and alive == 2)
        return new


    PAIRS = {"step": ("step_python", "step")}  # the loop and the slices: check's speed verdict, benchmarks


    def cases(seed, config):
        from coursekit.core import rng

        g = rng(seed, "check", "life")
        boards = [np.pad(g.integers(0, 2, (n, n), dtype=np.uint8), 1) for n in (20, 1, 6)]
        return [(name, (Z,)) for name in ("step", "step_python") for Z in boards]


    def make(parameters, rng):
        n = parameters["size"]
        Z = np.pad(rng.integers(0, 2, (n - 2, n - 2), dtype=np.uint8), 1)
        for _ in range(parameters["steps"]):
            Z = step(Z)
        return Z


    def plot(Z):
        from coursekit.core import figure

        fig, ax = figure((4, 4))
        ax.imshow(Z, cmap="gray_r", interpolation="nearest")
        return fig
''')


def life_by_loops(Z):
    """One generation with plain loops: the independent computation."""
    new = np.zeros_like(Z)
    for i in range(1, Z.shape[0] - 1):
        for j in range(1, Z.shape[1] - 1):
            alive = sum(int(Z[i + di, j + dj]) for di in (-1, 0, 1) for dj in (-1, 0, 1)) - int(Z[i, j])
            new[i, j] = alive == 3 or (Z[i, j] == 1 and alive == 2)
    return new


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The checkout's files (as git sees them, uncommitted work included), and life.py added: nothing else."""
    target = tmp_path_factory.mktemp("checkout")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for name in files:
        if (ROOT / name).is_file() and not name.startswith(("results/", ".venv/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    (target / "workflow/scripts/life.py").write_text(LIFE, encoding="utf-8")
    return target


def in_copy(copy, code):
    """Run Python code with the copy's package (its COURSE is the copy's workflow/scripts); its JSON output."""
    done = subprocess.run([sys.executable, "-c", code], cwd=copy, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(copy), "PYTHONPATH": str(copy / "src")})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_example_module_against_plain_loops():
    namespace = {}
    exec(compile(LIFE, "life.py", "exec"), namespace)
    g = np.random.default_rng(0)
    for n in (3, 5, 12):
        Z = np.pad(g.integers(0, 2, (n, n), dtype=np.uint8), 1)
        assert np.array_equal(namespace["step"](Z), life_by_loops(Z))


def test_it_has_a_place_a_skeleton_a_section_a_config_key_and_a_budget(copy):
    found = in_copy(copy, textwrap.dedent('''
        import json, yaml
        from coursekit import COURSE
        from coursekit.contents import SECTIONS
        from coursekit.students.skeletons import all_exercises, skeleton
        from coursekit.config import check_config
        from coursekit import budget
        config = check_config(yaml.safe_load(open("config.yaml")), "workflow/schemas/config.schema.yaml")
        titles = [s.title for s in SECTIONS]
        life = [e for e in all_exercises() if e.module == "life"]
        print(json.dumps({"course": str(COURSE), "titles": titles, "order": [e.title for e in all_exercises()],
                          "skeleton": skeleton("life", life), "config": config["life"],
                          "jobs": [j.keys for j in budget.jobs(config) if j.rule == "make_exercise_artefact"]}))
    '''))
    assert found["course"] == str(copy / "workflow/scripts")
    assert found["titles"][found["titles"].index("Rule 30") + 1] == "Game of Life"
    order = found["order"]
    assert order.index("life.step") == max(i for i, t in enumerate(order) if t.startswith("automata.")) + 1
    assert "def step(Z):" in found["skeleton"] and "raise NotImplementedError" in found["skeleton"]
    assert "N == 3" not in found["skeleton"]  # the statement, not the solution
    assert found["config"] == {"steps": 30, "size": 32}  # config.yaml says nothing of it: the module's defaults
    assert found["jobs"] == ["life.steps x life.size x life.size = 30 x 32 x 32 = 30,720"]


def test_its_config_key_is_checked_against_the_modules_schema(copy):
    done = subprocess.run([SNAKEMAKE, "-n", "--cores", "1", "--config", "life={steps: 0}"], cwd=copy,
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(copy),
                               "PYTHONPATH": str(copy / "src")})
    assert done.returncode != 0
    assert "life.steps = 0 is not allowed: must be at least 1" in done.stdout + done.stderr


def test_the_rule_makes_its_artefact_and_verify_and_compat_find_it(copy):
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(copy), "PYTHONPATH": str(copy / "src")}
    dry = subprocess.run([SNAKEMAKE, "-n", "--cores", "1", "verify"], cwd=copy, capture_output=True, text=True,
                         timeout=300, env=env)
    assert "make_exercise_artefact" in dry.stdout, dry.stdout + dry.stderr
    done = subprocess.run([SNAKEMAKE, "--cores", "2", "results/warmup/life.png"], cwd=copy, capture_output=True,
                          text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    made = np.load(copy / "results/warmup/life.npy")
    assert made.shape == (32, 32) and made.dtype == np.uint8 and (copy / "results/warmup/life.png").stat().st_size
    again = in_copy(copy, textwrap.dedent('''
        import json, yaml, numpy as np
        from coursekit.compat import artefacts
        from coursekit.modules import with_defaults
        config = with_defaults(yaml.safe_load(open("config.yaml")))
        print(json.dumps(artefacts(config, ".")["warmup/life.npy"]().tolist()))
    '''))
    assert np.array_equal(np.array(again, dtype=np.uint8), made)  # compat computes what the rule made


def test_the_benchmarks_time_its_pair(copy):
    found = in_copy(copy, textwrap.dedent('''
        import json
        from coursekit.benchmarks.pairs import declared_pairs
        print(json.dumps([(title, [(r["implementation"], r["repeats"]) for r in rows])
                          for title, rows in declared_pairs({"life": {"steps": 30, "size": 32}}, 2018, 2)]))
    '''))
    assert found == [["Game of Life", [["step_python", 2], ["step", 2]]]]


def test_a_student_gets_it_checked_and_in_the_notebook(copy):
    found = in_copy(copy, textwrap.dedent('''
        import json, shutil, pathlib, nbformat
        from coursekit.students.command import check
        from coursekit.students.skeletons import write_notebooks
        from coursekit.page import statements_html
        from coursekit.students.skeletons import all_exercises
        folder = pathlib.Path("mine"); folder.mkdir()
        shutil.copy("workflow/scripts/life.py", folder / "life.py")
        write_notebooks(folder)
        notebook = nbformat.read(folder / "2-warmup.ipynb", as_version=4)
        tags = [c.metadata.get("tags", [None, None])[1:2] for c in notebook.cells if c.cell_type == "code"]
        print(json.dumps({"rows": check("life", solutions=str(folder)), "tags": tags,
                          "page": statements_html(("life",), all_exercises())}))
    '''))
    assert [(r["function"], r["status"]) for r in found["rows"]] == [("step", "correct"), ("step_python", "correct")]
    assert "closer to the vectorised solution" in found["rows"][0]["detail"]  # its PAIRS: the speed verdict
    assert ["life.step"] in found["tags"]
    assert "step(Z)" in found["page"] and "three live neighbours" in found["page"]  # the statement on the page
