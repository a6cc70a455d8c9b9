"""The references folder: which files in it the pipeline wrote, and where it may write at all.

``accept_references`` writes into the folder that config key ``references``
names. It must never remove or overwrite a file that it did not write
itself, so it keeps their list in ``MANIFEST.sha256`` in that folder (the
format of ``sha256sum``: ``sha256sum -c MANIFEST.sha256`` checks it), and:

- refuses a folder that holds files but no manifest: not one it made;
- refuses to overwrite a file that exists but is not in the manifest;
- removes only files that the manifest lists;
- refuses, before any job starts, a ``references`` value that is a file,
  the repository or a folder holding it, ``data/`` (or a folder in it),
  the home folder or a system folder such as ``/`` or ``/etc``.

``verify`` reads the references from the manifest too, so nothing walks the
folder: a start costs one small file read, whatever the folder holds.

No NumPy here: the Snakefile imports this module on every start.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from coursekit.core import InputError, atomic_path, sha256  # sha256: the hash each manifest line records

MANIFEST = "MANIFEST.sha256"
CONFIG = "config.yaml"  # the config that made the references, written beside them (listed in the manifest)
PROVENANCE = "provenance.json"  # and the provenance of the run that made them: its package versions
# Folders of the operating system, never a place for references (nor anything under them).
SYSTEM = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/run", "/sbin", "/sys", "/usr",
          "/var")
LINE = re.compile(r"([0-9a-f]{64})  (\S(?:.*\S)?)")


def unsafe(folder, repo, code=False):
    """Say why ``folder`` must not hold references (a short phrase), or return None if it may.

    ``folder`` and ``repo`` are compared after resolving links, so a link to
    ``/`` is refused as ``/`` is. With ``code``, the repository's ``workflow/``
    (the reference scripts, the rules) and anything in it is refused too: a
    folder of solutions there would write skeletons among the references'
    scripts, and the check would grade the references.
    """
    folder, repo = Path(os.path.realpath(folder)), Path(os.path.realpath(repo))
    home = Path(os.path.realpath(Path.home()))
    if folder.exists() and not folder.is_dir():
        return "it is a file, not a folder"
    if folder == Path(folder.anchor):
        return "it is the filesystem root"
    if folder == repo or folder in repo.parents:
        return "it is the repository or a folder holding it"
    data = repo / "data"
    if folder == data or data in folder.parents:
        return "it is the inputs' folder data/ (or inside it)"
    workflow = repo / "workflow"
    if code and (folder == workflow or workflow in folder.parents):
        return "it is the workflow's own folder workflow/ (or inside it), where the reference solutions are"
    if folder == home or folder in home.parents:
        return "it is the home folder or holds it"
    if any(folder == Path(s) or Path(s) in folder.parents for s in SYSTEM):
        return "it is a system folder"
    if len(folder.parts) <= 2:
        return "it is the filesystem root or a folder directly under it"
    return None


def check_folder(folder, repo, key="references"):
    """Raise InputError naming the config key and value if ``folder`` may not hold references (or, for key
    ``solutions``, a student's solutions: not in workflow/ either)."""
    reason = unsafe(folder, repo, code=key == "solutions")
    if reason:
        example = "solutions" if key == "solutions" else "workflow/references"
        raise InputError(f"config key {key} = {str(folder)!r} is not allowed: {reason}; {key} need a "
                         f"folder of their own, such as {example}")


def read(folder):
    """Return the manifest of ``folder`` as {relative path: sha256}, or None if there is none.

    Raises
    ------
    coursekit.core.InputError
        Naming the manifest and the line, for a line that is not ``<sha256>  <relative path>``
        or a path that leaves the folder (absolute, or with '..').
    """
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    entries = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = LINE.fullmatch(line)
        if not match:
            raise InputError(f"{path}, line {number}: expected '<sha256>  <relative path>', got {line!r}")
        relative = match.group(2)
        if Path(relative).is_absolute() or ".." in Path(relative).parts or relative == MANIFEST:
            raise InputError(f"{path}, line {number}: {relative!r} is not a path inside the folder")
        entries[relative] = match.group(1)
    return entries


def listed(folder):
    """The files the manifest lists that exist now, and the manifest itself: as Snakemake inputs."""
    entries = read(folder) or {}
    files = [Path(folder) / MANIFEST] if entries else []
    return sorted(str(p) for p in files + [Path(folder) / r for r in entries] if p.is_file())


def write(folder, entries):
    """Write ``MANIFEST.sha256`` (atomically) listing ``entries`` {relative path: sha256}."""
    lines = ["# Files written by `snakemake accept_references`: it removes or overwrites only these.",
             "# Check them with `sha256sum -c MANIFEST.sha256`."]
    lines += [f"{digest}  {relative}" for relative, digest in sorted(entries.items())]
    with atomic_path(Path(folder) / MANIFEST) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")


def has_files(folder):
    """True if ``folder`` holds any file (stops at the first one found)."""
    folder = Path(folder)
    return folder.is_dir() and any(p.is_file() or p.is_symlink() for p in folder.rglob("*"))


def plan(folder, repo, writes):
    """Check that accepting may write ``writes`` (relative paths) into ``folder``; return the old manifest.

    Nothing is written here: every refusal comes before the first write.

    Raises
    ------
    coursekit.core.InputError
        If the folder is unsafe, holds files but no manifest, or a file to
        write exists (or is a folder or a link) and the manifest does not list it.
    """
    check_folder(folder, repo)
    folder = Path(folder)
    old = read(folder)
    if old is None:
        if has_files(folder):
            raise InputError(f"{folder} holds files but no {MANIFEST}: accept_references did not make this folder, "
                             "so it writes nothing there; point config key references at a new or empty folder")
        old = {}
    theirs = []
    for relative in writes:
        target = folder / relative
        if target.is_symlink() or target.is_dir() or (target.exists() and relative not in old):
            theirs.append(relative)
    if theirs:
        raise InputError(f"{folder}: {', '.join(theirs)} exist(s) but {MANIFEST} does not list them, so they are "
                         "not references written by accept_references; nothing was written: move them away first")
    return old
