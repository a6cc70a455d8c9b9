"""The students' notebooks, executed as Jupyter would (nbclient on an IPython kernel): as generated every verdict
is todo; with the course's solutions pasted into the exercise cells, every verdict is correct; what the notebook
says last is what is checked."""

import ast
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from coursekit.students import skeletons
from coursekit.students.notebook import module_source
from coursekit.students.skeletons import notebook_name, write_notebooks

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "workflow/scripts"
EXERCISES = skeletons.all_exercises()


def pasted(module, name):
    """What a student pasting the course's solution of ``name`` writes: the reference's code of it, after the
    module-level helpers and constants it uses that are not exercises themselves (found by the names it uses)."""
    text = (SCRIPTS / f"{module}.py").read_text()
    tree = ast.parse(text)
    top = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top[node.name] = node
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            top.update({t.id: node for t in node.targets})
    exercises = {e.name for e in EXERCISES}
    wanted, todo = [], [top[name]]
    while todo:
        node = todo.pop()
        if node in wanted:
            continue
        wanted.append(node)
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        todo += [top[n] for n in used if n in top and n not in exercises and top[n] is not node]
    return "\n\n\n".join(ast.get_source_segment(text, node) for node in sorted(wanted, key=lambda n: n.lineno))


def run(notebook, folder):
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    verdicts = {}
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "check" in tags:
            text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs if "data" in o)
            verdicts[tags[1]] = text
    return verdicts


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("solutions")
    written, kept = write_notebooks(folder)
    assert [p.name for p in written] == ["1-introduction.ipynb", "2-warmup.ipynb", "3-advanced.ipynb"] and not kept
    return folder


def test_a_notebook_per_chapter_with_every_exercise_once(notebooks):
    tagged = []
    for path in sorted(notebooks.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        tagged += [c.metadata["tags"][1] for c in notebook.cells if "exercise" in c.metadata.get("tags", [])]
        assert all("raise NotImplementedError" in c.source for c in notebook.cells
                   if "exercise" in c.metadata.get("tags", []))
    assert tagged == [e.title for e in EXERCISES]


def test_notebooks_are_never_overwritten(notebooks):
    path = notebooks / "1-introduction.ipynb"
    before = path.read_bytes()
    written, kept = write_notebooks(notebooks)
    assert written == [] and path in kept and path.read_bytes() == before


@pytest.mark.parametrize("number", [1, 2, 3])
def test_as_generated_every_verdict_is_todo(notebooks, number, tmp_path):
    path = next(notebooks.glob(f"{number}-*.ipynb"))
    verdicts = run(nbformat.read(path, as_version=4), tmp_path)
    titles = [e.title for e in EXERCISES if any(e.module in s.modules for s in sections_of(path))]
    assert list(verdicts) == titles
    assert all(f"{title}: todo: still raises NotImplementedError" in verdicts[title] for title in titles), verdicts


@pytest.mark.parametrize("number", [1, 2, 3])
def test_with_the_courses_solutions_pasted_every_verdict_is_correct(notebooks, number, tmp_path):
    path = next(notebooks.glob(f"{number}-*.ipynb"))
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "exercise" in tags:
            module, name = tags[1].split(".")
            cell.source = pasted(module, name)
    verdicts = run(notebook, tmp_path)
    wrong = {title: text for title, text in verdicts.items() if f"{title}: correct: " not in text}
    assert verdicts and wrong == {}


def test_what_the_notebook_defines_last_is_what_is_checked(tmp_path):
    """A correct sliding_window, then a cell that redefines it as a copy: the check sees the copy (as the kernel
    does), and says so; a cell of plain calls in between is not run by the check."""
    cells = [
        "from coursekit.students.notebook import check",
        "import numpy as np\nfrom numpy.lib.stride_tricks import sliding_window_view",
        pasted("diffusion", "sliding_window"),
        "Z = np.arange(10.0)\nprint(sliding_window(Z, 3))\nwhile True:\n    pass",  # never run by the check
        "def sliding_window(Z, size=3):\n    return np.array([Z[i:i + size] for i in range(len(Z) - size + 1)])",
        'check("diffusion.sliding_window")',
    ]
    source = module_source(cells)
    assert "while True" not in source and "print(" not in source and "coursekit" not in source
    assert source.index("np.array([Z[i:i + size]") > source.index("def sliding_window") > 0
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells[:3] + cells[4:]])
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    verdict = notebook.cells[-1].outputs[0]["data"]["text/plain"]
    assert verdict.startswith("diffusion.sliding_window: wrong: ") and "the exercise asks for a view" in verdict


def test_the_notebook_names_the_chapters():
    assert notebook_name(2, "❷ Warmup") == "2-warmup.ipynb"
    assert notebook_name(1, "❶ Introduction") == "1-introduction.ipynb"


def sections_of(path):
    return next(sections for _, sections, own in skeletons.chapter_notebooks(path.parent) if own == path)


def test_a_class_that_hands_in_notebooks_is_graded_from_them(notebooks, tmp_path):
    """grade reads a student's notebook (never runs it): the course's sliding_window pasted in is correct, a
    broken evolve is an error naming the notebook's cell, the rest todo; a .py beside it wins for its module."""
    from coursekit.students.grade import grade_student
    import yaml

    student = tmp_path / "ada"
    student.mkdir()
    notebook = nbformat.read(notebooks / "2-warmup.ipynb", as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if tags[:2] == ["exercise", "diffusion.sliding_window"]:
            cell.source = pasted("diffusion", "sliding_window")
        elif tags[:2] == ["exercise", "automata.evolve"]:
            cell.source = "def evolve(Z, rule):\n    return Z.evolved"
    nbformat.write(notebook, student / "2-warmup.ipynb")
    (student / "3-advanced.ipynb").write_text("not a notebook")
    (student / "reorder.py").write_text("\n".join(skeletons.imports(SCRIPTS / "reorder.py")) + "\n\n\n"
                                        + pasted("reorder", "element_struct"))
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    rows = {f"{r['module']}.{r['function']}": r for r in grade_student(student, 2018, config, config["check"], False)}
    assert rows["diffusion.sliding_window"]["status"] == "correct", rows["diffusion.sliding_window"]
    assert rows["automata.evolve"]["status"] == "error"
    assert rows["automata.evolve"]["detail"].startswith("2-warmup.ipynb, code cell "), rows["automata.evolve"]
    assert "AttributeError" in rows["automata.evolve"]["detail"]
    assert rows["reorder.element_struct"]["status"] == "correct", rows["reorder.element_struct"]  # the .py wins
    assert rows["reorder.element_numpy"]["status"] == "todo"
    assert not any("coursekit-grade-" in r["detail"] for r in rows.values())  # no path of the grader's temp folder
    assert rows["perceptron.Perceptron"]["status"] == "todo"  # the advanced notebook was not one
    assert rows["random_walk.random_walk_slow"]["detail"] == "no file random_walk.py (yet)"
