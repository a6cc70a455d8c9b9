"""The course under other NumPy versions (compat.py): computing, comparing, and the matrix a person reads."""

import json
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from coursekit import compat

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def test_compute_in_this_environment_equals_the_references(tmp_path):
    """What a compat environment runs, run here with the pinned NumPy: every artefact the same as its reference."""
    (tmp_path / "config.json").write_text(json.dumps(CONFIG))
    compat.compute(tmp_path / "config.json", tmp_path)
    rows, report = compat.compare_run(tmp_path, ROOT / "workflow/references")
    assert report["numpy"] == np.__version__ and report["errors"] == {}
    assert len(rows) >= 11 and {status for status, _ in rows.values()} == {"same"}, rows


def test_a_changed_result_is_differs_and_an_error_is_named(tmp_path):
    refs = tmp_path / "refs"
    (refs / "warmup").mkdir(parents=True)
    np.save(refs / "warmup/diffusion.npy", np.zeros((2, 3)))
    np.save(refs / "warmup/same.npy", np.arange(3))
    np.savez(tmp_path / "arrays.npz", **{"warmup|diffusion.npy": np.full((2, 3), 1e-3), "warmup|same.npy": np.arange(3)})
    (tmp_path / "report.json").write_text(json.dumps({"numpy": "2.0.0", "warnings": [], "errors": {
        "advanced/geometry.npy": "ValueError: operands could not be broadcast (geometry.py, line 12)"}}))
    rows, _ = compat.compare_run(tmp_path, refs)
    assert rows["warmup/same.npy"][0] == "same"
    assert rows["warmup/diffusion.npy"] == ("differs", "max |diff| 0.001")
    assert rows["advanced/geometry.npy"] == ("error", "ValueError: operands could not be broadcast (geometry.py, line 12)")


def test_matrix_and_page_name_every_status_and_our_warnings():
    results = [
        {"numpy": "2.2.6", "rows": {"a.npy": ["same", "0 of 3 elements differ"], "b.npy": ["differs", "max |diff| 1"]},
         "warnings": [{"category": "DeprecationWarning", "message": "np.foo is deprecated", "file": "geometry.py",
                       "line": 7, "ours": True, "artefact": "a.npy"},
                      {"category": "FutureWarning", "message": "inside", "file": "fromnumeric.py", "line": 1,
                       "ours": False}]},
        {"numpy": "9.9.9", "rows": {}, "not_installable": "No matching distribution found for numpy==9.9.9"},
    ]
    rows, warned = compat.matrix(results)
    assert {(r["artefact"], r["numpy"], r["status"]) for r in rows} == {
        ("a.npy", "2.2.6", "same"), ("b.npy", "2.2.6", "differs"), ("a.npy", "9.9.9", "not-installable"),
        ("b.npy", "9.9.9", "not-installable")}
    page = compat.markdown(rows, warned)
    assert "| b.npy | **differs**: max \\|diff\\| 1 | **not-installable**: No matching distribution" in page
    assert "raised by our code: 1" in page and "| 2.2.6 | DeprecationWarning: np.foo is deprecated | geometry.py, line 7" in page
    assert "(1 more raised inside other packages" in page


def test_pinned_reads_the_requirements():
    assert compat.pinned(["pillow", "pyyaml"]) == [f"pillow=={__import__('PIL').__version__}",
                                                   f"pyyaml=={yaml.__version__}"]


# -- never lies, never crashes (issue 24) ------------------------------------------------------------------

UNREACHABLE = {"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_RETRIES": "1", "PIP_TIMEOUT": "2",
               "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": "", "PIP_NO_INPUT": "1"}


@pytest.mark.parametrize("stderr,reason", [
    ("WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError(... [Errno 111] Connection "
     "refused)'\nERROR: Could not find a version that satisfies the requirement numpy==2.2.6 (from versions: none)",
     "the package registry could not be reached (WARNING: Retrying"),
    ("ERROR: Could not find a version that satisfies the requirement numpy==1.9.0 (from versions: 1.23.2, 1.26.4, "
     "2.4.6)\nERROR: No matching distribution found for numpy==1.9.0",
     "no NumPy 1.9.0 wheel for Python 3.11 (the oldest with one is 1.23.2)"),
    ("ERROR: Could not find a version that satisfies the requirement numpy==2.2.99 (from versions: 1.23.2, 2.2.6, "
     "2.4.6)", "no such NumPy version (Python 3.11 has wheels from 1.23.2 to 2.4.6)"),
])
def test_why_not_installable_names_the_cause(stderr, reason, monkeypatch):
    monkeypatch.setattr(compat.sys, "version_info", (3, 11, 7))
    version = re.search(r"numpy==([0-9.]+)", stderr).group(1)
    assert compat.why_not_installable(version, stderr).startswith(reason)


def fake_environment(cache, version, python=True):
    """An environment folder numpy-<version> with compat's marker whose python imports this NumPy (or is gone)."""
    folder = cache / f"numpy-{version}"
    (folder / "bin").mkdir(parents=True)
    if python:  # this environment's python, as a launcher (a link would be taken for a venv of its own)
        (folder / "bin/python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        (folder / "bin/python").chmod(0o755)
    (folder / compat.MARKER).write_text(version)
    return folder


@pytest.mark.parametrize("python", [True, False], ids=["holds-another-numpy", "python-deleted"])
def test_an_environment_is_checked_on_every_run_never_labelled_with_the_version_asked(tmp_path, monkeypatch, python):
    """numpy-9.9.9 that holds this NumPy (2.4.6) was reported 'NumPy 9.9.9: same'; one whose python was deleted
    gave a FileNotFoundError on every rerun. Both are made again; here the registry is out of reach, so the
    version is not installable, with that reason."""
    for key, value in UNREACHABLE.items():
        monkeypatch.setenv(key, value)
    folder = fake_environment(tmp_path, "9.9.9", python)
    with pytest.raises(compat.NotInstallable, match="the package registry could not be reached"):
        compat.environment("9.9.9", tmp_path)
    assert not (folder / compat.MARKER).exists()


def test_the_matching_environment_is_kept(tmp_path, monkeypatch):
    for key, value in UNREACHABLE.items():  # nothing to install: it would fail
        monkeypatch.setenv(key, value)
    folder = fake_environment(tmp_path, np.__version__)
    assert compat.environment(np.__version__, tmp_path) == folder / "bin/python"


def test_a_folder_compat_did_not_make_is_left_alone(tmp_path):
    folder = tmp_path / "numpy-9.9.9"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(RuntimeError, match="holds files that compat did not make"):
        compat.environment("9.9.9", tmp_path)
    assert (folder / "notes.txt").read_text() == "mine"


def test_a_matrix_always_even_when_no_version_installs(tmp_path):
    results = [{"numpy": "1.9.0", "not_installable": "no NumPy 1.9.0 wheel for Python 3.11",
                "rows": {"a.npy": ["not-installable", "no NumPy 1.9.0 wheel"],
                         "b.png": ["not-installable", "no NumPy 1.9.0 wheel"]}}]
    rows, _ = compat.matrix(results)
    assert [(r["artefact"], r["status"]) for r in rows] == [("a.npy", "not-installable"), ("b.png", "not-installable")]
    compat.draw_matrix(rows, tmp_path / "m.png")
    compat.draw_matrix([], tmp_path / "empty.png")  # was TypeError: Invalid shape (0,) for image data
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG" and (tmp_path / "empty.png").exists()


def test_compat_fails_after_the_matrix_on_error_or_differs(tmp_path):
    from coursekit.core import InputError, save_csv

    columns = ("artefact", "numpy", "status", "detail")
    save_csv(tmp_path / "ok.csv", [{"artefact": "a", "numpy": "2.2.6", "status": "same", "detail": ""},
                                   {"artefact": "a", "numpy": "1.9.0", "status": "not-installable", "detail": "x"}],
             columns)
    compat.verdict(tmp_path / "ok.csv")
    save_csv(tmp_path / "bad.csv", [{"artefact": "a.npy", "numpy": "2.2.6", "status": "differs", "detail": "max 1"},
                                    {"artefact": "b.npy", "numpy": "2.2.6", "status": "error", "detail": "boom"}],
             columns)
    with pytest.raises(InputError, match=r"2 artefact\(s\) differ or fail.*\n  NumPy 2.2.6: a.npy: differs: max 1"):
        compat.verdict(tmp_path / "bad.csv")
