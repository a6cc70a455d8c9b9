"""Hostile input and interrupted runs: clear messages, nothing half-written, nothing executed."""

import csv
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

import snakemake_fork
from conftest import ROOT, SNAKEMAKE, copy_repository, small_config, snakemake

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="session")
def repo(tmp_path_factory):
    return copy_repository(tmp_path_factory.mktemp("repo"))


@pytest.mark.parametrize("text,message", [
    ("diffusion:\n  F: [0.1\n  steps: 3\n", "config.yaml, line 3, column 8: YAML syntax error"),
    ("", "config.yaml: the file is empty"),
])
def test_broken_config_yaml_named_with_line_and_column(repo, tmp_path, text, message):
    config = repo / "config.yaml"
    original = config.read_text()
    try:
        config.write_text(text)
        result = snakemake_fork.run(["--snakefile", repo / "Snakefile", "--directory", tmp_path, "-n"])
    finally:
        config.write_text(original)
    assert result.returncode != 0 and message in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()


def test_shell_characters_in_paths_and_a_fake_png(tmp_path):
    """A path with spaces, quotes, ';' and $(...) is read as it is, never given to a shell; in the same run,
    a text file named .png fails with its name, and leaves no output."""
    folder = tmp_path / "my photos; it's \"$(touch PWNED)\" `touch PWNED2`"
    folder.mkdir()
    shutil.copy(ROOT / "data/chelsea.jpg", folder / "cat $(touch PWNED3).jpg")
    (tmp_path / "fake.png").write_text("not a picture")
    images = {"cat": str(folder / "cat $(touch PWNED3).jpg"), "fake": str(tmp_path / "fake.png")}
    config = small_config(quantize={"images": images, "colors": [3]})
    result = snakemake(tmp_path / "run", config, "--keep-going", "results/advanced/quantize/cat-kmeans-3.png",
                       "results/advanced/quantize/fake-kmeans-3.png", check=False)
    out = tmp_path / "run/results/advanced/quantize"
    assert (out / "cat-kmeans-3.png").exists() and (out / "cat-kmeans-3.npy").exists()
    assert not list(tmp_path.rglob("PWNED*")) and not list(Path.cwd().glob("PWNED*"))
    assert result.returncode != 0
    assert f"error: {tmp_path / 'fake.png'}: cannot be read as an image" in result.stderr
    assert not list(out.glob("fake*"))


def test_rules_never_use_a_shell():
    for rules in (ROOT / "workflow/rules").glob("*.smk"):
        text = rules.read_text()
        assert "shell:" not in text and "run:" not in text, rules


def test_missing_image_named(tmp_path):
    config = small_config(quantize={"images": {"cat": str(tmp_path / "no such.jpg")}})
    result = snakemake(tmp_path / "run", config, "results/advanced/quantize/cat-kmeans-4.png", check=False)
    assert result.returncode != 0 and "Missing input files" in result.stderr and "no such.jpg" in result.stderr


def test_read_only_checkout_with_results_elsewhere(repo, tmp_path):
    """Nothing is written into the checkout when results go elsewhere (--directory)."""
    def snapshot():
        return {p.relative_to(repo): (p.stat().st_mtime_ns, p.stat().st_size) for p in repo.rglob("*")}

    before = snapshot()
    for path in repo.rglob("*"):  # read-only for a normal user (root writes anyway: the snapshot is the proof)
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        config = small_config()
        (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
        result = snakemake_fork.run(["--snakefile", repo / "Snakefile", "--directory", tmp_path / "out",
                                     "--configfile", tmp_path / "c.yaml", "--replace-workflow-config", "--cores", "2",
                                     "results/warmup/diffusion.npy", "results/advanced/quantize/kitten-kmeans-4.png",
                                     "results/provenance.json"])
    finally:
        for path in repo.rglob("*"):
            path.chmod(path.stat().st_mode | 0o200)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "out/results/provenance.json").exists()
    assert snapshot() == before


def video_run(tmp_path, config, cores):
    """Snakemake's arguments for making the perceptron's video in tmp_path/run with ``config``."""
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    return ["--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path / "run"), "--configfile",
            str(tmp_path / "c.yaml"), "--replace-workflow-config", "--cores", str(cores),
            "results/advanced/perceptron/perceptron.mp4"]


def test_killed_job_is_redone_and_equals_an_uninterrupted_run(tmp_path):
    import perceptron
    from coursekit.core import rng

    config = small_config(perceptron={"iterations": 3000, "frames": 25})
    arguments = video_run(tmp_path, config, cores=2)
    out = tmp_path / "run/results/advanced/perceptron"
    job = subprocess.Popen([*SNAKEMAKE, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 60
    while not (out / "log.csv").exists() and time.monotonic() < deadline and job.poll() is None:
        time.sleep(0.02)
    os.killpg(job.pid, signal.SIGKILL)  # mid-job: the log is written, the figure and video are being made
    job.wait()
    assert (out / "log.csv").exists() and not (out / "perceptron.mp4").exists()
    # The log written under its real name is marked incomplete: a rerun refuses to take it as done and asks
    # for --rerun-incomplete (seen in a dry run); the lock left behind is removed with --unlock; then it finishes.
    refused = snakemake_fork.run([*arguments, "-n"])
    said = refused.stdout + refused.stderr  # a dry run reports on stdout
    assert refused.returncode != 0 and "IncompleteFilesException" in said
    assert "results/advanced/perceptron/log.csv" in said and "--rerun-incomplete" in said
    assert snakemake_fork.run([*arguments, "--unlock"]).returncode == 0
    again = snakemake_fork.run([*arguments, "--rerun-incomplete"])
    assert again.returncode == 0, again.stderr[-3000:]
    # the same rows as training in this process, uninterrupted
    p = config["perceptron"]
    samples = perceptron.make_samples(p["samples"], rng(config["seed"], "perceptron", "samples"))
    _, rows, _ = perceptron.train(samples, p["iterations"], p["lrate"], p["decay"],
                                  rng(config["seed"], "perceptron", "training"))
    written = list(csv.DictReader((out / "log.csv").read_text().splitlines()))
    assert len(written) == len(rows) and [int(r["sample"]) for r in written] == [r["sample"] for r in rows]
    assert np.allclose([float(r["accuracy"]) for r in written], [r["accuracy"] for r in rows])
    assert sorted(p.name for p in out.iterdir()) == ["log.csv", "perceptron.mp4", "perceptron.png"]


@pytest.mark.parametrize("references,message", [
    ("data", "config key references = '{repo}/data' is not allowed: it is the inputs' folder data/"),
    ("/", "config key references = '/' is not allowed: it is the filesystem root"),
    ("/etc", "config key references = '/etc' is not allowed: it is a system folder"),
    ("config.yaml", "config key references = '{repo}/config.yaml' is not allowed: it is a file, not a folder"),
])
def test_accept_references_refuses_folders_it_did_not_make(repo, tmp_path, references, message):
    """The reported loss: `references: data` made accept_references delete coffee.jpg, data.txt and kitten.jpg."""
    def snapshot():
        return {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".snakemake" not in p.parts}

    before = snapshot()
    result = snakemake(tmp_path / "run", small_config(references=references), "accept_references", check=False,
                       repo=repo)
    assert result.returncode != 0 and message.format(repo=repo) in result.stderr
    assert "PermissionError" not in result.stderr and "Traceback" not in result.stderr
    assert snapshot() == before and not (tmp_path / "run/results").exists()


def test_ctrl_c_says_what_stopped_and_a_plain_rerun_finishes(tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) mid-job: one line from the job, no
    KeyboardInterrupt traceback, nothing it wrote kept, and the same command then finishes."""
    arguments = video_run(tmp_path, small_config(perceptron={"iterations": 100000, "frames": 50}), cores=1)
    log = tmp_path / "run/results/logs/train_perceptron/perceptron.log"
    # Ctrl-C as a terminal sends it, to a Snakemake that handles it: a run started in the background by a shell
    # without job control (nohup ... &) inherits SIGINT ignored, and a Python started so never sees it
    job = subprocess.Popen([*SNAKEMAKE, *arguments], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (log.exists() and "rule train_perceptron" in log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # inside the training loop
    os.killpg(job.pid, signal.SIGINT)
    said, _ = job.communicate(timeout=60)
    assert job.returncode != 0
    assert ("interrupted: rule train_perceptron stopped before it finished, and nothing it wrote is kept; "
            "run the same command again to finish") in said
    assert "KeyboardInterrupt" not in said and "Traceback" not in said
    out = tmp_path / "run/results/advanced/perceptron"
    assert not out.exists() or not list(out.iterdir())
    again = snakemake_fork.run(arguments)
    assert again.returncode == 0, again.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == ["log.csv", "perceptron.mp4", "perceptron.png"]


def limited_run(tmp_path, config, target, limit=None):
    """Snakemake as a plain subprocess (its jobs inherit the limit), making ``target`` in tmp_path/run."""
    import resource

    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    arguments = ["--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path / "run"), "--configfile",
                 str(tmp_path / "c.yaml"), "--replace-workflow-config", "--cores", "1", target]
    preexec = None if limit is None else (lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    return subprocess.run([*SNAKEMAKE, *arguments], capture_output=True, text=True, preexec_fn=preexec, timeout=300)


def test_a_memory_limit_that_stops_a_job_is_one_line_and_the_next_run_finishes(tmp_path):
    """A walk of 30 million steps under a 900 MB address-space limit (ulimit -v): the job's MemoryError was a
    traceback; now one line naming the rule, the file and the cause. Without the limit the same command finishes."""
    config = small_config(random_walk={"n": 30_000_000})
    failed = limited_run(tmp_path, config, "results/intro/random_walk.npy", limit=900 << 20)
    assert failed.returncode != 0
    assert ("error: rule simulate_random_walk ran out of memory making results/intro/random_walk.npy (the process's "
            "memory limit, ulimit -v, or the machine's)") in failed.stderr
    assert "Traceback" not in failed.stderr and "MemoryError" not in failed.stderr
    assert not (tmp_path / "run/results/intro/random_walk.npy").exists()
    again = limited_run(tmp_path, config, "results/intro/random_walk.npy")
    assert again.returncode == 0, again.stderr[-3000:]
    assert np.load(tmp_path / "run/results/intro/random_walk.npy", mmap_mode="r").shape == (30_000_000,)


def test_a_full_disk_is_one_line_per_job_and_the_next_run_finishes(tmp_path):
    """Results on a full disk (a tmpfs of 700 kB, in a mount namespace of the test's own: root only): every job
    that cannot write says so in one line naming the file and the cause; no '--- Logging error ---', no OSError
    traceback from our code, no partial file; on a disk with room the same command finishes."""
    import shutil

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a small tmpfs")
    results = tmp_path / "run/results"
    results.mkdir(parents=True)
    config = small_config(diffusion={"steps": 400, "size": 400})  # a 1.3 MB diffusion.npy: more than the disk
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config))
    target = "results/warmup/diffusion.npy"
    arguments = ["--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path / "run"), "--configfile",
                 str(tmp_path / "c.yaml"), "--replace-workflow-config", "--cores", "1", target]
    script = f'mount -t tmpfs -o size=700k tmpfs "{results}" && exec "$@"'
    full = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *SNAKEMAKE,
                           *arguments], capture_output=True, text=True, timeout=300)
    assert full.returncode != 0
    assert f"error: {target}: cannot be written: the disk is full; nothing was written under that name" in full.stderr
    assert "Logging error" not in full.stderr and "OSError" not in full.stderr
    assert list(results.iterdir()) == []  # the tmpfs went with its namespace; nothing leaked under it
    again = subprocess.run([*SNAKEMAKE, *arguments], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert np.load(tmp_path / "run" / target).shape == (400, 400)


def test_remove_leftovers_removes_only_what_an_earlier_config_made(tmp_path):
    """After reverting the config, rule-110's files stayed in results/ on nothing's list; remove_leftovers removes
    them, and nothing a job of this workflow did not write (a file of the user's there stays)."""
    workdir = tmp_path / "run"
    snakemake(workdir, small_config(automata={"rules": [90, 110]}), "results/warmup/automata/rule-110.png",
              "results/warmup/automata/rule-90.png")
    folder = workdir / "results/warmup/automata"
    (folder / "mine.png").write_bytes(b"the user's own file")
    result = snakemake(workdir, small_config(automata={"rules": [90]}), "remove_leftovers", "--cores", "1")
    assert "removed results/warmup/automata/rule-110.png" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["mine.png", "rule-90.npy", "rule-90.png"]
    assert (folder / "mine.png").read_bytes() == b"the user's own file"
