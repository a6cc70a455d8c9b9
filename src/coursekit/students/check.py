"""Check a student's functions against the reference: correct or not, and how fast beside the loop.

For each exercise (see skeletons.py) that the student's file in config key
``solutions`` defines, the function is called on the cases the reference
module lists (``cases(seed, config)``: the configured case, then edge sizes)
and its result compared with the reference's, with the tolerances of
``verify``. One status per function:

- ``todo``: it still raises NotImplementedError;
- ``correct``: every case agrees;
- ``wrong``: the first case that differs, where, and both values (never our code);
- ``error``: the student's exception, its traceback trimmed to their own file;
- ``timeout``: it ran past the time limit (config ``check.timeout``), or past
  the memory cap (``check.memory_mb``).

Each function runs in a fresh interpreter of its own, sealed off in a
sandbox where bubblewrap is installed (:mod:`coursekit.students.sandbox`):
only its inputs go in, only data comes out, and the expected values are
computed and compared here, never where the student's code runs. An endless
loop, a huge allocation, a fork bomb or a forged result cannot hang the check
or make a function ``correct``. Where the course has a slow and a fast version
(``PAIRS`` in the reference module), the student's function is also timed
beside both.
"""


import copy
import importlib
import math
import sys
from pathlib import Path

from coursekit import COURSE, use_course

use_course()  # the reference modules are imported by name: the course's, workflow/scripts/

STATUSES = ("todo", "correct", "wrong", "error", "timeout")
FAILING = ("wrong", "error", "timeout")
COLUMNS = ("module", "function", "status", "detail", "student_s", "reference_s")


def shown(value, width=60):
    """A short text for a value in the feedback: arrays by shape and dtype when long."""
    import numpy as np

    if isinstance(value, np.random.Generator):
        return "rng"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"array of shape {value.shape} ({value.dtype})"
    text = repr(value.tolist() if isinstance(value, np.ndarray) else value)
    return text if len(text) <= width else text[:width - 3] + "..."


def first_difference(got, expected):
    """Where the student's result first differs from the expected one, in words; None if they agree.

    Numbers agree within verify's tolerances (|a - b| <= ATOL + RTOL |b|) if
    either is floating point, exactly otherwise; text exactly; structured
    arrays field by field.
    """
    import numpy as np

    from coursekit.references.verify import within_tolerance

    if expected is None:  # a method that returns nothing (Perceptron.reset)
        return None if got is None else f"returns {shown(got)}, expected None"
    if isinstance(expected, tuple):  # several results, e.g. (Q, palette): each compared on its own
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"returns {shown(got)}, expected a tuple of {len(expected)} results"
        for number, (mine, theirs) in enumerate(zip(got, expected), start=1):
            where = first_difference(mine, theirs)
            if where:
                return f"result {number} of {len(expected)}: {where}"
        return None
    try:
        a = np.asarray(got)
    except Exception as error:  # a ragged list, an object that is not array-like
        return f"returns {type(got).__name__}, which is not an array ({error})"
    b = np.asarray(expected)
    if a.dtype == object:
        return f"returns {type(got).__name__} holding Python objects; expected {b.dtype} values"
    if a.shape != b.shape:
        if a.size <= 20 and b.size <= 20:  # short: both values say more than their shapes
            return f"returns {shown(got, 200)}, expected {shown(expected, 200)} (shape {a.shape}, expected {b.shape})"
        return f"returns shape {a.shape}, expected shape {b.shape}"
    if a.dtype.names or b.dtype.names:
        if a.dtype.names != b.dtype.names:
            return f"returns fields {a.dtype.names}, expected {b.dtype.names}"
        for field in a.dtype.names:
            where = first_difference(a[field], b[field])
            if where:
                return f"field {field!r}: {where}"
        return None
    text = {a.dtype.kind in "SU", b.dtype.kind in "SU"}
    if len(text) == 2:
        return f"returns {a.dtype} values, expected {b.dtype}"
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        same = within_tolerance(a.astype(np.complex128), b.astype(np.complex128))
    else:
        same = a == b
    wrong = np.argwhere(~np.asarray(same, dtype=bool).reshape(a.shape))
    if len(wrong) == 0:
        return None
    index = tuple(int(i) for i in wrong[0])
    return (f"at index {list(index)}: yours {shown(a[index])}, expected {shown(b[index])} "
            f"({len(wrong)} of {max(a.size, 1)} elements differ)")


_REFERENCES = {}


def reference(module):
    """The course's module ``module`` (workflow/scripts/), even where a student's module of the same name was
    imported first into this Python (a notebook, pytest in the solutions folder): theirs stays where it was."""
    if module in _REFERENCES:
        return _REFERENCES[module]
    theirs = {name: sys.modules.pop(name) for name, loaded in list(sys.modules.items())
              if "." not in name and Path(getattr(loaded, "__file__", None) or "/").parent != COURSE
              and (COURSE / f"{name}.py").is_file()}  # a student's diffusion, automata, ...
    try:
        use_course()
        _REFERENCES[module] = importlib.import_module(module)
    finally:
        for name, loaded in theirs.items():
            if name in sys.modules:  # ours, imported now: kept by the reference modules that use it
                _REFERENCES.setdefault(name, sys.modules[name])
            sys.modules[name] = loaded
    return _REFERENCES[module]


def method_difference(args, got, want):
    """Where a class's results (one per method call of the case's recipe, see runner.call) first differ from the
    reference's: which call, with what, and how; None if they all agree."""
    calls = args[1]
    if type(got) is not list or len(got) != len(want):
        return f"its methods returned {shown(got)}, expected {len(want)} results"
    for number, ((method, arguments), mine, theirs) in enumerate(zip(calls, got, want), start=1):
        where = first_difference(mine, theirs) or type_breach(mine, theirs)
        if where:
            return f"call {number} of {len(calls)}, {method}({', '.join(shown(a) for a in arguments)}): {where}"
    return None


def reference_time(reference, name, all_cases, times):
    """The seconds of the reference's ``name`` on its first case (the fastest of several calls, as the student's
    are timed: runner.timed), from ``times`` if measured before (a dict keyed ``module.name``, filled here): one
    measurement per run, or per class (``grade``'s reference timings)."""
    from coursekit.students import runner

    key = f"{reference.__name__}.{name}"
    if key not in times:
        first = next(args for case, args in all_cases if case == name)
        times[key] = runner.timed(getattr(reference, name), first)
    return times[key]


MARGIN = 2.0  # a speed verdict is said only if one side is this many times nearer (in ratio) than the other


def closer_to(seconds, slow_s, fast_s, margin=MARGIN):
    """Which of the loop and the vectorised solution a time is closer to, on a log scale, or 'too close to call'.

    ``seconds`` is s times the vectorised time and the loop is l times ``seconds``: the verdict names the side
    that is at least ``margin`` times nearer (l >= margin s: the vectorised solution), else it is too close to
    call. Timings on a shared machine move by tens of percent from run to run; the margin keeps a verdict
    from flipping with them.
    """
    to_fast, to_slow = math.log(seconds / fast_s), math.log(slow_s / seconds)
    if to_slow - to_fast >= math.log(margin):
        return "closer to the vectorised solution"
    if to_fast - to_slow >= math.log(margin):
        return "closer to the loop"
    return "too close to call between the two"


def speeds(seconds, reference, pair, all_cases, times=None):
    """The student's time beside the course's loop and vectorised versions (each timed on its own first case)."""
    from tools import human

    times = {} if times is None else times
    slow_s, fast_s = (reference_time(reference, name, all_cases, times) for name in pair)
    return fast_s, (f"yours {human(seconds)}, the loop ({pair[0]}) {human(slow_s)}, "
                    f"the vectorised solution {human(fast_s)}: {closer_to(seconds, slow_s, fast_s)}")


def reference_times(seed, config, scripts=None):
    """Every reference function that a speed verdict compares with, timed once: {module.name: seconds}."""
    from coursekit.students import skeletons as catalogue

    times = {}
    for module in dict.fromkeys(e.module for e in catalogue.all_exercises(*([scripts] if scripts else []))):
        course = reference(module)
        pairs = getattr(course, "PAIRS", {})
        if pairs:
            all_cases = course.cases(seed, config)
            for name in dict.fromkeys(n for pair in pairs.values() for n in pair):
                reference_time(course, name, all_cases, times)
    return times


FAMILIES = {"b": "booleans", "i": "integers", "u": "integers", "f": "floats", "c": "complex numbers", "U": "text",
            "S": "bytes", "V": "records", "M": "dates", "m": "time spans", "O": "Python objects"}


def family(dtype):
    """What a dtype holds, in a word (int64 and uint8 are both integers); a record dtype by its fields'."""
    if dtype.names:
        return "records of " + ", ".join(f"{n}: {family(dtype.fields[n][0].base)}" for n in dtype.names)
    return FAMILIES.get(dtype.kind, dtype.kind)


def kind_of(value):
    """A value's type in words: 'a list', 'a Python int', 'a NumPy int64', 'an array of floats (float64)'."""
    import numpy as np

    if type(value) is np.ndarray:
        return f"an array of {family(value.dtype)} ({value.dtype})"
    if isinstance(value, np.generic):
        return f"a NumPy {type(value).__name__}"
    if value is None:
        return "None"
    words = {bool: "a Python bool", int: "a Python int", float: "a Python float", complex: "a Python complex",
             str: "a string", list: "a list", tuple: "a tuple"}
    return words.get(type(value), f"an object of type {type(value).__name__}")


def type_breach(got, want, exact_dtype=False, depth=0):
    """How ``got`` is not of the reference's type (the same Python or NumPy type; arrays of the same family of
    dtype, or the very dtype if ``exact_dtype``), in one sentence; None if it is."""
    import numpy as np

    if type(got) is not type(want):
        return f"returns {kind_of(got)}; the exercise asks for {kind_of(want)}"
    if type(want) is np.ndarray:
        if exact_dtype and got.dtype != want.dtype:
            return f"returns an array of {got.dtype}; the exercise asks for {want.dtype}"
        if family(got.dtype) != family(want.dtype):
            return f"returns {kind_of(got)}; the exercise asks for {family(want.dtype)}"
    if type(want) in (list, tuple) and depth < 2:
        for g, w in zip(got[:3], want[:3]):
            inner = type_breach(g, w, exact_dtype, depth + 1)
            if inner:
                return f"returns a {type(want).__name__} holding {kind_of(g)}; the exercise asks for {kind_of(w)}"
    return None


def promise_breach(reference, name, args, got, want, facts):
    """The first promise of the statement that the student's result breaks, in one sentence; None if none.

    Every exercise promises the reference's type (and family of dtype); the module's ``PROMISES`` adds, per
    function, ``view``, ``copy`` or ``in_place`` (an argument's name) and ``dtype: "exact"``. Views and
    identity are reported by the runner (``facts``): they do not travel with the result.
    """
    import inspect

    promised = getattr(reference, "PROMISES", {}).get(name, {})
    breach = type_breach(got, want, promised.get("dtype") == "exact")
    if breach:
        return breach
    names = list(inspect.signature(getattr(reference, name)).parameters)
    for promise in ("view", "copy", "in_place"):
        if promise not in promised:
            continue
        arg = promised[promise]
        index = names.index(arg)
        if not facts:
            return f"its relation to {arg} could not be checked (no facts came back)"
        if promise == "view" and index not in facts.get("views", []):
            return (f"returns a copy of {arg}; the exercise asks for a view "
                    f"(np.shares_memory(result, {arg}) is False)")
        if promise == "copy" and index in facts.get("views", []):
            return (f"returns a view of {arg}; the exercise asks for a copy, new memory "
                    f"(np.shares_memory(result, {arg}) is True)")
        if promise == "in_place" and index not in facts.get("same", []):
            if index in facts.get("changed", []):
                return (f"fills {arg} but returns another array; the exercise asks for {arg} itself, filled in place "
                        f"and returned (result is {arg}: False)")
            return (f"works on a copy of {arg}; the exercise asks for {arg} itself, filled in place and returned "
                    f"({arg} is unchanged, result is {arg}: False)")
    return None


def nbytes(value):
    """About how many bytes a value takes (its arrays' bytes, 64 per anything else)."""
    import numpy as np

    if isinstance(value, (tuple, list)):
        return sum(nbytes(v) for v in value) + 64
    return value.nbytes if isinstance(value, np.ndarray) else 64


def printed(output, lines=3):
    """What the student's function printed, cut to its first lines: a note for the detail, or ''."""
    if not output.strip():
        return ""
    shown_lines = output.strip("\n").splitlines()
    more = f" (and {len(shown_lines) - lines:,} more lines)" if len(shown_lines) > lines else ""
    return "\nit printed: " + " / ".join(line[:100] for line in shown_lines[:lines]) + more


def judge(outcome, calls, expected, limits, name, reference=None):
    """The row's status and detail from what came back of the sandbox, compared here with the expected values.

    Returns (status, detail, the first case's result or None).
    """
    from coursekit.students import runner

    end, cap = outcome.end, limits.result_bytes
    memory = (f"used more than its memory cap ({limits.memory_mb} MB, config check.memory_mb) and was stopped: "
              "ran out of memory")
    if outcome.ended == "timeout":
        return "timeout", (f"still running after {limits.timeout:g} s (config check.timeout): an endless loop, or "
                           "far slower than the loop version"), None
    if outcome.ended == "memory" or end.get("status") == "memory":
        return "timeout", memory, None
    if outcome.ended == "too-much":
        return "error", f"returned more than {cap:,} bytes, far more than the expected result", None
    if end.get("status") in ("todo", "error"):
        return end["status"], str(end.get("detail", ""))[:4000], None
    if end.get("status") == "unreadable":
        return "error", str(end.get("detail", ""))[:500], None
    if end.get("status") != "done":
        return "error", "the process ended without an answer (it was killed, called os._exit, or exited)", None
    first, other_way = None, 0
    accept = getattr(reference, "ACCEPT", {}).get(name)
    for number, (args, want) in enumerate(zip(calls, expected), start=1):
        data = outcome.results.get(number - 1)
        if data is None:
            return "error", f"case {number} of {len(calls)}: no result came back", first
        try:
            got = runner.load(data, cap)
        except runner.Unreadable as why:
            return "error", f"case {number} of {len(calls)}: its result is {why}", first
        if number == 1:
            first = got
        is_class = reference is not None and isinstance(getattr(reference, name), type)
        where = method_difference(args, got, want) if is_class else first_difference(got, want)
        if where and accept:  # judged by what it must be, not by equality: a walk drawn the course's way,
            where = getattr(reference, accept[0])(args, got)  # a description of an array in the student's format
            other_way += where is None
        if not where and reference is not None:
            where = promise_breach(reference, name, args, got, want, outcome.facts.get(number - 1))
        if where:
            called = f"{name}({', '.join(shown(a) for a in (args[0] if is_class else args))})"
            return "wrong", f"case {number} of {len(calls)}, {called}: {where}", first
    agree = f"{len(calls)} cases agree" if len(calls) != 1 else "1 case agrees"
    if other_way:
        agree = f"{len(calls)} case(s) right: {other_way} accepted as {accept[1]}" + (
            f", {len(calls) - other_way} equal to the reference's" if other_way < len(calls) else "")
    return "correct", agree, first


def limits_of(settings):
    """The sandbox's limits from config key ``check`` (and the defaults of the ones it does not set)."""
    from coursekit.students.sandbox import Limits

    return Limits(timeout=settings["timeout"], memory_mb=settings["memory_mb"],
                  processes=settings.get("processes", 64), file_mb=settings.get("file_mb", 64))


def check_function(exercise, folder, seed, config, limits, sandbox=None, times=None):
    """Check one exercise: our results here, the student's function in a sandbox of its own; return its row.

    ``folder`` holds the student's modules; only the student's files go into the sandbox, and only the
    inputs: the expected values stay here, computed before, and the results come back as data. ``times``: the
    reference's timings measured before (:func:`reference_times`), added to as needed.
    """
    from coursekit.students import runner
    from coursekit.students import sandbox as box

    course = reference(exercise["module"])
    name = exercise["name"]
    all_cases = course.cases(seed, config)
    calls = [args for case, args in all_cases if case == name]
    expected = [runner.call(getattr(course, name), copy.deepcopy(args)) for args in calls]
    limits = copy.copy(limits)
    limits.result_bytes = min(limits.result_bytes, (64 << 20) + 8 * sum(nbytes(want) for want in expected))
    pair = getattr(course, "PAIRS", {}).get(name)
    outcome = box.run(folder, exercise["module"], name, calls, limits, sandbox, timing=0.5 if pair else 0.0)
    status, detail, first = judge(outcome, calls, expected, limits, name, course)
    if status == "error":  # the sandbox saw the student's file as solutions/<module>.py: name it where it is
        own = f"{exercise['module']}.py, line "
        detail = "\n".join(str(Path(folder) / line) if line.startswith(own) else line for line in detail.split("\n"))
    if status in FAILING:
        detail += printed(outcome.output)
    row = {"module": exercise["module"], "function": name, "status": status, "detail": detail,
           "student_s": outcome.end.get("seconds") or "" if status == "correct" else "", "reference_s": ""}
    if name in getattr(course, "FIGURES", {}) and first is not None and expected \
            and nbytes(first) <= 4 * nbytes(expected[0]) + (1 << 20):  # never draws a result far larger than ours
        row["drawn"] = (first, expected[0])
    if row["status"] == "correct" and pair and row.get("student_s"):
        row["reference_s"], timing = speeds(row["student_s"], course, pair, all_cases, times)
        row["detail"] = f"{row['detail']}; {timing}"
    return row


def check_all(folder, seed, config, limits, scripts=None, sandbox=None, times=None, modules=None):
    """Check every exercise whose module has a file in ``folder``; return the rows, in the course's order.

    ``times``: the reference timings for the speed verdicts, measured before for a whole class; else each is
    measured once in this call. ``modules``: only these modules' exercises (all by default)."""
    from coursekit.students import skeletons as catalogue

    times = {} if times is None else times
    rows = []
    for exercise in catalogue.all_exercises(*([scripts] if scripts else [])):
        if modules is not None and exercise.module not in modules:
            continue
        path = Path(folder) / f"{exercise.module}.py"
        if not path.is_file():
            rows.append({"module": exercise.module, "function": exercise.name, "status": "todo",
                         "detail": f"no file {path.name} (yet)", "student_s": "", "reference_s": ""})
            continue
        rows.append(check_function({"module": exercise.module, "name": exercise.name}, Path(folder).resolve(),
                                   seed, config, limits, sandbox, times))
    return rows


def draw_side_by_side(row, path):
    """Draw the student's result of the first case beside the reference's, with the module's own plot function.

    Returns the path written, or None if the student's result cannot be drawn (it is wrong in shape or type).
    """
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from coursekit.core import save_figure

    course = reference(row["module"])
    plot = getattr(course, course.FIGURES[row["function"]])
    panels = []
    try:
        for result in row["drawn"]:
            fig = plot(result)
            fig.canvas.draw()
            panels.append(np.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy())
            plt.close(fig)
    except Exception:  # a result of the wrong shape or type: the row's detail already says what is wrong
        plt.close("all")
        return None
    height, width = panels[1].shape[:2]
    both = plt.figure(figsize=(2 * width / 100, height / 100 + 0.4), dpi=100)
    for i, (title, panel) in enumerate(zip(("yours", "the reference"), panels)):
        ax = both.add_axes((i / 2, 0, 0.5, height / (height + 40)))
        ax.imshow(panel, interpolation="nearest")
        ax.set_axis_off()
        both.text(i / 2 + 0.25, 1 - 12 / (height + 40), f"{title}: {row['module']}.{row['function']}",
                  ha="center", va="center", fontsize=11)
    save_figure(both, path, dpi=100)
    return path


def headline(row):
    """A row's detail in one line for the terminal: for an error, the student's file and line, then the error."""
    lines = [line for line in (row.get("detail") or "").splitlines() if not line.startswith("it printed:")]
    if not lines:
        return ""
    if row.get("status") == "error":
        where = [line for line in lines[:-1] if ", line " in line]
        return f"{where[-1].split(': ', 1)[0]}: {lines[-1]}" if where else lines[-1]
    return lines[0]


def report(rows, folder):
    """The Markdown page a student reads: a summary, then one line per function."""
    counts = {status: sum(r["status"] == status for r in rows) for status in STATUSES}
    failing = [r for r in rows if r["status"] in FAILING]
    lines = ["# Your solutions, checked\n",
             f"Solutions read from `{folder}`. " + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]) + ".\n",
             ("**Some functions need work** (the check fails): " + ", ".join(f"`{r['module']}.{r['function']}`"
                                                                         for r in failing) + ".\n") if failing else
             "**Every function you wrote is correct**" + (" (the others are still to do)." if counts["todo"] else ".")
             + "\n",
             "| function | status | detail |", "|---|---|---|"]
    for r in rows:
        detail = r["detail"].replace("|", "\\|").replace("\n", "<br>")
        lines.append(f"| `{r['module']}.{r['function']}` | {r['status']} | {detail} |")
    lines += ["", "What the statuses mean: **todo** the function still raises NotImplementedError; **correct** it "
              "agrees with the reference on every case; **wrong** the first case where it does not, and where; "
              "**error** your code raised an exception (its traceback, in your file only); **timeout** it ran past "
              "the time limit or the memory cap."]
    return "\n".join(lines) + "\n"


def run_directly(path):
    """What ``python workflow/scripts/<module>.py`` does: run each exercise on its default case and print it.

    The default case is the first the module's ``cases()`` lists (the configured one, from config.yaml).
    """
    import importlib

    import numpy as np

    from coursekit.config import load_yaml

    from coursekit import CHECKOUT
    from coursekit.students.runner import call
    from coursekit.students.skeletons import module_exercises

    module = Path(path).stem
    config = load_yaml((CHECKOUT / "config.yaml").read_text(encoding="utf-8"))
    reference = importlib.import_module(module)
    first = {}
    for name, args in reference.cases(config["seed"], config):
        first.setdefault(name, args)
    np.set_printoptions(threshold=60, edgeitems=3, linewidth=100)
    print(f"{module}.py on the default case of config.yaml (seed {config['seed']}):\n")
    for exercise in module_exercises(path):
        args = first.get(exercise.name)
        if args is None:
            continue
        result = call(getattr(reference, exercise.name), args)
        several = isinstance(result, tuple) and all(isinstance(part, np.ndarray) for part in result)
        print(f"{exercise.name}({', '.join(shown(a) for a in args)}) returns")
        for part in result if several else (result,):
            if isinstance(part, np.ndarray):
                print(f"  an array of shape {part.shape}, {part.dtype}:\n    " + str(part).replace("\n", "\n    "))
            else:
                print(f"  {shown(part, 300)}")
        print()
    print(f"To write your own: `snakemake --cores 1 exercises`, edit solutions/{module}.py, "
          "then `snakemake --cores all check`.\nThe pipeline's artefacts from this module: `snakemake --cores all` "
          "(they are listed in README.md, under results/).")


if __name__ == "__main__" and "snakemake" in globals():
    import csv

    from coursekit.core import InputError, entry, log, save_csv, save_text

    def check_module():
        """One module of the student's: its functions checked, its rows and its figures (rule check_module)."""
        folder = Path(snakemake.params.solutions)
        if not folder.is_dir():
            raise InputError(f"no folder {folder} (config key solutions): make the exercise files first with "
                             "`snakemake --cores 1 exercises`")
        from coursekit.students import sandbox

        settings = snakemake.params.limits
        mode = {"auto": None, "required": True, "off": False}[settings.get("sandbox", "auto")]
        if mode is None and not sandbox.available():
            log.info("note: %s", sandbox.MISSING)
        rows = check_all(folder, snakemake.params.seed, snakemake.params.config, limits_of(settings), sandbox=mode,
                         modules=[snakemake.wildcards.module])
        for row in rows:
            log.info("%-36s %-8s %s", f"{row['module']}.{row['function']}", row["status"], headline(row))
        Path(snakemake.output.figures).mkdir(parents=True, exist_ok=True)
        for row in rows:
            if row.get("drawn") is not None:
                path = draw_side_by_side(row, Path(snakemake.output.figures) / f"{row['function']}.png")
                if path:
                    log.info("drew %s beside the reference's: %s", row["function"], path)
        save_csv(snakemake.output.csv, [{k: row.get(k, "") for k in COLUMNS} for row in rows], COLUMNS)

    def gather():
        """Every module's rows, in the course's order: check.csv and report.md (rule check_solutions)."""
        rows = []
        for path in snakemake.input.modules:
            with open(path, newline="", encoding="utf-8") as f:
                rows += list(csv.DictReader(f))
        save_csv(snakemake.output.csv, rows, COLUMNS)
        save_text(snakemake.output.md, report(rows, snakemake.params.solutions))

    def verdict():
        with open(snakemake.input.csv, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        failing = [r for r in rows if r["status"] in FAILING]
        todo = [f"{r['module']}.{r['function']}" for r in rows if r["status"] == "todo"]
        if failing:
            raise InputError(f"{len(failing)} function(s) need work (details in {snakemake.input.md}):\n  "
                             + "\n  ".join(f"{r['module']}.{r['function']}: {r['status']}: {headline(r)}"
                                           for r in failing))
        correct = sum(r["status"] == "correct" for r in rows)
        log.info("%d function(s) correct; still to do: %s", correct, ", ".join(todo) if todo else "none")

    entry(snakemake, {"check_module": check_module, "check_solutions": gather, "check": verdict}[snakemake.rule])
