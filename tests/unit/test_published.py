"""The comparison with the course as published (course.py), each check able to fail."""

from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

import automata
from coursekit import published as course
import geometry
import quantize
from coursekit.quantizer.images import read_image

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "data/course"


def test_decode_colormap_reads_back_what_viridis_drew():
    import matplotlib

    values = np.random.default_rng(0).random((5, 8))
    lut = matplotlib.colormaps["viridis"](np.linspace(0, 1, 256))[:, :3]
    picture = (lut[np.round(values * 255).astype(int)] * 255).round().astype(np.uint8)
    picture = np.repeat(np.repeat(picture, 7, axis=0), 6, axis=1)  # 7 x 6 pixels a cell
    decoded, fit = course.decode_colormap(picture, 5, 8)
    assert np.abs(decoded - values).max() <= 1 / 255 and fit < 1


def test_the_course_heat_equation_is_ours():
    from diffusion import diffuse, initial_state

    Z = diffuse(initial_state(50, 100, 1.5, 10, 5), 0.05)
    assert course.compare_diffusion(Z, COURSE / "diffusion.png")[3] == "same"
    assert course.compare_diffusion(diffuse(initial_state(50, 100, 1.5, 10, 5), 0.1), COURSE / "diffusion.png")[3] \
        == "differs"  # another Fourier number is seen


def test_the_course_automaton_is_rule_30_mirrored():
    Z = automata.evolve(automata.initial_state(250, 501), 30)
    row = course.compare_automaton(Z, COURSE / "automata.png")
    assert row[3] == "explained" and "Rule 86" in row[4]
    mirrored = automata.evolve(automata.initial_state(250, 501), 86)  # as if we drew the course's own
    assert course.compare_automaton(mirrored, COURSE / "automata.png")[3] == "differs"


def draw(P, path):
    from coursekit.core import save_figure

    save_figure(geometry.plot(P), path)
    return path


def test_the_course_squares_are_ours_and_other_squares_are_not(tmp_path):
    ours = draw(geometry.transform(geometry.squares(25, 0.1, (1, 0))), tmp_path / "ours.png")
    other = draw(geometry.transform(geometry.squares(24, 0.1, (1, 0))), tmp_path / "other.png")
    assert course.compare_drawing("geometry", ours, COURSE / "geometry.png", 0.0025)[3] == "same"
    assert course.compare_drawing("geometry", other, COURSE / "geometry.png", 0.0025)[3] == "differs"


def test_the_published_green_kitten_is_the_bug(tmp_path):
    I, _ = read_image(COURSE / "kitten.jpg")
    published, palette = quantize.quantize_as_published(I, 16)
    colors, counts = np.unique(I.reshape(-1, 3), axis=0, return_counts=True)
    top = {tuple(c) for c in colors[np.argsort(-counts, kind="stable")[:16]]}
    assert sum(tuple(c) in top for c in palette) == 0  # none of the 16 most frequent colours
    iio.imwrite(tmp_path / "published.png", published)
    iio.imwrite(tmp_path / "intended.png", quantize.quantize_naive(I, 16)[0])
    assert course.compare_kitten("k", tmp_path / "published.png", COURSE / "kitten-dithered.jpg", "")[3] == "same"
    row = course.compare_kitten("k", tmp_path / "intended.png", COURSE / "kitten-dithered.jpg", "the bug")
    assert row[3] == "explained" and float(row[2].split()[1]) > 30


@pytest.mark.parametrize("slope,intercept", [(-1.0, 1.0), (-0.5, 0.8)])
def test_line_of_a_frame(slope, intercept):
    frame = np.full((600, 600, 3), 255, np.uint8)
    x = np.linspace(0, 1, 2000)
    y = slope * x + intercept
    inside = (y >= 0) & (y < 1)
    frame[((1 - y[inside]) * 600).astype(int).clip(0, 599), (x[inside] * 600).astype(int).clip(0, 599)] = 0
    frame[100:110, 500:510] = [220, 40, 40]  # a red star is not the line
    a, b = course.line_of(frame)
    assert a == pytest.approx(slope, abs=0.01) and b == pytest.approx(intercept, abs=0.01)
