"""The whole pipeline, run for real on a small config: outputs, byte-identical reruns, incremental reruns, verify."""

import re
import subprocess

import numpy as np
import pytest

import automata
import diffusion
import records
from conftest import ROOT, chromium_dom, copy_repository, planned_jobs, small_config, snakemake
from coursekit.modules import declared
from coursekit.references.verify import byte_differences, deterministic_files

# the exercises added as one module (EXERCISE, modules.py): each artefact one job of a rule of their own, drawn
# from the seed and depending on the installed versions, so adding one needs no edit of the sets below
ADDED = {"make_exercise_artefact": len(declared())} if declared() else {}

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
    assert (res / "warmup/automata/gallery.png").exists()


def test_every_rule_writes_its_log(run_small):
    workdir, _ = run_small
    logs = {p.parent.name for p in (workdir / "results/logs").rglob("*.log")}
    assert logs == {"simulate_diffusion", "simulate_automaton", "sort_records", "answer_warmup", "write_sysinfo", "show_tools",
                    "simulate_random_walk", "time_random_walk", "search_subsequence", "time_subsequence",
                    "transform_squares", "quantize_frequent", "quantize_as_published", "quantize_kmeans",
                    "train_perceptron",
                    "write_provenance", "compare_with_references", "draw_automata_gallery", "write_course_page", *ADDED}


def test_new_automata_rule_runs_only_automata(run_small):
    """Besides the automata, only the jobs that record the whole config (provenance, verify.md, the page) rerun."""
    workdir, config = run_small
    bookkeeping = {"write_provenance": 1, "compare_with_references": 1, "write_course_page": 1}
    changed = small_config(automata={"rules": [90, 110]})
    assert planned_jobs(workdir, changed) == {"simulate_automaton": 1, "draw_automata_gallery": 1, **bookkeeping}


def test_intro_outputs_hold_what_they_claim(run_small):
    import csv

    import random_walk
    import subsequence
    from coursekit.core import rng

    workdir, config = run_small
    res = workdir / "results/intro"
    walk = np.load(res / "random_walk.npy", allow_pickle=False)
    np.testing.assert_array_equal(walk, random_walk.random_walk_slow(config["random_walk"]["n"],
                                                                       rng(config["seed"], "random_walk")))
    rows = list(csv.DictReader((res / "random_walk-timings.csv").read_text().splitlines()))
    assert [r["implementation"] for r in rows] == list(random_walk.IMPLEMENTATIONS)
    assert all(float(r["median_s"]) > 0 and int(r["repeats"]) == config["timing"]["repeats"] for r in rows)
    s = config["subsequence"]
    seq = subsequence.random_sequence(s["length"], s["alphabet"], rng(config["seed"], "subsequence"))
    found = np.load(res / "subsequence.npy", allow_pickle=False)
    assert found.tolist() == subsequence.find_brute_force(seq.tolist(), s["sub"]) and len(found) > 0
    rows = list(csv.DictReader((res / "subsequence-timings.csv").read_text().splitlines()))
    assert [r["implementation"] for r in rows] == ["python", "numpy"]


def test_advanced_outputs_hold_what_they_claim(run_small):
    import csv

    import imageio.v3 as iio

    import geometry

    workdir, config = run_small
    res = workdir / "results/advanced"
    g = config["geometry"]
    P = np.load(res / "geometry.npy", allow_pickle=False)
    assert P.shape == (g["squares"], 4, 2)
    np.testing.assert_allclose(P, geometry.transform_loop(geometry.squares(g["squares"], g["scale"], g["translate"])),
                               atol=1e-14)
    for name in config["quantize"]["images"]:
        for n in config["quantize"]["colors"]:
            for method in ("frequent", "kmeans"):
                Q = iio.imread(res / f"quantize/{name}-{method}-{n}.png")
                assert Q.shape[2] == 3 and len(np.unique(Q.reshape(-1, 3), axis=0)) <= n
            palette = np.load(res / f"quantize/{name}-kmeans-{n}.npy", allow_pickle=False)
            assert palette.dtype == np.uint8 and palette.shape == (n, 3)
            np.testing.assert_array_equal(np.unique(Q.reshape(-1, 3), axis=0), palette)
    rows = list(csv.DictReader((res / "perceptron/log.csv").read_text().splitlines()))
    assert len(rows) == config["perceptron"]["iterations"]
    assert list(rows[0]) == ["iteration", "lrate", "sample", "error", "accuracy"]
    frames = iio.imread(res / "perceptron/perceptron.mp4", plugin="FFMPEG")
    assert frames.shape == (config["perceptron"]["frames"], 600, 600, 3)


def test_quantize_command_line_matches_pipeline(run_small, tmp_path):
    import subprocess
    import sys

    import imageio.v3 as iio

    workdir, config = run_small
    n = config["quantize"]["colors"][0]
    out = tmp_path / "kitten.png"
    subprocess.run([sys.executable, str(ROOT / "workflow/scripts/quantize.py"), str(ROOT / "data/course/kitten.jpg"),
                    str(out), "--colors", str(n), "--steps", str(config["quantize"]["steps"]),
                    "--seed", str(config["seed"])], check=True, capture_output=True)
    np.testing.assert_array_equal(iio.imread(out), iio.imread(workdir / f"results/advanced/quantize/kitten-kmeans-{n}.png"))


# -- reproducibility ----------------------------------------------------------------------

BOOKKEEPING = {"write_provenance": 1, "compare_with_references": 1, "write_course_page": 1}  # all three record it all


@pytest.fixture(scope="session")
def second_run(tmp_path_factory, run_small):
    """The same config run again from clean, from a private copy of the repository that tests may edit."""
    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    _, config = run_small
    snakemake(repo, config, repo=repo)
    return repo, config


def test_two_runs_are_byte_identical(run_small, second_run):
    first, second = run_small[0] / "results", second_run[0] / "results"
    assert len(deterministic_files(first)) >= 18
    assert byte_differences(first, second) == []


def test_nothing_changed_nothing_runs(second_run):
    repo, config = second_run
    assert planned_jobs(repo, config, repo=repo) == {}


def test_parameter_change_reruns_only_its_artefacts(second_run):
    repo, config = second_run
    assert planned_jobs(repo, small_config(diffusion={"F": 0.1}), repo=repo) == {"simulate_diffusion": 1, **BOOKKEEPING}
    changed = small_config(seed=7)
    assert planned_jobs(repo, changed, repo=repo) == {
        "simulate_random_walk": 1, "time_random_walk": 1, "search_subsequence": 1, "time_subsequence": 1,
        "quantize_kmeans": 1, "train_perceptron": 1, "show_tools": 1, **ADDED, **BOOKKEEPING}


def test_script_edit_reruns_only_its_artefacts(second_run):
    repo, config = second_run
    script = repo / "workflow/scripts/geometry.py"
    original = script.read_text()
    try:
        script.write_text(original + "\n# an edit\n")
        # answers.py shows geometry's dtype among the course's defects, so it declares geometry.py as an input
        assert planned_jobs(repo, config, repo=repo) == {"transform_squares": 1, "answer_warmup": 1,
                                                         "compare_with_references": 1, "write_course_page": 1}
        shared = repo / "workflow/scripts/repeat.py"  # imported by answers.py only
        original_shared = shared.read_text()
        shared.write_text(original_shared + "\n# an edit\n")
        assert planned_jobs(repo, config, repo=repo) == {
            "transform_squares": 1, "answer_warmup": 1, "compare_with_references": 1, "write_course_page": 1}
        shared.write_text(original_shared)
    finally:
        script.write_text(original)


def test_another_numpy_reruns_every_artefact_job_and_nothing_else(second_run):
    """Installing another NumPy made 'Nothing to be done': the installed versions are a param of each artefact job."""
    repo, config = second_run
    common = repo / "workflow/rules/common.smk"
    original = common.read_text()
    try:
        common.write_text(original.replace('VERSIONS = package_versions(', 'VERSIONS = {"numpy": "0.0"} or package_versions('))
        jobs = planned_jobs(repo, config, repo=repo)
    finally:
        common.write_text(original)
    assert jobs == {"simulate_random_walk": 1, "search_subsequence": 1, "show_tools": 1, "simulate_diffusion": 1,
                    "simulate_automaton": 1, "draw_automata_gallery": 1, "sort_records": 1, "answer_warmup": 1,
                    "transform_squares": 1, "quantize_frequent": 1, "quantize_as_published": 1, "quantize_kmeans": 1,
                    "train_perceptron": 1, **ADDED, **BOOKKEEPING}


def test_verify_catches_one_cell_and_names_it(run_small, tmp_path):
    workdir, _ = run_small
    config = small_config(references=str(tmp_path / "refs"))
    snakemake(workdir, config, "accept_references")  # (verify passing on accepted references: tests/unit/test_verify.py)
    assert (tmp_path / "refs/warmup/automata/rule-90.npy").exists()
    # one wrong cell in one artefact
    path = workdir / "results/warmup/automata/rule-90.npy"
    original = path.read_bytes()
    Z = np.load(path)
    Z[5, 7] ^= 1
    np.save(path, Z)
    try:
        result = snakemake(workdir, config, "verify", check=False)
    finally:
        path.write_bytes(original)
    assert result.returncode != 0
    assert "artefact(s) differ" in result.stderr  # the array, and the gallery redrawn from it
    assert "warmup/automata/rule-90.npy | exact | **DIFFERENT** | 1 of" in result.stderr
    rows = [line.split(" | ") for line in (workdir / "results/verify.md").read_text().splitlines()
            if line.startswith("| ") and not line.startswith(("| artefact", "|---"))]
    different = {row[0].lstrip("| ") for row in rows if row[2] != "ok"}
    assert different == {"warmup/automata/rule-90.npy", "warmup/automata/gallery.png"}  # the gallery shows that array


def test_a_truncated_artefact_is_reported_and_remade(run_small, tmp_path):
    """A PNG cut to 100 bytes on disk: verify names it and how to remake it (no traceback); that command works."""
    workdir, _ = run_small
    config = small_config(references=str(tmp_path / "refs"))
    snakemake(workdir, config, "accept_references")
    path = workdir / "results/warmup/diffusion.png"
    original = path.read_bytes()
    path.write_bytes(original[:100])
    try:
        result = snakemake(workdir, config, "verify", check=False)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "warmup/diffusion.png | - | **UNREADABLE ARTEFACT** | cannot be read" in result.stderr
        assert "remake it with `snakemake --cores all --force results/warmup/diffusion.png`" in result.stderr
        snakemake(workdir, config, "--force", "results/warmup/diffusion.png")
        assert path.read_bytes() == original
        snakemake(workdir, config, "verify")
    finally:
        if path.read_bytes() != original:
            path.write_bytes(original)


def test_the_course_page_shows_every_artefact_inline(run_small):
    """results/course.html: every artefact inline, captions with the parameters each was made with, no path of
    this machine; opened in headless Chromium (CI installs it), every image and the video are displayed."""
    workdir, config = run_small
    page = (workdir / "results/course.html").read_text()
    res = workdir / "results"
    for path in res.rglob("*"):
        relative = path.relative_to(res).as_posix()
        if path.suffix in (".png", ".mp4", ".md", ".csv", ".npz", ".json") and not relative.startswith(
                ("logs/", "check/", "compat/", "benchmarks/")) and relative not in ("course.html", "verify.csv"):  # verify.csv: verify.md as data
            assert f"<b>{relative}</b>" in page, relative
    assert "href=" not in page.replace("href='#c", "") and "<a download" not in page  # nothing to download
    assert str(workdir) not in page and str(ROOT) not in page  # no path of this machine
    assert f"with n = {config['random_walk']['n']}; seed = {config['seed']}" in page  # the job's own params
    assert "Stale" not in page
    pngs = sum(1 for p in res.rglob("*.png") if not p.relative_to(res).as_posix().startswith(("logs/", "check/")))
    pngs += len(re.findall(r"data:image/(?:png|jpeg);base64,", page)) - pngs  # the published figures too
    for width in (1280, 390):  # a desktop and a phone
        dom = chromium_dom(workdir / "results/course.html", workdir / f"chromium-profile-{width}", width)
        body = re.search(r"<body([^>]*)>", dom).group(1)
        images = re.search(r'data-images="(\d+)"', body).group(1)
        assert int(images) >= pngs and f'data-images-shown="{images}"' in body, body
        assert 'data-videos="2"' in body and 'data-videos-shown="2"' in body, body  # ours and the course's
        assert int(re.search(r'data-overflow="(-?\d+)"', body).group(1)) <= 0, (width, body)  # nothing cut off
