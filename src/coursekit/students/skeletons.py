"""The exercises, read from the reference scripts: statements, signatures, and the student's skeletons and notebooks.

An exercise is a function (or a class: the perceptron) of a reference script
(``workflow/scripts/<module>.py``) whose docstring has an ``Exercise`` section: the statement a student reads,
in our own words, with the inputs, outputs and shapes. Nothing else lists
the exercises: a function given such a section appears in the skeletons and
in the check, and the page of the report shows the same text.

``snakemake --cores 1 exercises`` writes one skeleton per module into the
folder of config key ``solutions``: the module's imports, and each exercise
function's signature and statement with a body that raises
NotImplementedError; and one notebook per chapter, the same exercises, each
followed by a cell that checks it (that check is notebook.py). A file that
exists is never touched.
"""


import ast
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from coursekit import COURSE as SCRIPTS  # the reference scripts: workflow/scripts/
from coursekit.contents import position  # the course's order
SECTION = re.compile(r"^\s*Exercise\n\s*-{8,}\n(?P<text>.*?)(?=\n\s*\n\s*[A-Z][A-Za-z ]+\n\s*-{3,}\n|\Z)", re.S | re.M)


@dataclass
class Exercise:
    """One function a student writes: where it lives, how it is called, and what it must do."""

    module: str
    name: str
    signature: str  # "(n, rng)"; a class's: its constructor's, without self
    statement: str  # the Exercise section, dedented
    line: int
    methods: tuple = ()  # a class: (name, signature, first line of its docstring) of each method to write

    @property
    def title(self):
        return f"{self.module}.{self.name}"


def statement(docstring):
    """The text of the ``Exercise`` section of a docstring (dedented), or None."""
    if not docstring:
        return None
    match = SECTION.search(inspect.cleandoc(docstring) + "\n")
    return inspect.cleandoc(match.group("text")) if match else None


def module_exercises(path):
    """The exercises of one reference script, in the order they are written, read without importing it."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            text = statement(ast.get_docstring(node, clean=False))
            if text and isinstance(node, ast.FunctionDef):
                found.append(Exercise(Path(path).stem, node.name, f"({ast.unparse(node.args)})", text, node.lineno))
            elif text:  # a class to write: its methods' signatures and docstrings' first lines go in the skeleton
                methods = tuple((m.name, f"({ast.unparse(m.args)})", (ast.get_docstring(m) or "").split("\n")[0])
                                for m in node.body if isinstance(m, ast.FunctionDef))
                init = next((m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
                arguments = [a.arg for a in init.args.args[1:]] if init else []
                found.append(Exercise(Path(path).stem, node.name, f"({', '.join(arguments)})", text, node.lineno,
                                      methods))
    return found


def all_exercises(scripts=SCRIPTS):
    """Every exercise of every reference script, the modules in the course's order."""
    modules = sorted(Path(scripts).glob("*.py"), key=lambda p: position(p.stem))
    return [exercise for path in modules for exercise in module_exercises(path)]


def imports(path):
    """The module's top-level import statements, as source lines (what the student's file starts with)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    return [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
            and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]


def skeleton(module, exercises, scripts=SCRIPTS):
    """The text of the student's file for ``module``: imports, then each exercise to write (no solution in it)."""
    lines = [f'"""Your solutions to the exercises of {module}.py.', "",
             "Your solutions: replace each `raise NotImplementedError` with your code, then run",
             "`snakemake --cores all check` to learn whether each function is correct, and how fast.",
             '"""', "", *imports(Path(scripts) / f"{module}.py"), ""]
    for exercise in exercises:
        lines += ["", definition(exercise), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def definition(exercise, statement=True):
    """The function (or class) a student fills in: its signature, its statement as docstring unless
    ``statement`` is False (a notebook shows it above the cell), and ``raise NotImplementedError``."""
    body = "\n".join(f"    {line}" if line else "" for line in exercise.statement.splitlines())
    doc = [f'    """{body.strip()}', '    """'] if statement else []
    if not exercise.methods:
        return "\n".join([f"def {exercise.name}{exercise.signature}:", *doc, "    raise NotImplementedError"])
    methods = ["\n".join([f"    def {name}{signature}:", *([f'        """{first_line}"""'] if first_line else []),
                          "        raise NotImplementedError"]) for name, signature, first_line in exercise.methods]
    return "\n".join([f"class {exercise.name}:", *doc]) + ("\n\n" if statement else "\n") + "\n\n".join(methods)


def write_skeletons(folder, scripts=SCRIPTS):
    """Write a skeleton for every module with exercises into ``folder``; never touch a file that exists.

    Returns (written, kept): the paths written, and those that existed and were left as they are.
    """
    from coursekit.core import atomic_path

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        from coursekit.core import InputError

        raise InputError(f"config key solutions = {str(folder)!r} is a file; it must be a folder for your solutions")
    by_module = {}
    for exercise in all_exercises(scripts):
        by_module.setdefault(exercise.module, []).append(exercise)
    written, kept = [], []
    for module, exercises in by_module.items():
        path = folder / f"{module}.py"
        if path.exists() or path.is_symlink():
            kept.append(path)
            continue
        with atomic_path(path) as tmp:
            tmp.write_text(skeleton(module, exercises, scripts), encoding="utf-8")
        written.append(path)
    return written, kept


def chapter_notebooks(folder):
    """Each chapter's notebook in ``folder``: [(chapter, its sections, path)], in the course's order."""
    from coursekit.contents import SECTIONS

    chapters = dict.fromkeys(section.chapter for section in SECTIONS)
    return [(chapter, [section for section in SECTIONS if section.chapter == chapter],
             Path(folder) / notebook_name(number, chapter)) for number, chapter in enumerate(chapters, start=1)]


def notebook_name(number, chapter):
    """'2-warmup.ipynb' for the second chapter, '❷ Warmup'."""
    return f"{number}-{re.sub(r'[^a-z]+', '-', chapter.lower()).strip('-')}.ipynb"


def chapter_notebook(chapter, sections, exercises, scripts):
    """The notebook of one chapter (an nbformat v4 notebook): for each exercise, its statement, a cell to write
    it in (tagged ``exercise``) and a cell that checks it (tagged ``check``)."""
    import nbformat.v4 as nbf

    from coursekit.students.notebook import course_modules, imports_course

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
    from coursekit.core import atomic_path

    scripts = scripts or COURSE
    exercises = all_exercises(scripts)
    written, kept = [], []
    for chapter, sections, path in chapter_notebooks(folder):
        if path.exists() or path.is_symlink():
            kept.append(path)
            continue
        with atomic_path(path) as tmp:
            nbformat.write(chapter_notebook(chapter, sections, exercises, scripts), str(tmp))
        written.append(path)
    return written, kept


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, log

    def main():
        folder = Path(snakemake.params.solutions)
        written, kept = write_skeletons(folder)
        notebooks, kept_notebooks = write_notebooks(folder)
        for path in notebooks:
            log.info("wrote %s (a notebook: the same exercises, each checked from a cell)", path)
        for path in kept_notebooks:
            log.info("kept %s (it exists: never overwritten)", path)
        for path in written:
            log.info("wrote %s", path)
        for path in kept:
            log.info("kept %s (it exists: never overwritten)", path)
        log.info("%d exercise files in %s: write your functions there, then run `snakemake --cores all check`",
                 len(written) + len(kept), folder)

    entry(snakemake, main)


def imported_siblings(path, modules):
    """The modules among ``modules`` that the student's file ``path`` imports (read, never run): a check of it
    depends on them too. Empty if the file is missing or does not parse."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):  # the check itself will say what
        return []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return sorted(names & set(modules) - {Path(path).stem})
