"""Plumbing shared by every exercise script: errors, logging, seeds, safe writes.

Nothing here is part of the course; the exercise scripts next to this file
are. Each of them ends with a thin entry that calls :func:`entry` so that a
bad input ends in one clear line (in the console and in the job's log)
instead of a traceback, and every file is written under a temporary name and
renamed into place only once it is complete.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import zlib
from pathlib import Path

# NumPy is imported inside the functions that use it: the Snakefile imports this module to check
# the config, and every Snakemake start (a dry run, a rerun with nothing to do) would pay for it.

log = logging.getLogger("course")


class InputError(ValueError):
    """A bad input the user can fix: the message names the file and line or the config key."""


# -- seeds -------------------------------------------------------------------


def rng(seed, *stream):
    """Return the random generator of one named stream derived from the config seed.

    Parameters
    ----------
    seed : int
        The config key ``seed``.
    *stream : str
        Names of the stream, e.g. ``("random_walk",)`` or ``("quantize", "kitten", "16")``.

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator whose state depends only on ``seed`` and ``stream``,
        so that adding, removing or reordering other artefacts never changes it.

    Examples
    --------
    >>> a = rng(1, "walk").integers(0, 100, 3)
    >>> b = rng(1, "walk").integers(0, 100, 3)
    >>> bool((a == b).all())
    True
    """
    import numpy as np

    key = tuple(zlib.crc32(name.encode("utf-8")) for name in stream)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


# -- writing files -----------------------------------------------------------


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it to ``path`` only on success.

    A job killed half way leaves at most a hidden ``.tmp`` file, never a
    truncated file under the real name that a later run could take as done.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.tmp{path.suffix}"):  # left by a writer that was killed
        stale.unlink(missing_ok=True)
    # same folder (so the rename is atomic), same suffix (writers pick the format by it), usual permissions
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp{path.suffix}")
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def save_npy(path, array):
    """Save one array as .npy, atomically, never with pickled objects."""
    import numpy as np

    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.save(f, np.asarray(array), allow_pickle=False)


def save_npz(path, **arrays):
    """Save arrays in one compressed .npz, atomically and byte-for-byte repeatable.

    ``np.savez_compressed`` stamps every member with the current time, so two
    runs differ; here each member is written with a fixed 1980-01-01 date.
    """
    import zipfile

    import numpy as np

    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asanyarray(array), allow_pickle=False)


def save_text(path, text):
    """Write UTF-8 text atomically, with Unix line endings."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def save_csv(path, rows):
    """Write a list of dicts (same keys) as CSV, atomically; floats with 6 significant digits."""
    import csv

    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()} for row in rows)


def save_figure(fig, path, **kwargs):
    """Save a matplotlib figure atomically, without version or date metadata.

    Without the ``Software`` entry a PNG depends only on its pixels, so two
    runs give byte-identical files.
    """
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=Path(path).suffix[1:], metadata={"Software": None}, **kwargs)
    plt.close(fig)


def figure(figsize):
    """Return a frameless figure and axes without ticks, as the course draws them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize)
    ax = fig.add_subplot(1, 1, 1, frameon=False)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig, ax


# -- running under Snakemake -------------------------------------------------


def entry(snakemake, main):
    """Run ``main()`` as a Snakemake job: log to the job's log file and stderr.

    An :class:`InputError` ends the job with its one-line message (exit code 1);
    Snakemake then removes the job's outputs, so nothing half-made remains.
    """
    handlers = [logging.StreamHandler(sys.stderr)]
    if snakemake.log:
        Path(snakemake.log[0]).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(snakemake.log[0], mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=handlers, force=True)
    log.info("rule %s: %s", snakemake.rule, ", ".join(map(str, snakemake.output)))
    try:
        main()
    except InputError as error:
        log.error("error: %s", error)
        sys.exit(1)


# -- config ------------------------------------------------------------------


def _allowed(error):
    """Say in words what the schema allows where ``error`` failed."""
    kind, limit = error.validator, error.validator_value
    words = {
        "type": lambda: f"must be of type {limit if isinstance(limit, str) else ' or '.join(limit)}",
        "minimum": lambda: f"must be at least {limit}",
        "maximum": lambda: f"must be at most {limit}",
        "exclusiveMinimum": lambda: f"must be greater than {limit}",
        "exclusiveMaximum": lambda: f"must be less than {limit}",
        "enum": lambda: f"must be one of {', '.join(map(repr, limit))}",
        "minItems": lambda: f"must have at least {limit} item(s)",
        "maxItems": lambda: f"must have at most {limit} item(s)",
        "uniqueItems": lambda: "must not repeat an item",
        "minProperties": lambda: f"must have at least {limit} entry(ies)",
        "pattern": lambda: f"must match the pattern {limit}",
        "minLength": lambda: f"must have at least {limit} character(s)",
    }
    return words.get(kind, lambda: error.message)()


def config_errors(config, schema):
    """List every way ``config`` breaks ``schema``, one readable line each.

    Each line names the key (dotted path), the value and what is allowed,
    e.g. ``diffusion.F = 0.7 is not allowed: must be at most 0.5``.
    """
    import jsonschema

    if not isinstance(config, dict):
        return [f"the file must hold a mapping of keys (as config.yaml in the repository does), got {config!r}"]
    validator = jsonschema.Draft202012Validator(schema)
    lines = []
    for error in sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        key = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - set(allowed)):
                where = f"{key}.{extra}" if key else extra
                lines.append(f"unknown key '{where}'; allowed here: {', '.join(allowed)}")
        elif error.validator == "required":
            lines.append(f"{error.message} (in '{key or 'the top level'}')")
        else:
            lines.append(f"{key or 'the top level'} = {error.instance!r} is not allowed: {_allowed(error)}")
    return lines


def package_versions(names):
    """The installed version of each distribution in ``names`` ('not installed' if absent), as a dict."""
    from importlib import metadata

    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def load_yaml(text):
    """``yaml.safe_load``, with PyYAML's C parser (libyaml) when it is built in: ten times faster.

    Every Snakemake start reads config.yaml and the schema, so this is paid on every run.
    Same values, same line and column in syntax errors.
    """
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_yaml(path):
    """Read a YAML mapping; a syntax error or an empty file is an InputError naming the file, line and column."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = load_yaml(text)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: byte {error.start} is not UTF-8 text") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise InputError(f"{path}, line {mark.line + 1}, column {mark.column + 1}: YAML syntax error: "
                         f"{error.problem or error.context}") from None
    if data is None:
        raise InputError(f"{path}: the file is empty; it must hold the course's parameters "
                         "(see config.yaml in the repository: git show HEAD:config.yaml)")
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of keys at the top level, got {type(data).__name__}")
    return data


def check_config(config, schema_path, source="config.yaml"):
    """Validate ``config`` against the JSON schema; raise InputError listing every problem."""
    schema = load_yaml(Path(schema_path).read_text(encoding="utf-8"))
    errors = config_errors(config, schema)
    if errors:
        raise InputError(f"invalid configuration in {source}:\n  " + "\n  ".join(errors))
    return config
