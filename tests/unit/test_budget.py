"""What the schema accepts, the machine can do: jobs estimated from the config, refused beyond the budget."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coursekit import budget
from coursekit.core import InputError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def config_with(**sections):
    config = copy.deepcopy(CONFIG)
    for section, values in sections.items():
        config[section].update(values)
    return config


def test_default_config_within_budget():
    budget.check(CONFIG, {"kitten": 451 * 300})
    assert max(job.memory for job in budget.jobs(CONFIG)) < 3 << 30  # (the benchmarks' 12-megapixel photo)


@pytest.mark.parametrize("sections,message", [
    ({"automata": {"steps": 100000, "width": 1000000}},
     "automata.steps x automata.width = 100,000 x 1,000,000 = 1e11 cells: simulate_automaton would need about "),
    ({"diffusion": {"steps": 100000, "size": 10000000}},
     "diffusion.steps x diffusion.size = 100,000 x 10,000,000 = 1e12 cells: simulate_diffusion would need"),
    ({"perceptron": {"iterations": 10000000, "frames": 10000}},
     "perceptron.iterations x perceptron.samples = 10,000,000 x 100, and perceptron.frames = 10,000: "
     "train_perceptron would need"),
    ({"random_walk": {"n": 100000000}}, "random_walk.n = 100,000,000 steps: simulate_random_walk would need"),
    ({"geometry": {"squares": 100000}, "budget": {"memory_mb": 1000}},
     "geometry.squares = 100,000: transform_squares would need about 1,390 MB of memory, more than "
     "budget.memory_mb = 1000"),
    ({"perceptron": {"iterations": 1000000, "samples": 1000000}},
     "perceptron.iterations x perceptron.samples = 1,000,000 x 1,000,000, and perceptron.frames = 100: "
     "train_perceptron would take about 84 minutes, more than budget.minutes = 30"),
])
def test_over_budget_names_the_keys_and_their_product(sections, message):
    with pytest.raises(InputError, match="the config asks for more than the budget allows") as info:
        budget.check(config_with(**sections))
    assert message in str(info.value)


def test_a_large_photo_is_estimated_from_its_pixels():
    with pytest.raises(InputError, match=r"the photo quantize.images.big \(400 megapixels\) with quantize.colors = 16"):
        budget.check(CONFIG, {"big": 20000 * 20000})
    budget.check(config_with(budget={"memory_mb": 100000, "minutes": 1000}), {"big": 20000 * 20000})


def test_image_pixels_from_the_header_only(tmp_path):
    import imageio.v3 as iio
    import numpy as np

    iio.imwrite(tmp_path / "a.png", np.zeros((30, 40, 3), np.uint8))
    assert budget.image_pixels(tmp_path / "a.png") == 1200
    assert budget.image_pixels(tmp_path / "missing.png") is None
    assert budget.image_pixels("/dev/zero") is None  # never opened: not a regular file


@pytest.mark.parametrize("job,units,code", [
    ("simulate_automaton", 600 * 6001,
     "import automata\nfrom coursekit.core import save_figure\n"
     "Z = automata.evolve(automata.initial_state(600, 6001), 30)\nsave_figure(automata.plot(Z), OUT)"),
    ("simulate_diffusion", 600 * 6000,
     "import diffusion\nfrom coursekit.core import save_figure\n"
     "Z = diffusion.initial_state(600, 6000, 1.5, 10, 5)\ndiffusion.diffuse(Z, 0.05)\n"
     "save_figure(diffusion.plot(Z), OUT)"),
])
def test_estimate_is_not_below_the_measured_peak(tmp_path, job, units, code):
    """Run the job's work in a fresh process; its peak resident memory must not exceed the estimate."""
    script = (f"import resource, sys\nsys.path.insert(0, {str(ROOT / 'workflow/scripts')!r})\n"
              f"OUT = {str(tmp_path / 'out.png')!r}\n{code}\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)")
    peak = int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    config = config_with(automata={"steps": 600, "width": 6001}, diffusion={"steps": 600, "size": 6000})
    estimate = next(j for j in budget.jobs(config) if j.rule == job)
    assert estimate.units == units and peak <= estimate.memory, (peak, estimate.memory)
