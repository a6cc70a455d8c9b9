"""The check that runs from a cell of a student's notebook.

``snakemake --cores 1 exercises`` writes, beside the exercise files, one
notebook per chapter (``1-introduction.ipynb``, ``2-warmup.ipynb``,
``3-advanced.ipynb``; skeletons.py writes them), generated from the same
statements: for each exercise, its statement, a cell to write it in, and a
cell that checks it::

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

__all__ = ["check", "module_source", "cell_of", "Verdict", "imports_course", "course_modules"]

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
            kept = [node for node in tree.body if isinstance(node, KEPT) and not imports_course(node, modules)]
            text = "\n\n".join(ast.unparse(node) for node in kept)
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # nested past what the parser takes:
            continue                                                     # it failed in the kernel too
        if kept:
            parts.append(f"# In[{number}]\n{text}")
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
        try:
            done = subprocess.run([sys.executable, "-m", "coursekit.students.command", "--json", "--solutions",
                                   str(folder), "--figures", str(Path(tmp) / "figures"), name],
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:  # each function has its own time limit: this is a whole module's
            return Verdict([{"module": module, "function": name.partition(".")[2] or "*", "status": "timeout",
                             "detail": f"the check took more than {timeout:g} s in all"}])
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
