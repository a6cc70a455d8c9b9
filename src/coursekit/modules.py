"""What an exercise module declares about itself, so that adding an exercise is adding its module.

A course module (``workflow/scripts/<name>.py``) that makes an artefact of its
own declares it in a dict named ``EXERCISE``, written as a literal (it is read
without importing the module, on every Snakemake start)::

    EXERCISE = {
        "chapter": "❷ Warmup",            # the course's chapter
        "title": "Game of Life",          # its section on the page
        "after": "automata",              # the module it comes after, in the course's order
        "artefact": "warmup/life",        # results/warmup/life.npy and life.png: <chapter folder>/<module>
        "parameters": {                   # config key life: a JSON schema of each key, its default included
            "steps": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 40,
                      "description": "generations"},
            "size": {"type": "integer", "minimum": 3, "maximum": 100000, "default": 64, "description": "cells a side"},
        },
        "estimate": {"rate": "cell drawn", "units": ["steps", "size", "size"]},  # the budget: their product
    }

and two functions: ``make(parameters, rng)`` returns the artefact's array
(the parameters are config key ``<name>``, the generator comes from the seed)
and ``plot(array)`` returns its figure.
Its exercises are its functions with an ``Exercise`` section, and ``cases``,
as for every module.

From that alone: the skeleton, the notebook and the check (skeletons.py,
check.py), the section on the page and its place in the course
(contents.py), the rule that makes the artefact (``make_exercise_artefact``,
workflow/rules/exercises.smk), its config key checked against its schema
with its defaults applied (config.py), the budget (budget.py), compat
(compat.py), ``verify`` and ``accept_references`` (the artefact is one of
``ARTEFACTS``), and with ``PAIRS`` the benchmarks (benchmarks/pairs.py).
"""

import ast
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from coursekit import COURSE

__all__ = ["Declared", "declared", "schema_of", "with_defaults"]

KEYS = {"chapter", "title", "after", "artefact", "parameters", "estimate"}


@dataclass(frozen=True)
class Declared:
    """One module's declaration: its name, chapter, title, the module it follows, artefact and parameters."""

    module: str
    chapter: str
    title: str
    after: str
    artefact: str
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    estimate: dict = field(default_factory=dict, hash=False, compare=False)


def declared(course=None):
    """Every module of the course that declares ``EXERCISE``, by module name (read, not imported; once per
    process and folder: the Snakefile, the config check, the budget and the contents all ask).

    Raises
    ------
    coursekit.core.InputError
        Naming the file and line of a declaration that is not a literal dict of the keys above.
    """
    return list(_declared(str(course or COURSE)))


@functools.lru_cache(maxsize=4)
def _declared(course):
    from coursekit.core import InputError

    found = []
    for path in sorted(Path(course).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["EXERCISE"]:
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    raise InputError(f"{path}, line {node.lineno}: EXERCISE must be written as a literal dict "
                                     "(it is read without running the module)") from None
                if not isinstance(value, dict) or set(value) != KEYS:
                    raise InputError(f"{path}, line {node.lineno}: EXERCISE must have exactly the keys "
                                     f"{', '.join(sorted(KEYS))}")
                folder = str(value["artefact"]).rpartition("/")[0]
                if not re.fullmatch(r"[a-z]+", folder) or value["artefact"] != f"{folder}/{path.stem}":
                    raise InputError(f"{path}, line {node.lineno}: EXERCISE's artefact is {value['artefact']!r}; it "
                                     f"must be '<chapter folder>/{path.stem}' (such as 'warmup/{path.stem}'): "
                                     "results/warmup/{name}.npy is made by workflow/scripts/{name}.py")
                found.append(Declared(path.stem, **value))
    return tuple(found)


def schema_of(declaration):
    """The JSON schema of the config key of a declared module: its parameters, all required, nothing else."""
    return {"type": "object", "description": f"{declaration.title} ({declaration.module}.py)",
            "additionalProperties": False, "required": sorted(declaration.parameters),
            "properties": declaration.parameters, "default": {}}


def with_defaults(config, course=None):
    """The config with each declared module's parameters filled in from their defaults where it lacks them
    (changed in place, and returned): config.yaml holds only what differs."""
    for declaration in declared(course):
        section = config.setdefault(declaration.module, {})
        if isinstance(section, dict):
            for key, schema in declaration.parameters.items():
                if "default" in schema:
                    section.setdefault(key, schema["default"])
    return config


if __name__ == "__main__" and "snakemake" in globals():  # rule make_exercise_artefact
    import importlib

    from coursekit import use_course
    from coursekit.core import entry, rng, save_figure, save_npy

    def make_artefact():
        use_course()
        module = importlib.import_module(snakemake.params.module)
        array = module.make(snakemake.params.parameters, rng(snakemake.params.seed, snakemake.params.module))
        save_npy(snakemake.output.npy, array)
        save_figure(module.plot(array), snakemake.output.png)

    entry(snakemake, make_artefact)
