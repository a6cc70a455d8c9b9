"""What every job of the course uses: errors, logging, seeds, safe reading and writing, the job's entry.

Nothing here is part of the course; the exercise scripts in
``workflow/scripts/`` are. Each of them ends with a thin entry that calls
:func:`entry` so that a bad input ends in one clear line (in the console and
in the job's log) instead of a traceback, and every file is written under a
temporary name and renamed into place only once it is complete.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import sys
import time
import zlib
from pathlib import Path

# NumPy is imported inside the functions that use it: the Snakefile imports this module on every start
# (a dry run, a rerun with nothing to do), which would pay for NumPy.

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
