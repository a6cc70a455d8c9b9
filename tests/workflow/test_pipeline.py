"""The whole pipeline, run for real on a small config."""

import numpy as np
import pytest

import automata
import diffusion
import records
from conftest import ROOT, planned_jobs, small_config, snakemake

pytestmark = pytest.mark.workflow


def test_warmup_outputs_hold_what_they_claim(run_small):
    workdir, config = run_small
    res = workdir / "results"
    d = config["diffusion"]
    Z = np.load(res / "warmup/diffusion.npy", allow_pickle=False)
    assert Z.dtype == np.float64 and Z.shape == (d["steps"], d["size"])
    np.testing.assert_array_equal(Z[0, d["offset"]::d["period"]], d["amplitude"])
    np.testing.assert_array_equal(Z, diffusion.diffuse_python(
        diffusion.initial_state(d["steps"], d["size"], d["amplitude"], d["period"], d["offset"]), d["F"]))
    a = config["automata"]
    for rule in a["rules"]:
        A = np.load(res / f"warmup/automata/rule-{rule}.npy", allow_pickle=False)
        assert A.dtype == np.uint8 and A.shape == (a["steps"], a["width"])
        np.testing.assert_array_equal(A, automata.evolve_python(automata.initial_state(a["steps"], a["width"]), rule))
    out = records.load_npz(res / "warmup/sorted.npz")
    data = np.loadtxt(ROOT / config["records"]["data"], comments="%", dtype=records.DTYPE)
    np.testing.assert_array_equal(out["data"], data)
    assert out["sorted"]["frequency"].tolist() == sorted(data["frequency"].tolist())
    answers = (res / "warmup/answers.md").read_text()
    for heading in ("Basic manipulation", "NaN arithmetics", "Computing strides", "Repeat and repeat",
                    "Reordering things", "Input / Output", "Rule 30"):
        assert f"## {heading}" in answers
    assert "**1005**" in answers and "1002" in answers
    assert "Numpy:" in (res / "sysinfo.txt").read_text()
    for png in [res / "warmup/diffusion.png", *(res / "warmup/automata").glob("*.png")]:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_rule_writes_its_log(run_small):
    workdir, _ = run_small
    logs = {p.parent.name for p in (workdir / "results/logs").rglob("*.log")}
    assert {"simulate_diffusion", "simulate_automaton", "sort_records", "answer_warmup", "write_sysinfo"} <= logs


def test_second_run_does_nothing(run_small):
    workdir, config = run_small
    assert planned_jobs(workdir, config) == {}


def test_new_automata_rule_runs_only_automata(run_small, tmp_path):
    workdir, config = run_small
    changed = small_config(automata={"rules": [30, 90, 110]})
    assert planned_jobs(workdir, changed) == {"simulate_automaton": 1}
    changed = small_config(automata={"steps": 20})
    assert planned_jobs(workdir, changed) == {"simulate_automaton": 2}
