"""`snakemake compat` always writes its matrix, and fails (after writing it) when an artefact differs or fails."""

import csv
import sys

import numpy as np
import pytest

from coursekit import compat
from conftest import small_config, snakemake

pytestmark = pytest.mark.workflow

UNREACHABLE = {"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_RETRIES": "1", "PIP_TIMEOUT": "2",
               "PIP_CONFIG_FILE": "/dev/null", "PIP_FIND_LINKS": "", "PIP_NO_INPUT": "1"}


def matrix(workdir):
    with open(workdir / "results/compat/matrix.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_no_installable_version_still_gives_a_matrix_with_the_reason(tmp_path, monkeypatch):
    """Offline, or a NumPy with no wheel for this Python: the gather job died with 'TypeError: Invalid shape (0,)'."""
    for key, value in UNREACHABLE.items():
        monkeypatch.setenv(key, value)
    config = small_config(compat={"numpy": ["1.9.0"]})
    result = snakemake(tmp_path, config, "compat", check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = matrix(tmp_path)
    assert len(rows) > 10 and {r["status"] for r in rows} == {"not-installable"}
    assert all(r["detail"].startswith("the package registry could not be reached") for r in rows)
    assert "**not-installable**: the package registry could not be reached" in \
        (tmp_path / "results/compat/matrix.md").read_text()
    assert (tmp_path / "results/compat/matrix.png").read_bytes()[:4] == b"\x89PNG"


def test_a_differing_artefact_fails_compat_after_the_matrix_is_written(tmp_path):
    """The small config's artefacts differ from the committed references (made with config.yaml): `compat` exits
    non-zero and names them, and the matrix stays for the author to read. The environment is this one's NumPy."""
    folder = tmp_path / ".snakemake/compat" / f"numpy-{np.__version__}"
    (folder / "bin").mkdir(parents=True)
    (folder / "bin/python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (folder / "bin/python").chmod(0o755)
    (folder / compat.MARKER).write_text(np.__version__)
    config = small_config(compat={"numpy": [np.__version__]})
    result = snakemake(tmp_path, config, "compat", check=False)
    assert result.returncode != 0
    assert "artefact(s) differ or fail under another NumPy" in result.stderr
    assert f"NumPy {np.__version__}: intro/random_walk.npy: differs" in result.stderr
    rows = {r["artefact"]: r["status"] for r in matrix(tmp_path)}
    assert rows["intro/random_walk.npy"] == "differs" and (tmp_path / "results/compat/matrix.md").exists()
