"""The thin entry every job runs through (pipeline.entry): bad input, an input edited mid-job, Ctrl-C."""

from types import SimpleNamespace

import pytest

from coursekit.core import InputError, entry, save_text


def job(tmp_path):
    (tmp_path / "in.txt").write_text("first")
    return SimpleNamespace(input=[str(tmp_path / "in.txt")], output=[str(tmp_path / "out.txt")],
                           log=[str(tmp_path / "job.log")], rule="copy_text", params={"n": 3}, wildcards={})


def test_input_error_is_one_line_and_exit_1(tmp_path):
    snakemake = job(tmp_path)

    def main():
        raise InputError("data.txt, line 3: expected 4 columns")

    with pytest.raises(SystemExit) as info:
        entry(snakemake, main)
    assert info.value.code == 1
    assert (tmp_path / "job.log").read_text().splitlines()[-1] == "error: data.txt, line 3: expected 4 columns"


def test_an_input_edited_while_the_job_reads_it_fails_the_job(tmp_path):
    """Otherwise the output, newer than the input but made from its old content, is taken as up to date forever."""
    snakemake = job(tmp_path)

    def main():
        text = (tmp_path / "in.txt").read_text()
        (tmp_path / "in.txt").write_text("edited by the user meanwhile")
        save_text(snakemake.output[0], text)

    with pytest.raises(SystemExit) as info:
        entry(snakemake, main)
    assert info.value.code == 1
    assert f"error: {tmp_path / 'in.txt'} changed while rule copy_text read it" in (tmp_path / "job.log").read_text()


def test_an_unchanged_input_passes(tmp_path):
    snakemake = job(tmp_path)
    entry(snakemake, lambda: save_text(snakemake.output[0], (tmp_path / "in.txt").read_text()))
    assert (tmp_path / "out.txt").read_text() == "first"


def test_ctrl_c_one_line_and_only_its_own_outputs_removed(tmp_path):
    snakemake = job(tmp_path)
    snakemake.output.append(str(tmp_path / "older.txt"))
    (tmp_path / "older.txt").write_text("from an earlier run")
    import os
    os.utime(tmp_path / "older.txt", (1, 1))  # written long before this job started

    def main():
        save_text(snakemake.output[0], "half of the work")
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as info:
        entry(snakemake, main)
    assert info.value.code == 130
    assert not (tmp_path / "out.txt").exists() and (tmp_path / "older.txt").read_text() == "from an earlier run"
    last = (tmp_path / "job.log").read_text().splitlines()[-1]
    assert last == ("interrupted: rule copy_text stopped before it finished, and nothing it wrote is kept; "
                    "run the same command again to finish")
