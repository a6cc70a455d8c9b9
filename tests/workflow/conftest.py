"""Helpers to run the real pipeline in a temporary directory on a small config."""

import copy
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

import snakemake_fork

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]  # as a plain subprocess, for a run a test must kill
DEFAULT = yaml.safe_load((ROOT / "config.yaml").read_text())


def small_config(**changes):
    """config.yaml with small sizes, so that a whole run takes a few seconds; `changes` override sections."""
    config = copy.deepcopy(DEFAULT)
    config["timing"]["repeats"] = 2
    config["random_walk"]["n"] = 200
    config["subsequence"].update(length=500, checks=20)
    config["diffusion"].update(steps=12, size=30)
    config["automata"].update(rules=[90], steps=16, width=33)
    config["geometry"]["squares"] = 8
    config["quantize"].update(colors=[4], steps=5)
    config["perceptron"].update(samples=40, iterations=200, frames=5)
    for section, values in changes.items():
        if isinstance(values, dict):
            config[section].update(values)
        else:
            config[section] = values
    return config


def snakemake(workdir, config, *args, check=True, repo=ROOT):
    """Run Snakemake on the Snakefile of `repo` in `workdir` with `config` alone (not merged)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "test-config.yaml"
    path.write_text(yaml.safe_dump(config))
    command = ["--snakefile", str(Path(repo) / "Snakefile"), "--directory", str(workdir),
               "--configfile", str(path), "--replace-workflow-config", "--cores", "2", *args]
    result = snakemake_fork.run(command, env={**os.environ, "PYTHONHASHSEED": "0"})
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def planned_jobs(workdir, config, *args, repo=ROOT):
    """The rules a run would execute now, with their job counts (a dry run)."""
    out = snakemake(workdir, config, "-n", "--quiet", "rules", *args, repo=repo).stdout
    jobs = {}
    for line in out.splitlines():
        match = re.fullmatch(r"\s*([a-z_]+)\s+(\d+)\s*", line)
        if match and match.group(1) not in ("total", "all"):
            jobs[match.group(1)] = int(match.group(2))
    return jobs


@pytest.fixture(scope="session")
def run_small(tmp_path_factory):
    """One complete run of the pipeline on the small config, shared by the workflow tests."""
    workdir = tmp_path_factory.mktemp("run")
    config = small_config()
    snakemake(workdir, config)
    return workdir, config


def copy_repository(target):
    """A private copy of the workflow (Snakefile, config, workflow/, data/) that a test may edit."""
    import shutil

    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "config.yaml"):
        shutil.copy(ROOT / name, target / name)
    for name in ("workflow", "data"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target



def chromium_dom(page, profile, width=1280):
    """The DOM of ``page`` once headless Chromium (Debian's, installed by CI) has loaded it, ``width`` pixels wide,
    and run its scripts.

    Headless Chromium's windows are at least 500 pixels wide: a phone's width is given to the page by an iframe of
    that width in a page of the test's own, which copies the page's checks (its body's data attributes) to its own
    body. Skips where there is no Chromium, except in CI, which must have it.
    """
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        assert not os.environ.get("CI"), "CI installs Debian's chromium to open the page"
        pytest.skip("no Chromium here (CI has it; apt-get install chromium)")
    target = Path(page)
    if width < 500:
        target = Path(profile).with_suffix(".phone.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"<!DOCTYPE html><html><body style='margin:0'><iframe id='f' src='{Path(page).as_uri()}' "
            f"style='width:{width}px;height:900px;border:0'></iframe><script>"
            "const f = document.getElementById('f');"
            "const copy = () => { const d = f.contentDocument.body.dataset;"
            " if (d.overflow === undefined) { setTimeout(copy, 100); return; }"
            " Object.assign(document.body.dataset, d); };"
            "f.addEventListener('load', copy);</script></body></html>")
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--allow-file-access-from-files", f"--user-data-dir={profile}",
                           f"--window-size={max(width, 500)},900", "--virtual-time-budget=8000", "--dump-dom",
                           target.as_uri()], capture_output=True, text=True, timeout=120).stdout
