"""`snakemake --cores all grade`: a class of 20 generated submissions, each student's rows as expected."""

import csv
import hashlib
import time

import pytest

from pathlib import Path

from classroom import make_class
from conftest import small_config, snakemake
from coursekit.students import sandbox

pytestmark = pytest.mark.workflow


def digest(paths):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_a_class_of_twenty_is_graded_each_student_on_their_own(tmp_path):
    if not sandbox.available():
        pytest.skip("bubblewrap is not installed (CI installs it)")
    expected = make_class(tmp_path / "class", 20, decoy=tmp_path / "project")
    watched = digest(sorted((tmp_path / "project").iterdir()))
    config = small_config(submissions=str(tmp_path / "class"), check={**small_config()["check"], "timeout": 3})
    started = time.monotonic()
    snakemake(tmp_path / "run", config, "grade")
    seconds = time.monotonic() - started
    with open(tmp_path / "run/results/grade/gradebook.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student", "module", "function", "status", "detail", "student_s", "reference_s"]
    got = {}
    for row in rows:
        got.setdefault(row["student"], {})[row["function"]] = row["status"]
    for student, statuses in expected.items():
        for function, status in statuses.items():
            assert got[student][function] == status, (student, function, got[student][function])
        assert set(got[student].values()) <= {"todo", "correct", "wrong", "error", "timeout"}
    assert digest(sorted((tmp_path / "project").iterdir())) == watched
    report = (tmp_path / "run/results/grade/s01-wrong/report.md").read_text()
    assert "`reorder.element_struct` | wrong | case 1 of 11" in report
    overview = (tmp_path / "run/results/grade/class.md").read_text()
    assert "| `reorder.element_struct` | 3 | 4 | 7 | 3 | 3 |" in overview  # todo correct wrong error timeout
    assert "yours -1, expected 1005" in overview and "<" not in (tmp_path / "run/results/grade/class.md").read_text()
    assert seconds < 20 * 5  # at most 5 s a submission (measured, not asserted tightly: see the README)


def test_grade_without_a_class_says_how_to_give_one(tmp_path):
    result = snakemake(tmp_path / "run", small_config(), "grade", check=False)
    assert result.returncode != 0
    assert "no class to grade: config key submissions names no folder" in result.stderr


def test_grade_refuses_without_the_sandbox_unless_told(tmp_path, monkeypatch):
    """Where bubblewrap is missing (PATH without it here), grade refuses; grade.unsandboxed: true runs it."""
    import os
    import shutil

    make_class(tmp_path / "class", 2)
    bin_dir = tmp_path / "bin"  # every program of the PATH but bwrap
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for program in Path(folder).glob("*") if Path(folder).is_dir() else ():
            if program.name != "bwrap" and not (bin_dir / program.name).exists():
                (bin_dir / program.name).symlink_to(program)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert shutil.which("bwrap") is None
    config = small_config(submissions=str(tmp_path / "class"))
    refused = snakemake(tmp_path / "run", config, "grade", check=False)
    assert refused.returncode != 0 and "grade runs every student's code in bubblewrap's sandbox" in refused.stderr
    assert "grade.unsandboxed: true" in refused.stderr
    config["grade"] = {"unsandboxed": True}
    snakemake(tmp_path / "run2", config, "grade")
    assert (tmp_path / "run2/results/grade/gradebook.csv").exists()
