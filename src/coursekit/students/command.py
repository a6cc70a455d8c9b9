"""The check of one function, one module or all of them, from a terminal, from Python or from pytest.

From a terminal, in the environment of the README's first command::

    .venv/bin/course-check diffusion.sliding_window     # one function
    .venv/bin/course-check automata                     # one module
    .venv/bin/course-check                              # every module with a file in solutions/

From Python or pytest, the same check returns its rows::

    from coursekit.students.command import check, assert_correct
    check("diffusion.sliding_window")[0]["status"]      # 'correct', 'wrong', ...
    def test_automata():
        assert_correct("automata")                      # fails with each function's verdict

It is the check of ``snakemake --cores all check``: the same cases, the same
sandbox, the same statuses; it only skips the figures and the report.
"""

import argparse
import difflib
import json
import sys
from pathlib import Path

__all__ = ["check", "assert_correct", "resolve", "main"]


def settings(config_path=None):
    """The config (``config.yaml`` of the folder you are in, else the checkout's), checked against its schema."""
    from coursekit import CHECKOUT
    from coursekit.config import check_config, read_yaml

    path = Path(config_path) if config_path else Path("config.yaml")
    if not config_path and not path.is_file():
        path = CHECKOUT / "config.yaml"
    return check_config(read_yaml(path), CHECKOUT / "workflow/schemas/config.schema.yaml", source=str(path))


def resolve(names, exercises):
    """The exercises that ``names`` pick: ``module``, ``module.function`` or ``function`` (all if none).

    Raises
    ------
    InputError
        For a name that is none of these, with the nearest names there are.
    """
    from coursekit.core import InputError

    if not names:
        return list(exercises)
    picked = []
    known = {e.title for e in exercises} | {e.module for e in exercises} | {e.name for e in exercises}
    for name in names:
        found = [e for e in exercises if name in (e.title, e.module, e.name)]
        if not found:
            near = difflib.get_close_matches(name, sorted(known), n=3)
            raise InputError(f"no exercise or module named {name!r}"
                             + (f"; did you mean {' or '.join(near)}?" if near else
                                "; give a module (automata), a function (evolve) or both (automata.evolve)"))
        picked += [e for e in found if e not in picked]
    return picked


def check(*names, solutions=None, config=None, sandbox=None, figures=None):
    """Check the functions ``names`` pick (see :func:`resolve`) in the folder ``solutions`` (config key
    ``solutions`` by default); return one row per function: ``module``, ``function``, ``status``, ``detail``,
    ``student_s``, ``reference_s``, and ``figure``: the path of the student's result drawn beside the
    reference's, in the folder ``figures`` (only if given, and where the exercise draws one)."""
    from coursekit.students import skeletons
    from coursekit.students.check import check_function, draw_side_by_side, limits_of

    config = settings(config) if config is None or isinstance(config, (str, Path)) else config
    folder = Path(solutions if solutions is not None else config["solutions"])
    rows = []
    for exercise in resolve(names, skeletons.all_exercises()):
        path = folder / f"{exercise.module}.py"
        if not path.is_file():
            rows.append({"module": exercise.module, "function": exercise.name, "status": "todo",
                         "detail": f"no file {path} (yet)", "student_s": "", "reference_s": ""})
            continue
        row = check_function({"module": exercise.module, "name": exercise.name}, folder.resolve(), config["seed"],
                             config, limits_of(config["check"]), sandbox)
        drawn = row.pop("drawn", None)
        if figures is not None and drawn is not None:
            Path(figures).mkdir(parents=True, exist_ok=True)
            row["figure"] = draw_side_by_side({**row, "drawn": drawn}, Path(figures) / f"{exercise.title}.png")
        rows.append(row)
    return rows


def assert_correct(*names, solutions=None, config=None):
    """For pytest: raise AssertionError unless every function ``names`` pick is correct (a todo fails too)."""
    from coursekit.students.check import headline

    rows = check(*names, solutions=solutions, config=config)
    failing = [r for r in rows if r["status"] != "correct"]
    if failing:
        raise AssertionError("\n".join(f"{r['module']}.{r['function']}: {r['status']}: {headline(r)}"
                                       for r in failing))


def main(argv=None):
    """``course-check [--solutions DIR] [--config FILE] [NAME ...]``: one line per function; exit 1 if one
    fails, 2 on bad input."""
    from coursekit.core import InputError
    from coursekit.students.check import FAILING, headline

    parser = argparse.ArgumentParser(prog="course-check", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="module, function or module.function (default: all)")
    parser.add_argument("--solutions", help="the folder of your files (default: config key solutions)")
    parser.add_argument("--config", help="the config file (default: ./config.yaml, else the checkout's)")
    parser.add_argument("--figures", help="draw your result beside the reference's into this folder, where the "
                                          "exercise makes a figure")
    parser.add_argument("--json", action="store_true", help="one JSON object per function (for the notebooks)")
    options = parser.parse_args(argv)
    try:
        rows = check(*options.names, solutions=options.solutions, config=options.config, figures=options.figures)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for row in rows:
        if options.json:
            print(json.dumps({**row, "figure": str(row.get("figure") or ""), "headline": headline(row)}))
        else:
            print(f"{row['module'] + '.' + row['function']:<36} {row['status']:<8} {headline(row)}")
    failing = sum(row["status"] in FAILING for row in rows)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
