"""The students' notebooks: one per chapter of the course, and the check that runs from a cell.

``snakemake --cores 1 exercises`` writes, beside the exercise files, one
notebook per chapter (``1-introduction.ipynb``, ``2-warmup.ipynb``,
``3-advanced.ipynb``), generated from the same statements: for each exercise,
its statement, a cell to write it in, and a cell that checks it::

    check("diffusion.sliding_window")

The check takes from the cells you ran, in the order you ran them, what makes a
module: imports, functions, classes and assignments (never a call, a loop or a
plot, which a fresh Python would run again). That module is checked as
``course-check`` checks a file: in a fresh Python, sandboxed where bubblewrap
is installed, on the same cases; your kernel runs none of the course's code.
The verdict shows under the cell: the status, the first difference, and your
result drawn beside the reference's where the exercise makes a figure.
"""

import ast
import base64
import html
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["check", "module_source", "Verdict", "write_notebooks", "notebook_name"]

KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)


def course_modules():
    """The names of the course's modules (diffusion, automata, ...), which a notebook defines itself, and the
    machinery's (``coursekit``: the check, which is not part of the code checked)."""
    from coursekit import COURSE

    return {path.stem for path in COURSE.glob("*.py")} | {"coursekit"}


def imports_course(node, modules):
    """True if ``node`` imports one of the course's ``modules`` (the reference, which a notebook must not use)."""
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] in modules for alias in node.names)
    return isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] in modules


def module_source(cells, modules=None):
    """The module that the cells ``cells`` (their code, in the order they ran) make: their imports, functions,
    classes and assignments, each cell's under a comment naming it. A cell that does not parse is left out (it
    failed in the kernel too); so are imports of the course's own modules."""
    modules = course_modules() if modules is None else modules
    parts = []
    for number, cell in enumerate(cells):  # IPython's In[0] is empty: In[n] is the cell Jupyter marks [n]
        try:
            tree = ast.parse(cell)
        except (SyntaxError, ValueError):
            continue
        kept = [node for node in tree.body if isinstance(node, KEPT) and not imports_course(node, modules)]
        if kept:
            parts.append(f"# In[{number}]\n" + "\n\n".join(ast.unparse(node) for node in kept))
    return "\n\n\n".join(parts) + "\n"


def cell_of(source, line):
    """The cell (its number in Jupyter's margin, ``[n]``) that line ``line`` of :func:`module_source`'s text
    came from; None if none."""
    for text in reversed(source.splitlines()[:line]):
        found = re.fullmatch(r"# In\[(\d+)\]", text)
        if found:
            return int(found.group(1))
    return None


class Verdict:
    """The rows of a check, shown as a table under the cell (HTML in Jupyter, text elsewhere)."""

    def __init__(self, rows):
        self.rows = rows

    @property
    def status(self):
        """The one status of the check: the worst of its rows."""
        order = ("error", "timeout", "wrong", "todo", "correct")
        return min((row["status"] for row in self.rows), key=order.index, default="todo")

    def __repr__(self):
        return "\n".join(f"{r['module']}.{r['function']}: {r['status']}: {r.get('headline') or r['detail']}"
                         for r in self.rows)

    def _repr_html_(self):
        colours = {"correct": "#1a7f37", "todo": "#6e7781", "wrong": "#cf222e", "error": "#cf222e",
                   "timeout": "#bc4c00"}
        parts = []
        for row in self.rows:
            colour = colours.get(row["status"], "#6e7781")
            parts.append(f"<div style='margin:0.3em 0'><b>{html.escape(row['module'])}.{html.escape(row['function'])}"
                         f"</b> <span style='color:#fff;background:{colour};padding:0 0.4em;border-radius:3px'>"
                         f"{html.escape(row['status'])}</span>"
                         f"<pre style='white-space:pre-wrap;margin:0.2em 0'>{html.escape(row['detail'])}</pre>")
            if row.get("png"):
                parts.append(f"<img alt='yours beside the reference' style='max-width:100%' "
                             f"src='data:image/png;base64,{row['png']}'>")
            parts.append("</div>")
        return "".join(parts)


def executed_cells():
    """The code of the cells run so far in this IPython kernel, in the order they ran (IPython's ``In``)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("check() reads the cells you ran: call it from a notebook (a Jupyter kernel)")
    return [cell for cell in shell.user_ns.get("In", []) if isinstance(cell, str)]


def check(name, cells=None, timeout=300):
    """Check the exercise ``name`` (``module.function``, or a module) with the code of the cells you ran.

    ``cells``: the code to check, cell by cell (by default, what this kernel ran). Returns a :class:`Verdict`,
    which Jupyter shows under the cell.
    """
    module = name.split(".")[0]
    source = module_source(executed_cells() if cells is None else cells)
    with tempfile.TemporaryDirectory(prefix="coursekit-notebook-") as tmp:
        folder = Path(tmp) / "solutions"
        folder.mkdir()
        (folder / f"{module}.py").write_text(source, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "coursekit.students.command", "--json", "--solutions",
                               str(folder), "--figures", str(Path(tmp) / "figures"), name],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode == 2 or not done.stdout.strip():
            message = (done.stderr.strip().splitlines() or ["the check ended without an answer"])[-1]
            return Verdict([{"module": module, "function": name.partition(".")[2] or "*", "status": "error",
                             "detail": message.removeprefix("error: "), "headline": message}])
        rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        for row in rows:  # in the student's words: their cells, not the file made of them
            for key in ("detail", "headline"):
                row[key] = re.sub(re.escape(f"{folder / module}.py") + r", line (\d+)",
                                  lambda m: f"your cell [{cell_of(source, int(m.group(1)))}]", row.get(key, ""))
                row[key] = row[key].replace(f"{module}.py has no function", "the cells you ran define no function")
            figure = Path(row.get("figure") or "")
            if row.get("figure") and figure.is_file():
                row["png"] = base64.b64encode(figure.read_bytes()).decode()
    return Verdict(rows)


# -- writing the notebooks -----------------------------------------------------------------------------------


def notebook_name(number, chapter):
    """'2-warmup.ipynb' for the second chapter, '❷ Warmup'."""
    return f"{number}-{re.sub(r'[^a-z]+', '-', chapter.lower()).strip('-')}.ipynb"


def chapter_notebook(chapter, sections, exercises, scripts):
    """The notebook of one chapter (an nbformat v4 notebook): for each exercise, its statement, a cell to write
    it in (tagged ``exercise``) and a cell that checks it (tagged ``check``)."""
    import nbformat.v4 as nbf

    from coursekit.students.skeletons import definition, imports

    modules = course_modules()
    cells = [nbf.new_markdown_cell(
                 f"# {chapter}\n\nWrite each exercise in the cell under its statement and run that cell, then run "
                 "the check under it: it takes the imports, functions, classes and assignments of the cells you "
                 "ran, checks them in a fresh, sandboxed Python on the course's cases, and shows the verdict "
                 "here (the first difference, and your figure beside the reference's). Run the cell below first."),
             nbf.new_code_cell("from coursekit.students.notebook import check", metadata={"tags": ["setup"]})]
    for section in sections:
        cells.append(nbf.new_markdown_cell(f"## {section.title}"))
        for module in section.modules:
            needed = [line for line in imports(Path(scripts) / f"{module}.py")
                      if not imports_course(ast.parse(line).body[0], modules)]
            if needed:
                cells.append(nbf.new_code_cell("\n".join(needed), metadata={"tags": ["imports", module]}))
            for exercise in (e for e in exercises if e.module == module):
                cells += [nbf.new_markdown_cell(f"### `{exercise.name}{exercise.signature}`\n\n"
                                                + exercise.statement.replace("``", "`")),
                          nbf.new_code_cell(definition(exercise, statement=False),
                                            metadata={"tags": ["exercise", exercise.title]}),
                          nbf.new_code_cell(f'check("{exercise.title}")', metadata={"tags": ["check", exercise.title]})]
    notebook = nbf.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def write_notebooks(folder, scripts=None):
    """Write one notebook per chapter into ``folder``; never touch a file that exists. Returns (written, kept)."""
    import nbformat

    from coursekit import COURSE
    from coursekit.contents import SECTIONS
    from coursekit.core import atomic_path
    from coursekit.students.skeletons import all_exercises

    scripts = scripts or COURSE
    exercises = all_exercises(scripts)
    chapters = list(dict.fromkeys(section.chapter for section in SECTIONS))
    written, kept = [], []
    for number, chapter in enumerate(chapters, start=1):
        path = Path(folder) / notebook_name(number, chapter)
        if path.exists() or path.is_symlink():
            kept.append(path)
            continue
        sections = [section for section in SECTIONS if section.chapter == chapter]
        with atomic_path(path) as tmp:
            nbformat.write(chapter_notebook(chapter, sections, exercises, scripts), str(tmp))
        written.append(path)
    return written, kept
