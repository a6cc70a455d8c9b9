"""Byte-identical reruns, incremental reruns you can trust, and verify catching a one-cell change."""

import numpy as np
import pytest

from conftest import copy_repository, planned_jobs, small_config, snakemake
from verify import byte_differences, deterministic_files

pytestmark = pytest.mark.workflow
BOOKKEEPING = {"write_provenance": 1, "compare_with_references": 1}  # both record the whole config


@pytest.fixture(scope="module")
def second_run(tmp_path_factory, run_small):
    """The same config run again from clean, from a private copy of the repository that tests may edit."""
    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    _, config = run_small
    snakemake(repo, config, repo=repo)
    return repo, config


def test_two_runs_are_byte_identical(run_small, second_run):
    first, second = run_small[0] / "results", second_run[0] / "results"
    assert len(deterministic_files(first)) >= 20
    assert byte_differences(first, second) == []


def test_nothing_changed_nothing_runs(second_run):
    repo, config = second_run
    assert planned_jobs(repo, config, repo=repo) == {}


def test_parameter_change_reruns_only_its_artefacts(second_run):
    repo, config = second_run
    assert planned_jobs(repo, small_config(diffusion={"F": 0.1}), repo=repo) == {"simulate_diffusion": 1, **BOOKKEEPING}
    assert planned_jobs(repo, small_config(quantize={"steps": 3}), repo=repo) == {"quantize_kmeans": 1, **BOOKKEEPING}
    assert planned_jobs(repo, small_config(timing={"repeats": 3}), repo=repo) == {
        "time_random_walk": 1, "time_subsequence": 1, **BOOKKEEPING}
    changed = small_config(seed=7)
    assert planned_jobs(repo, changed, repo=repo) == {
        "simulate_random_walk": 1, "time_random_walk": 1, "search_subsequence": 1, "time_subsequence": 1,
        "quantize_kmeans": 1, "train_perceptron": 1, **BOOKKEEPING}


def test_script_edit_reruns_only_its_artefacts(second_run):
    repo, config = second_run
    script = repo / "workflow/scripts/geometry.py"
    original = script.read_text()
    try:
        script.write_text(original + "\n# an edit\n")
        assert planned_jobs(repo, config, repo=repo) == {"transform_squares": 1, "compare_with_references": 1}
        shared = repo / "workflow/scripts/strides.py"  # imported by answers.py only
        shared.write_text(shared.read_text() + "\n# an edit\n")
        assert planned_jobs(repo, config, repo=repo) == {
            "transform_squares": 1, "answer_warmup": 1, "compare_with_references": 1}
    finally:
        script.write_text(original)


def test_verify_catches_one_cell_and_names_it(run_small, tmp_path):
    workdir, _ = run_small
    config = small_config(references=str(tmp_path / "refs"))
    result = snakemake(workdir, config, "verify", check=False)
    assert result.returncode != 0 and "no references in" in result.stderr and "accept_references" in result.stderr
    snakemake(workdir, config, "accept_references")
    assert (tmp_path / "refs/warmup/automata/rule-30.npy").exists()
    snakemake(workdir, config, "verify")
    # one wrong cell in one artefact
    path = workdir / "results/warmup/automata/rule-90.npy"
    Z = np.load(path)
    Z[5, 7] ^= 1
    np.save(path, Z)
    result = snakemake(workdir, config, "verify", check=False)
    assert result.returncode != 0
    assert "1 artefact(s) differ" in result.stderr
    assert "warmup/automata/rule-90.npy | exact | **DIFFERENT** | 1 of" in result.stderr
    report = (workdir / "results/verify.md").read_text()
    assert "**DIFFERENT**" in report and report.count("| ok |") == report.count("\n| ") - 2
    snakemake(workdir, config, "--forcerun", "simulate_automaton")  # put it right for the other tests
