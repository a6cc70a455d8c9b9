"""Plumbing shared by every exercise script: errors, logging, seeds, safe writes.

Nothing here is part of the course; the exercise scripts next to this file
are. Each of them ends with a thin entry that calls :func:`entry` so that a
bad input ends in one clear line (in the console and in the job's log)
instead of a traceback, and every file is written under a temporary name and
renamed into place only once it is complete.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import stat
import sys
import time
import zlib
from pathlib import Path

# NumPy and PyYAML are imported inside the functions that use them: the Snakefile imports this module
# to check the config, and every Snakemake start (a dry run, a rerun with nothing to do) would pay for NumPy;
# the quantize command imports it while its image decodes, and would wait 10 ms for PyYAML.

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


# -- reading files -----------------------------------------------------------

# Inputs larger than these are refused, with the cap named, before a byte is read.
TEXT_MAX_BYTES = 16 << 20  # a data table: the course's is under 1 kB
CONFIG_MAX_BYTES = 1 << 20  # a config file: config.yaml is 4 kB; a 1,000,000-item list (3 MB) took 30 s to check
KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def check_input(path, cap, what="file", key=None):
    """Refuse, before opening it, an input that is not a readable regular file of at most ``cap`` bytes.

    A FIFO would block the reader forever and ``/dev/zero`` would fill the
    memory: only regular files are read. Returns the file's size.

    Raises
    ------
    InputError
        Naming the path and the reason: missing (and the config ``key`` that
        names it, if given), a folder, a FIFO or device, permission denied, or
        larger than ``cap`` (the cap stated).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file" + (f" (config key {key})" if key else "")) from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    kind = stat.S_IFMT(info.st_mode)
    if kind != stat.S_IFREG:
        raise InputError(f"{path}: is {KINDS.get(kind, 'not a regular file')}; only regular files are read")
    if info.st_size > cap:
        raise InputError(f"{path}: {info.st_size:,} bytes, more than the {cap:,} bytes ({cap >> 20} MiB) "
                         f"allowed for {what}")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")
    return info.st_size


def read_bytes(path, cap, what="file", key=None):
    """The bytes of the regular file ``path``, refused beyond ``cap`` bytes (also if it grows while read)."""
    check_input(path, cap, what, key)
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    if len(data) > cap:
        raise InputError(f"{path}: more than the {cap:,} bytes allowed for {what}")
    return data


# -- writing files -----------------------------------------------------------


def check_output(path):
    """Refuse, before any work, an output ``path`` that exists and is not a regular file.

    Renaming a finished file over a device, a FIFO, a socket or a folder would
    replace it (run as root, ``/dev/null`` became a PNG): we write only regular
    files. A symbolic link is judged by what it points to.

    Raises
    ------
    InputError
        Naming the path and what it is.
    """
    try:
        kind = stat.S_IFMT(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    except OSError as error:
        raise InputError(f"{path}: cannot be written ({error.strerror or error})") from None
    if kind != stat.S_IFREG:
        raise InputError(f"{path}: is {KINDS.get(kind, 'not a regular file')}; only regular files are written, "
                         "so nothing was written there")


def write_error(path, error):
    """An OSError met while writing ``path`` as the InputError a user reads: the file and the cause, one line."""
    import errno

    hints = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
             errno.EFBIG: "the file would pass the size limit (ulimit -f)", errno.EROFS: "read-only file system",
             errno.EACCES: "permission denied", errno.EPERM: "permission denied",
             errno.EPIPE: "the program it was written through (the video encoder) stopped; its message is above"}
    cause = hints.get(error.errno, error.strerror or str(error) or type(error).__name__)
    if error.errno is None and free_bytes(Path(path).parent) == 0:  # NumPy's "160000 requested and 89584 written"
        cause = "the disk is full"
    return InputError(f"{path}: cannot be written: {cause}; nothing was written under that name")


def free_bytes(folder):
    """The bytes left for us on the file system of ``folder`` (None if it cannot be asked)."""
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return None
    return info.f_bavail * info.f_frsize


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it to ``path`` only on success.

    A job killed half way leaves at most a hidden ``.tmp`` file, never a
    truncated file under the real name that a later run could take as done.
    An existing ``path`` that is not a regular file is refused before anything
    is written (:func:`check_output`); a read-only folder, a full disk or a
    file-size limit ends in one :class:`InputError` naming ``path`` and the
    cause, and the temporary file is removed.
    """
    path = Path(path)
    check_output(path)
    # same folder (so the rename is atomic), same suffix (writers pick the format by it), usual permissions
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp{path.suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f".{path.name}.*.tmp{path.suffix}"):  # left by a writer that was killed
            if stale.is_file() and not stale.is_symlink():
                stale.unlink(missing_ok=True)
        yield Path(tmp)
        check_output(path)  # made while we wrote? still never renamed over
        os.replace(tmp, path)
    except OSError as error:
        raise write_error(path, error) from None
    finally:
        with contextlib.suppress(OSError):
            if os.path.isfile(tmp) and not os.path.islink(tmp):
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


def save_csv(path, rows, columns=None):
    """Write a list of dicts (same keys) as CSV, atomically; floats with 6 significant digits.

    ``columns`` names the header when there may be no row (an empty table still has its header).
    """
    import csv

    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns or rows[0]), lineterminator="\n")
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


def sha256(path):
    """The SHA-256 of a file's bytes, as hex, read a megabyte at a time."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprints(paths):
    """The SHA-256 of each regular file in ``paths``, as {path: hex}."""
    return {path: sha256(path) for path in map(str, paths) if os.path.isfile(path)}


def record_params(snakemake):
    """Write beside the job's log what its outputs were made with: rule, wildcards, params (JSON).

    The course page captions each artefact with these, the parameters it was actually made with, and
    marks it stale when the current config would give other ones.
    """
    import json

    if not snakemake.log:
        return
    record = {"rule": snakemake.rule, "outputs": [str(p) for p in snakemake.output],
              "wildcards": dict(snakemake.wildcards.items()), "params": dict(snakemake.params.items())}
    with atomic_path(Path(snakemake.log[0]).with_suffix(".params.json")) as tmp:
        tmp.write_text(json.dumps(record, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")


class QuietFileHandler(logging.FileHandler):
    """A job's log file that, when it cannot be written (a full disk), says nothing more: stderr still has every line.

    The standard handler prints a "--- Logging error ---" traceback for every
    message it could not write.
    """

    def handleError(self, record):  # noqa: N802 (logging's name)
        pass


def entry(snakemake, main):
    """Run ``main()`` as a Snakemake job: log to the job's log file and stderr.

    An :class:`InputError` ends the job with its one-line message (exit code 1);
    Snakemake then removes the job's outputs, so nothing half-made remains.
    The same happens if an input's content changed while the job ran (its
    outputs would be newer than the input but made from the old content, and
    taken as up to date forever), and on Ctrl-C, which ends the job with one
    line saying what was stopped and what to run next (exit code 130).
    """
    handlers = [logging.StreamHandler(sys.stderr)]
    if snakemake.log:
        try:
            Path(snakemake.log[0]).parent.mkdir(parents=True, exist_ok=True)
            handlers.append(QuietFileHandler(snakemake.log[0], mode="w", encoding="utf-8"))
        except OSError as error:  # a full disk, a read-only folder: the job still says what happens, on stderr
            print(f"note: {write_error(snakemake.log[0], error)}", file=sys.stderr)
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=handlers, force=True)
    log.info("rule %s: %s", snakemake.rule, ", ".join(map(str, snakemake.output)))
    started = time.time_ns()
    try:
        before = fingerprints(snakemake.input)
        main()
        changed = [path for path, digest in fingerprints(before).items() if before.get(path) != digest]
        changed += [path for path in before if not os.path.isfile(path)]
        if changed:
            raise InputError(f"{changed[0]} changed while rule {snakemake.rule} read it, so its outputs may not "
                             "match it and were not kept; run the same command again")
        record_params(snakemake)
    except InputError as error:
        log.error("error: %s", error)
        sys.exit(1)
    except MemoryError:
        log.error("error: rule %s ran out of memory making %s (the process's memory limit, ulimit -v, or the "
                  "machine's), and nothing it wrote is kept; give it more memory or lower the sizes in config.yaml",
                  snakemake.rule, snakemake.output[0])
        sys.exit(1)
    except KeyboardInterrupt:
        # Outputs this job finished before the interrupt are removed too (only those it wrote: newer than its
        # start), so that the next run makes them again instead of asking for --rerun-incomplete.
        for path in map(str, snakemake.output):
            with contextlib.suppress(OSError):
                if os.stat(path).st_mtime_ns >= started:
                    os.unlink(path)
        log.error("interrupted: rule %s stopped before it finished, and nothing it wrote is kept; "
                  "run the same command again to finish", snakemake.rule)
        sys.exit(130)


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
        "pattern": lambda: f"must match the pattern {limit} (as a whole)",
        "minLength": lambda: f"must have at least {limit} character(s)",
    }
    return words.get(kind, lambda: error.message)()


def _validator(schema):
    """A JSON-schema validator, stricter than the standard in two ways that matter for a config.

    - ``integer`` means a YAML integer: JSON Schema also accepts 2018.0, which
      then reaches NumPy as a float (``seed: 2018.0`` was a TypeError in a job);
    - ``pattern`` must match the whole value: with ``re.search``, ``$`` also
      matches before a final newline, so ``"cat\\n"`` passed ``^[a-z]+$``.
    """
    import re

    import jsonschema

    base = jsonschema.Draft202012Validator

    def whole_pattern(validator, pattern, instance, schema):
        if validator.is_type(instance, "string") and not re.fullmatch(pattern, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    types = base.TYPE_CHECKER.redefine("integer", lambda checker, x: isinstance(x, int) and not isinstance(x, bool))
    return jsonschema.validators.extend(base, {"pattern": whole_pattern}, type_checker=types)(schema)


def _shown(value, width=80):
    """``repr(value)``, cut to about ``width`` characters: a list of a million items is named, not printed."""
    text = repr(value)
    if len(text) <= width:
        return text
    if isinstance(value, list):
        return f"[{', '.join(repr(v) for v in value[:5])}, ... ({len(value):,} items)]"
    return text[:width - 3] + "..."


def config_errors(config, schema):
    """List every way ``config`` breaks ``schema``, one readable line each.

    Each line names the key (dotted path), the value and what is allowed,
    e.g. ``diffusion.F = 0.7 is not allowed: must be at most 0.5``.
    """
    if not isinstance(config, dict):
        return [f"the file must hold a mapping of keys (as config.yaml in the repository does), got {config!r}"]
    lines = []
    for error in sorted(_validator(schema).iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        key = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - set(allowed)):
                where = f"{key}.{extra}" if key else extra
                lines.append(f"unknown key '{where}'; allowed here: {', '.join(allowed)}")
        elif error.validator == "required":
            lines.append(f"{error.message} (in '{key or 'the top level'}')")
        elif "propertyNames" in error.schema_path:
            lines.append(f"{key} has an entry named {error.instance!r}, which is not allowed: names "
                         f"{_allowed(error)}")
        else:
            hint = ""
            if error.validator == "type" and error.validator_value == "integer" and isinstance(error.instance, float) \
                    and error.instance.is_integer():
                hint = f" (write {int(error.instance)}, without the decimal point)"
            lines.append(f"{key or 'the top level'} = {_shown(error.instance)} is not allowed: {_allowed(error)}{hint}")
    return lines


def from_command_line(config, overrides, schema):
    """Read the numbers that ``--config key={...}`` left as text, where the schema wants a number.

    Snakemake reads a value given with ``--config`` such as ``diffusion={F: 0.3}``
    with YAML's base loader, which keeps every nested scalar as a string
    (``'0.3'``). Where ``overrides`` (Snakemake's parsed ``--config``) put a
    string and the schema asks for a number, an integer or a boolean, the string
    is read as YAML would read it in a file; text stays text everywhere else.
    Changes ``config`` in place.
    """
    import yaml

    definitions = schema.get("$defs", {})

    def resolve(node):
        while isinstance(node, dict) and "$ref" in node:
            node = definitions[node["$ref"].rsplit("/", 1)[-1]]
        return node or {}

    def wanted(node):
        kind = resolve(node).get("type")
        return set([kind] if isinstance(kind, str) else kind or [])

    def convert(value, node):
        node = resolve(node)
        if isinstance(value, str) and "string" not in wanted(node) and wanted(node) & {"number", "integer", "boolean"}:
            try:
                read = yaml.safe_load(value)
            except yaml.YAMLError:
                return value
            return read if isinstance(read, (int, float, bool)) else value
        if isinstance(value, list):
            return [convert(v, node.get("items", {})) for v in value]
        if isinstance(value, dict):
            properties = node.get("properties", {})
            return {k: convert(v, properties.get(k, node.get("additionalProperties", {}))) for k, v in value.items()}
        return value

    def walk(target, given, node):
        for key, value in given.items():
            if key not in target:
                continue
            sub = resolve(node).get("properties", {}).get(key, {})
            if isinstance(value, dict) and isinstance(target[key], dict):
                walk(target[key], value, sub)
            else:
                target[key] = convert(target[key], sub)

    walk(config, overrides or {}, schema)
    return config


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


@functools.cache
def strict_loader():
    """YAML's safe loader (libyaml when built in) that refuses a key given twice in one mapping.

    Made on first use, so that importing this module does not import PyYAML
    (10 ms: the quantize command decodes its image meanwhile).
    """
    import yaml

    class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        def construct_mapping(self, node, deep=False):
            seen = {}
            for key_node, _ in node.value:
                key = key_node.value if key_node.tag.endswith((":str", ":int", ":float", ":bool", ":null")) else None
                if key is not None and key in seen:
                    raise InputError(f"lines {seen[key] + 1} and {key_node.start_mark.line + 1}: key {key!r} is "
                                     "given twice in the same mapping (YAML would keep the last silently); keep one")
                seen.setdefault(key, key_node.start_mark.line)
            return super().construct_mapping(node, deep)

    return StrictLoader


def read_yaml(path, cap=CONFIG_MAX_BYTES):
    """Read a config file strictly: a YAML mapping, no anchors or aliases, no key given twice.

    Anchors and aliases (``&a``, ``*a``) are refused: a config has no use for
    them, and ten nested aliases make a billion values (the "billion laughs").

    Raises
    ------
    InputError
        Naming the file and the line (and column): a syntax error (with the
        line where the construct it broke was opened), an alias, a duplicate
        key, an empty file, a file that is not a mapping, not UTF-8, not a
        regular file or larger than ``cap`` bytes.
    """
    import yaml

    raw = read_bytes(path, cap, "a config file")
    try:
        text = raw.decode("utf-8-sig")
        for token in yaml.scan(text, Loader=strict_loader()):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                mark = token.start_mark
                raise InputError(f"line {mark.line + 1}, column {mark.column + 1}: YAML anchors and aliases "
                                 f"('&{token.value}', '*{token.value}') are not allowed in a config: "
                                 "write the values out")
        data = yaml.load(text, Loader=strict_loader())
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(f"{path}, line {line}: byte 0x{raw[error.start]:02x} is not UTF-8 text") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        opened = ""
        if error.context and error.context_mark and error.problem_mark and \
                error.context_mark.line != error.problem_mark.line:
            opened = f" ({error.context} opened on line {error.context_mark.line + 1}, " \
                     f"column {error.context_mark.column + 1})"
        raise InputError(f"{path}, line {mark.line + 1}, column {mark.column + 1}: YAML syntax error: "
                         f"{error.problem or error.context}{opened}") from None
    except InputError as error:
        raise InputError(f"{path}, {error}") from None
    if data is None:
        raise InputError(f"{path}: the file is empty; it must hold the course's parameters "
                         "(see config.yaml in the repository: git show HEAD:config.yaml)")
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of keys at the top level, got {type(data).__name__}")
    return data


def check_config(config, schema_path, source="config.yaml", overrides=None):
    """Validate ``config`` against the JSON schema; raise InputError listing every problem.

    ``overrides`` are the values given with ``--config``: their numbers, left as
    text by Snakemake, are read first (see :func:`from_command_line`).
    """
    schema = load_yaml(Path(schema_path).read_text(encoding="utf-8"))
    from_command_line(config, overrides, schema)
    errors = config_errors(config, schema)
    if errors:
        raise InputError(f"invalid configuration in {source}:\n  " + "\n  ".join(errors))
    return config
