"""Bad input ends in one clear message and leaves no partial output."""

import subprocess

import pytest
import yaml

import snakemake_fork
from conftest import ROOT, SNAKEMAKE, small_config, snakemake

pytestmark = pytest.mark.workflow


def outputs(workdir):
    res = workdir / "results"
    return sorted(p.relative_to(res).as_posix() for p in res.rglob("*") if p.is_file() and "logs" not in p.parts) \
        if res.exists() else []


def test_bad_data_row_names_file_and_line(tmp_path):
    data = tmp_path / "data.txt"
    data.write_text("% rank lemma frequency dispersion\n1 a 10 0.5\n2 b many 0.5\n")
    config = small_config(records={"data": str(data)})
    result = snakemake(tmp_path / "run", config, "results/warmup/sorted.npz", check=False)
    assert result.returncode != 0
    assert f"{data}, line 3: frequency must be an integer, got 'many'" in result.stderr
    assert "Traceback" not in result.stderr
    assert outputs(tmp_path / "run") == []


def test_missing_data_file_is_named(tmp_path):
    config = small_config(records={"data": str(tmp_path / "nowhere.txt")})
    result = snakemake(tmp_path / "run", config, "results/warmup/sorted.npz", check=False)
    assert result.returncode != 0
    assert "Missing input files" in result.stderr and str(tmp_path / "nowhere.txt") in result.stderr
    assert outputs(tmp_path / "run") == []


# Every kind of bad value is checked by the unit tests of the schema; these show the run stops on them.
@pytest.mark.parametrize("section,values,message", [
    ("diffusion", {"Fo": 0.1, "F": 0.6}, "unknown key 'diffusion.Fo'"),
])
def test_bad_config_stops_before_any_job(tmp_path, section, values, message):
    result = snakemake(tmp_path / "run", small_config(**{section: values}), check=False)
    assert result.returncode != 0
    assert "invalid configuration in" in result.stderr and "test-config.yaml" in result.stderr
    assert message in result.stderr and "diffusion.F = 0.6 is not allowed: must be at most 0.5" in result.stderr
    assert outputs(tmp_path / "run") == []


def test_forked_run_says_what_a_subprocess_says(tmp_path):
    """The tests fork Snakemake (snakemake_fork.py): same exit code and same output as `python -m snakemake`."""
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(small_config(diffusion={"F": 0.9})))
    arguments = ["--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path / "run"), "--configfile",
                 str(config), "--replace-workflow-config", "--cores", "1", "results/warmup/diffusion.npy"]
    forked = snakemake_fork.run(arguments)
    plain = subprocess.run([*SNAKEMAKE, *arguments], capture_output=True, text=True)
    assert "diffusion.F = 0.9 is not allowed" in forked.stderr
    assert (forked.returncode, forked.stdout, forked.stderr) == (plain.returncode, plain.stdout, plain.stderr)


def test_dash_dash_config_numbers_work(tmp_path):
    """`--config 'diffusion={F: 0.3}'`, Snakemake's usual override, sets F to the number 0.3."""
    result = snakemake(tmp_path / "run", small_config(), "results/warmup/diffusion.npy", "-n", "--config",
                       "diffusion={F: 0.3, steps: 12}")
    assert "is not allowed" not in result.stderr and "simulate_diffusion" in result.stdout


def test_configfile_with_aliases_or_duplicates_refused_before_any_job(tmp_path):
    laughs = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    laughs += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    for text, message in (("\n".join(laughs), "line 1, column 5: YAML anchors and aliases"),
                          ("seed: 1\nseed: 2\n", "lines 1 and 2: key 'seed' is given twice")):
        (tmp_path / "extra.yaml").write_text(text)
        result = snakemake_fork.run(["--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path / "run"),
                                     "--configfile", str(tmp_path / "extra.yaml"), "-n"])
        assert result.returncode != 0 and f"{tmp_path / 'extra.yaml'}, {message}" in result.stdout + result.stderr
        assert outputs(tmp_path / "run") == []


@pytest.mark.parametrize("folder", ["data", "workflow/scripts"])
def test_solutions_in_data_or_the_scripts_refused_before_any_job(tmp_path, folder):
    """`exercises` wrote twelve skeletons into data/, and `check` graded the references '31 correct'."""
    config = small_config(solutions=str(ROOT / folder))
    for target in ("exercises", "check"):
        result = snakemake(tmp_path, config, "-n", target, check=False)
        assert result.returncode != 0
        assert f"config key solutions = '{ROOT / folder}' is not allowed" in result.stdout + result.stderr
