"""accept_references never removes or overwrites a file it did not write (manifest.py, verify.accept)."""

import os
from pathlib import Path

import numpy as np
import pytest

from coursekit.references import manifest
from coursekit.references import verify
from coursekit.core import InputError

ROOT = Path(__file__).resolve().parents[2]


def results_with(tmp_path, names):
    results = tmp_path / "results"
    for name in names:
        (results / name).parent.mkdir(parents=True, exist_ok=True)
        np.save(results / name, np.arange(3))
    return results, [results / name for name in names]


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("folder,reason", [
    ("/", "filesystem root"),
    ("/etc", "system folder"),
    ("/srv", "filesystem root or a folder directly under it"),
    ("/usr/share/doc", "system folder"),
    (str(ROOT), "the repository"),
    (str(ROOT.parent), "the repository or a folder holding it"),
    (str(ROOT / "data"), "data/"),
    (str(ROOT / "data/course"), "data/"),
    (str(Path.home()), "home folder"),
])
def test_unsafe_folders_refused_with_the_reason(folder, reason):
    with pytest.raises(InputError, match=f"config key references = '{folder}' is not allowed: .*{reason}"):
        manifest.check_folder(folder, ROOT)


def test_unsafe_file_and_link(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    assert manifest.unsafe(tmp_path / "notes.txt", ROOT) == "it is a file, not a folder"
    os.symlink("/usr/share", tmp_path / "link")
    assert manifest.unsafe(tmp_path / "link", ROOT) == "it is a system folder"
    assert manifest.unsafe(tmp_path / "refs", ROOT) is None  # a new folder of its own


def test_accept_refuses_a_folder_of_the_users_own(tmp_path):
    """The reported loss: references pointed at a folder of notes (or data/) removed every file in it."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.md").write_text("my notes")
    (notes / "kitten.jpg").write_bytes(b"\xff\xd8 a photo")
    before = snapshot(notes)
    results, artefacts = results_with(tmp_path, ["warmup/x.npy"])
    with pytest.raises(InputError, match="holds files but no MANIFEST.sha256: accept_references did not make"):
        verify.accept(artefacts, results, notes, {"seed": 1}, ROOT)
    assert snapshot(notes) == before


def test_accept_refuses_data_folder_before_writing(tmp_path):
    results, artefacts = results_with(tmp_path, ["x.npy"])
    before = snapshot(ROOT / "data")
    with pytest.raises(InputError, match="is not allowed: it is the inputs' folder data/"):
        verify.accept(artefacts, results, ROOT / "data", {"seed": 1}, ROOT)
    assert snapshot(ROOT / "data") == before


def test_accept_never_overwrites_an_unlisted_file(tmp_path):
    results, artefacts = results_with(tmp_path, ["a/x.npy", "a/y.npy"])
    refs = tmp_path / "refs"
    verify.accept(artefacts[:1], results, refs, {"seed": 1}, ROOT)
    (refs / "a/y.npy").write_bytes(b"the user's own file, by the same name")
    (refs / "mine.txt").write_text("kept")
    before = snapshot(refs)
    with pytest.raises(InputError, match=r"a/y.npy exist\(s\) but MANIFEST.sha256 does not list them"):
        verify.accept(artefacts, results, refs, {"seed": 1}, ROOT)
    assert snapshot(refs) == before  # nothing written: the checks come before the first write
    (refs / "a/y.npy").unlink()
    verify.accept(artefacts, results, refs, {"seed": 1}, ROOT)
    verify.accept(artefacts[:1], results, refs, {"seed": 1}, ROOT)  # y is listed now: removed ...
    assert not (refs / "a/y.npy").exists() and (refs / "mine.txt").read_text() == "kept"  # ... mine.txt never


def test_manifest_lists_what_accept_wrote_with_its_hash(tmp_path):
    results, artefacts = results_with(tmp_path, ["a/x.npy"])
    refs = tmp_path / "refs"
    verify.accept(artefacts, results, refs, {"seed": 1}, ROOT)
    entries = manifest.read(refs)
    assert set(entries) == {"a/x.npy", "config.yaml"}
    import hashlib
    assert entries["a/x.npy"] == hashlib.sha256((refs / "a/x.npy").read_bytes()).hexdigest()
    assert manifest.listed(refs) == sorted(str(refs / n) for n in ("MANIFEST.sha256", "a/x.npy", "config.yaml"))


@pytest.mark.parametrize("line,message", [
    ("0" * 64 + "  ../../etc/passwd", "line 3: '../../etc/passwd' is not a path inside the folder"),
    ("0" * 64 + "  /etc/passwd", "line 3: '/etc/passwd' is not a path inside the folder"),
    ("not a hash  x.npy", "line 3: expected '<sha256>  <relative path>'"),
])
def test_a_manifest_cannot_point_outside_its_folder(tmp_path, line, message):
    (tmp_path / "MANIFEST.sha256").write_text("# a\n# b\n" + line + "\n")
    with pytest.raises(InputError, match=message):
        manifest.read(tmp_path)


def test_committed_references_match_their_manifest():
    refs = ROOT / "workflow/references"
    entries = manifest.read(refs)
    assert entries and all(manifest.sha256(refs / name) == digest for name, digest in entries.items())
    on_disk = {p.relative_to(refs).as_posix() for p in refs.rglob("*") if p.is_file()}
    assert on_disk - set(entries) == {"MANIFEST.sha256", "README.md"}


@pytest.mark.parametrize("folder,reason", [
    (str(ROOT / "data"), "data/"),
    (str(ROOT / "workflow"), "workflow/"),
    (str(ROOT / "workflow/scripts"), "workflow/ \\(or inside it\\), where the reference solutions are"),
    (str(ROOT), "the repository"),
    ("/etc", "system folder"),
    (str(Path.home()), "home folder"),
])
def test_solutions_get_the_guard_references_have_and_not_workflow(folder, reason):
    with pytest.raises(InputError, match=f"config key solutions = '{folder}' is not allowed: .*{reason}.*such as "
                                         "solutions"):
        manifest.check_folder(folder, ROOT, key="solutions")


def test_solutions_and_references_in_their_usual_folders_are_allowed(tmp_path):
    manifest.check_folder(ROOT / "solutions", ROOT, key="solutions")
    manifest.check_folder(tmp_path / "my-solutions", ROOT, key="solutions")
    manifest.check_folder(ROOT / "workflow/references", ROOT)
