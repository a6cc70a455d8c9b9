"""Every kind of image a course author may drop into data/: read, converted with a note, or refused by name."""

import os
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

import quantize
from pipeline import InputError, rng

KITTEN = Path(__file__).resolve().parents[2] / "data" / "kitten.jpg"


def write(path, array):
    iio.imwrite(path, array)
    return path


@pytest.mark.parametrize("make,note", [
    (lambda g: g.integers(0, 256, (5, 6), dtype=np.uint8), "grey image"),
    (lambda g: g.integers(0, 256, (5, 6, 4), dtype=np.uint8), "alpha channel dropped"),
    (lambda g: g.integers(0, 65536, (5, 6), dtype=np.uint16), "16-bit image scaled to 8 bits"),
])
def test_converted_with_a_note(tmp_path, make, note):
    source = make(np.random.default_rng(0))
    I, notes = quantize.read_image(write(tmp_path / "in.png", source))
    assert I.shape == (5, 6, 3) and I.dtype == np.uint8
    assert any(note in n for n in notes)
    if source.dtype == np.uint8 and source.ndim == 2:
        np.testing.assert_array_equal(I[:, :, 1], source)


def test_palette_png(tmp_path):
    from PIL import Image

    rgb = np.random.default_rng(1).integers(0, 256, (7, 9, 3), dtype=np.uint8)
    image = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    image.save(tmp_path / "pal.png")
    I, notes = quantize.read_image(tmp_path / "pal.png")
    np.testing.assert_array_equal(I, np.asarray(image.convert("RGB")))
    assert notes == ["palette image: its palette applied, giving RGB"]


def test_one_pixel_image(tmp_path):
    I, notes = quantize.read_image(write(tmp_path / "one.png", np.array([[[1, 2, 3]]], np.uint8)))
    for method in ("kmeans", "frequent"):
        Q, palette = quantize.quantize(I, 16, method, 20, rng(0, "one"))
        assert Q.tolist() == [[[1, 2, 3]]] and palette.tolist() == [[1, 2, 3]]


def test_truncated_jpeg(tmp_path):
    data = KITTEN.read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[:len(data) // 2])
    with pytest.raises(InputError, match=r"cut.jpg: cannot be read as an image \(OSError: image file is truncated"):
        quantize.read_image(tmp_path / "cut.jpg")


def test_text_file_named_png(tmp_path):
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(InputError, match=r"notes.png: cannot be read as an image"):
        quantize.read_image(tmp_path / "notes.png")


def test_missing_image(tmp_path):
    with pytest.raises(InputError, match=r"gone.jpg: no such image file"):
        quantize.read_image(tmp_path / "gone.jpg")


def test_more_colours_than_the_image_has(tmp_path):
    I = np.zeros((4, 4, 3), np.uint8)
    I[:2] = [200, 10, 10]
    for method in ("kmeans", "frequent"):
        Q, palette = quantize.quantize(I, 64, method, 20, rng(0, "few"))
        np.testing.assert_array_equal(Q, I)
        assert palette.tolist() == [[0, 0, 0], [200, 10, 10]]  # no duplicate entries


def test_run_logs_notes_and_writes_png(tmp_path, caplog):
    import logging

    source = write(tmp_path / "grey.png", np.arange(64, dtype=np.uint8).reshape(8, 8))
    with caplog.at_level(logging.INFO, logger="course"):
        quantize.run(source, tmp_path / "out.png", 4, "kmeans", 10, rng(0, "r"), tmp_path / "palette.npy")
    assert "note: " in caplog.text and "grey image" in caplog.text
    assert len(np.unique(iio.imread(tmp_path / "out.png").reshape(-1, 3), axis=0)) <= 4
    assert np.load(tmp_path / "palette.npy", allow_pickle=False).shape[1] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grey.png", "out.png", "palette.npy"]  # no temporary left


# -- the command line never destroys its input ------------------------------------------------------


def cli(*args):
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[2] / "workflow/scripts/quantize.py"
    return subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True, text=True)


def photo(tmp_path):
    path = tmp_path / "photo.png"
    iio.imwrite(path, np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3))
    return path


@pytest.mark.parametrize("case,message", [
    ("same", "is the input image itself; OUTPUT must be another file"),
    ("symlink", "is the input image itself; OUTPUT must be another file"),
    ("hardlink", "is the input image itself; OUTPUT must be another file"),
    ("palette-is-output", "--palette is the same file as OUTPUT"),
    ("palette-is-input", "is the input image itself; --palette must be another file"),
    ("folder", "is a folder; OUTPUT must be the path of a file"),
])
def test_cli_refuses_to_overwrite_its_input(tmp_path, case, message):
    source = photo(tmp_path)
    out, palette = tmp_path / "out.png", None
    if case == "same":
        out = source
    elif case == "symlink":
        os.symlink(source, out)
    elif case == "hardlink":
        os.link(source, out)
    elif case == "palette-is-output":
        palette = out
    elif case == "palette-is-input":
        palette = source
    elif case == "folder":
        out = tmp_path / "folder"
        out.mkdir()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = cli(source, out, *(["--palette", palette] if palette else []))
    assert result.returncode == 1 and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
