"""Every kind of image a course author may drop into data/: read, converted with a note, or refused by name."""

import os
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from coursekit.quantizer import command, images
import quantize
from coursekit.quantizer import engine as quantize_engine
from coursekit.core import InputError, rng

KITTEN = Path(__file__).resolve().parents[2] / "data" / "course" / "kitten.jpg"


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
    I, notes = images.read_image(write(tmp_path / "in.png", source))
    assert I.shape == (5, 6, 3) and I.dtype == np.uint8
    assert any(note in n for n in notes)
    if source.dtype == np.uint8 and source.ndim == 2:
        np.testing.assert_array_equal(I[:, :, 1], source)


def test_palette_png(tmp_path):
    from PIL import Image

    rgb = np.random.default_rng(1).integers(0, 256, (7, 9, 3), dtype=np.uint8)
    image = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    image.save(tmp_path / "pal.png")
    I, notes = images.read_image(tmp_path / "pal.png")
    np.testing.assert_array_equal(I, np.asarray(image.convert("RGB")))
    assert notes == ["palette image: its palette applied, giving RGB"]


def test_one_pixel_image(tmp_path):
    I, notes = images.read_image(write(tmp_path / "one.png", np.array([[[1, 2, 3]]], np.uint8)))
    for method in ("kmeans", "frequent"):
        Q, palette = quantize.quantize(I, 16, method, 20, rng(0, "one"))
        assert Q.tolist() == [[[1, 2, 3]]] and palette.tolist() == [[1, 2, 3]]


def test_truncated_jpeg(tmp_path):
    data = KITTEN.read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[:len(data) // 2])
    with pytest.raises(InputError, match=r"cut.jpg: cannot be read as an image \(OSError: image file is truncated"):
        images.read_image(tmp_path / "cut.jpg")


def test_text_file_named_png(tmp_path):
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(InputError, match=r"notes.png: cannot be read as an image"):
        images.read_image(tmp_path / "notes.png")


def test_missing_image(tmp_path):
    with pytest.raises(InputError, match=r"gone.jpg: no such file"):
        images.read_image(tmp_path / "gone.jpg")


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
        command.run(source, tmp_path / "out.png", 4, "kmeans", 10, rng(0, "r"), tmp_path / "palette.npy")
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


def noise_photo(tmp_path, side=300):
    """A photo whose 256-colour PNG takes about side**2 bytes: noise does not compress."""
    path = tmp_path / "noise.png"
    iio.imwrite(path, np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8))
    return path


def node(tmp_path, kind):
    """A character device (a null device of our own), a FIFO or a Unix socket in ``tmp_path``: never to be replaced.

    The device is made here, never the machine's /dev/null: the code this test guards against replaced it.
    """
    import socket
    import stat

    path = tmp_path / kind
    if kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        return path, stat.S_ISCHR
    if kind == "fifo":
        os.mkfifo(path)
        return path, stat.S_ISFIFO
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path, stat.S_ISSOCK


@pytest.mark.parametrize("kind,message", [("device", "is a character device; only regular files are written"),
                                          ("fifo", "is a FIFO (named pipe); only regular files are written"),
                                          ("socket", "is a socket; only regular files are written")])
@pytest.mark.parametrize("option", ["OUTPUT", "--palette"])
def test_cli_never_replaces_a_device_fifo_or_socket(tmp_path, kind, message, option):
    """Run as root, `quantize.py photo.png /dev/null` made /dev/null a PNG file: refused before any work."""
    path, is_kind = node(tmp_path, kind)
    args = [path] if option == "OUTPUT" else [tmp_path / "out.png", "--palette", path]
    result = cli(photo(tmp_path), *args)
    assert result.returncode == 1 and result.stderr == f"error: {path}: {message}, so nothing was written there\n"
    assert is_kind(os.stat(path).st_mode)
    assert not (tmp_path / "out.png").exists()


def test_atomic_path_refuses_a_node_for_every_writer(tmp_path):
    from coursekit.core import save_text

    path, is_kind = node(tmp_path, "fifo")
    with pytest.raises(InputError, match="is a FIFO"):
        save_text(path, "x")
    assert is_kind(os.stat(path).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


def test_cli_past_the_file_size_limit_one_line_and_no_partial_file(tmp_path):
    import resource
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[2] / "workflow/scripts/quantize.py"
    out = tmp_path / "out" / "q.png"
    result = subprocess.run([sys.executable, str(script), noise_photo(tmp_path), out, "--colors", "256",
                             "--method", "frequent"], capture_output=True, text=True,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000)))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (f"error: {out}: cannot be written: the file would pass the size limit "
                                              "(ulimit -f); nothing was written under that name")
    assert "Traceback" not in result.stderr and list(out.parent.iterdir()) == []


def in_tmpfs(folder, command, options):
    """Run ``command`` with a tmpfs of ``options`` mounted on ``folder``, in a mount namespace of its own (root)."""
    import shutil
    import subprocess

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a small tmpfs (a full disk, a read-only folder)")
    script = f'mount -t tmpfs -o {options} tmpfs "$1" && shift && exec "$@"'
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(folder),
                           *map(str, command)], capture_output=True, text=True)


@pytest.mark.parametrize("options,cause", [("size=64k", "the disk is full"), ("ro", "read-only file system")])
def test_cli_on_a_full_disk_or_read_only_folder_one_line_and_no_partial_file(tmp_path, options, cause):
    import sys

    script = Path(__file__).resolve().parents[2] / "workflow/scripts/quantize.py"
    folder = tmp_path / "disk"
    folder.mkdir()
    # the quantize command, then what the tmpfs holds (it goes with the mount namespace)
    listing = "import os, sys; print(sorted(os.listdir(sys.argv[1])))"
    run = '"$0" "$@"; code=$?; "$0" -c "$LISTING" "$FOLDER"; exit $code'
    result = in_tmpfs(folder, ["env", f"LISTING={listing}", f"FOLDER={folder}", "sh", "-c", run, sys.executable,
                               script, noise_photo(tmp_path), folder / "q.png", "--colors", "256",
                               "--method", "frequent"], options)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == f"error: {folder / 'q.png'}: cannot be written: {cause}; nothing " \
                                             "was written under that name", result.stderr
    assert "Traceback" not in result.stderr and result.stdout.splitlines()[-1] == "[]"  # no partial file


# -- read as a viewer shows it, or refused with the real cause ---------------------------------------


def srgb_from_lab(L, a, b):
    """CIE L*a*b* (D50, as ICC and TIFF define it) to 8-bit sRGB by the textbook formulas: Lab to XYZ,
    Bradford adaptation D50 -> D65, XYZ to linear sRGB, gamma. The independent check of the LAB reading."""
    d50, d65 = np.array([0.96422, 1.0, 0.82521]), np.array([0.95047, 1.0, 1.08883])
    fy = (L + 16) / 116
    f = np.array([fy + a / 500, fy, fy - b / 200])
    xyz = np.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * d50
    B = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])
    xyz = np.linalg.inv(B) @ np.diag((B @ d65) / (B @ d50)) @ B @ xyz
    M = np.array([[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415], [0.0557, -0.2040, 1.0570]])
    rgb = np.clip(M @ xyz, 0, 1)
    return np.round(255 * np.where(rgb <= 0.0031308, 12.92 * rgb, 1.055 * rgb ** (1 / 2.4) - 0.055))


def test_cmyk_jpeg_in_its_colours(tmp_path):
    from PIL import Image

    cmyk = Image.new("CMYK", (16, 8), (255, 0, 0, 0))  # pure cyan ink
    cmyk.paste((0, 0, 255, 0), (8, 0, 16, 8))  # pure yellow ink
    cmyk.save(tmp_path / "print.jpg", quality=95)
    I, notes = images.read_image(tmp_path / "print.jpg")
    assert np.abs(I[4, 2].astype(int) - [0, 255, 255]).max() <= 6  # cyan
    assert np.abs(I[4, 13].astype(int) - [255, 255, 0]).max() <= 6  # yellow
    assert notes == ["CMYK image converted to RGB"]


def test_lab_tiff_in_its_colours(tmp_path):
    from PIL import Image

    lab = Image.new("LAB", (4, 4), (round(53.24 * 2.55), 128 + 80, 128 + 67))  # about sRGB red
    lab.save(tmp_path / "lab.tif")
    I, notes = images.read_image(tmp_path / "lab.tif")
    expected = srgb_from_lab(lab.getpixel((0, 0))[0] / 2.55, 80, 67)
    assert np.abs(I[0, 0] - expected).max() <= 4 and notes == ["LAB image converted to RGB"]


@pytest.mark.parametrize("orientation,turn", [(3, lambda A: A[::-1, ::-1]), (6, lambda A: np.rot90(A, -1)),
                                              (8, lambda A: np.rot90(A, 1)), (2, lambda A: A[:, ::-1])])
def test_exif_orientation_applied(tmp_path, orientation, turn):
    from PIL import Image

    A = np.random.default_rng(orientation).integers(0, 256, (3, 5, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(A).save(tmp_path / "turned.png", exif=exif)
    I, notes = images.read_image(tmp_path / "turned.png")
    np.testing.assert_array_equal(I, turn(A))
    assert notes == [f"{images.ORIENTATIONS[orientation]}, as its EXIF orientation ({orientation}) says"]


def test_too_many_pixels_refused_with_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "IMAGE_MAX_PIXELS", 1000)
    path = write(tmp_path / "big.png", np.zeros((40, 30, 3), np.uint8))
    with pytest.raises(InputError, match=r"big.png: 30 x 40 = 0.0012 megapixels, more than the 0.001 megapixels an image may "
                                         r"have \(images.IMAGE_MAX_PIXELS\)"):
        images.read_image(path)


def test_decompression_bomb_refused_before_decoding(tmp_path):
    """A 20000 x 20000 PNG of 400 megapixels that compresses to a few hundred kB: refused from its header."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    (tmp_path / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    with pytest.raises(InputError, match=r"bomb.png: 20000 x 20000 = 400 megapixels, more than the 268 megapixels"):
        images.read_image(tmp_path / "bomb.png")


@pytest.mark.parametrize("kind,message", [("folder", "is a folder; only regular files are read"),
                                          ("fifo", r"is a FIFO \(named pipe\); only regular files are read"),
                                          ("device", "is a character device; only regular files are read")])
def test_not_a_regular_file(tmp_path, kind, message):
    path = {"folder": tmp_path, "fifo": tmp_path / "pipe.png", "device": Path("/dev/zero")}[kind]
    if kind == "fifo":
        os.mkfifo(path)  # reading it would block forever
    with pytest.raises(InputError, match=message):
        images.read_image(path)


@pytest.mark.parametrize("name", ["locked.png", "locked.jpg"])  # read without Pillow, and with it
def test_permission_denied_named(tmp_path, monkeypatch, name):
    """(Faked: the tests may run as root, who may read anything.)"""
    import builtins

    path = write(tmp_path / name, np.zeros((2, 2, 3), np.uint8))
    real_open = builtins.open

    def denied(file, *args, **kwargs):
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", denied)
    with pytest.raises(InputError, match=name.replace(".", r"\.") + ": permission denied$"):
        images.read_image(path)


# -- the fast path: plain 8-bit RGB PNGs decoded with imagecodecs ------------------------


@pytest.mark.parametrize("options", [{}, {"optimize": True}, {"compress_level": 0}])
def test_plain_png_decoded_as_pillow_decodes_it(tmp_path, options):
    A = np.random.default_rng(1).integers(0, 256, (61, 47, 3), dtype=np.uint8)
    path = tmp_path / "plain.png"
    Image.fromarray(A).save(path, **options)
    assert images.plain_png(path) == (47, 61)
    I, notes = images.read_image(path)
    np.testing.assert_array_equal(I, A)
    assert notes == []


def test_a_large_plain_png_is_decoded_into_its_own_memory(tmp_path):
    """1210 x 1200 pixels, 4.4 MB: past the size at which the decoded image gets pages of its own (image_array)."""
    y, x = np.mgrid[0:1210, 0:1200]
    A = np.stack([x % 256, y % 256, (x * y) % 251], axis=2).astype(np.uint8)
    path = tmp_path / "large.png"
    Image.fromarray(A).save(path, compress_level=1)
    I, notes = images.read_image(path)
    np.testing.assert_array_equal(I, A)
    assert I.flags["C_CONTIGUOUS"] and I.flags["WRITEABLE"] and notes == []
    I[0, 0] = 7  # ours to change


@pytest.mark.parametrize("png_filter", [8, 16, 32, 64, 128, 248])  # none, sub, up, average, Paeth, all (libpng flags)
def test_every_png_filter_decoded_as_pillow_decodes_it(tmp_path, png_filter):
    import imagecodecs

    A = np.random.default_rng(png_filter).integers(0, 256, (33, 29, 3), dtype=np.uint8)
    A[10:20] = A[10]  # rows that the up filter makes zero
    path = tmp_path / "filtered.png"
    path.write_bytes(imagecodecs.png_encode(A, filter=png_filter))
    assert images.plain_png(path) == (29, 33)
    with Image.open(path) as image:
        expected = np.asarray(image.convert("RGB"))
    np.testing.assert_array_equal(expected, A)
    np.testing.assert_array_equal(images.decode_png(path, (29, 33)), A)


@pytest.mark.parametrize("kind", ["16-bit", "RGBA", "palette", "grey", "transparency"])
def test_other_pngs_go_through_pillow(tmp_path, kind):
    import imagecodecs

    g = np.random.default_rng(3)
    path = tmp_path / f"{kind}.png"
    if kind == "16-bit":
        path.write_bytes(imagecodecs.png_encode(g.integers(0, 65536, (8, 9, 3)).astype(np.uint16)))
    elif kind == "RGBA":
        Image.fromarray(g.integers(0, 256, (8, 9, 4), dtype=np.uint8)).save(path)
    elif kind == "palette":
        Image.fromarray(g.integers(0, 256, (8, 9, 3), dtype=np.uint8)).quantize(4).save(path)
    elif kind == "grey":
        Image.fromarray(g.integers(0, 256, (8, 9), dtype=np.uint8)).save(path)
    else:
        Image.fromarray(g.integers(0, 256, (8, 9, 3), dtype=np.uint8)).save(path, transparency=(1, 2, 3))
    assert images.plain_png(path) is None
    I, _ = images.read_image(path)
    assert I.shape == (8, 9, 3) and I.dtype == np.uint8


def test_png_chunks_read_without_the_data(tmp_path):
    path = tmp_path / "c.png"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(np.zeros((4, 5, 3), np.uint8)).save(path, exif=exif)
    chunks = images.png_chunks(path)
    assert [kind for kind, _ in chunks][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    assert b"eXIf" in [kind for kind, _ in chunks]
    assert chunks[0][1][8:10] == b"\x08\x02"  # bit depth 8, colour type 2 (RGB), as the PNG specification lays out
    assert images.plain_png(path) is None  # the orientation must be applied: Pillow's path


@pytest.mark.parametrize("keyword,text", [
    ("XML:com.adobe.xmp", '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syn'
                          'tax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/>'
                          '</rdf:RDF></x:xmpmeta>'),
    ("Raw profile type exif", None)])
def test_an_orientation_in_a_text_chunk_goes_through_pillow(tmp_path, keyword, text):
    """Pillow also finds an EXIF orientation in XMP and in ImageMagick's text chunk: it must turn the image."""
    from PIL import PngImagePlugin

    if text is None:  # ImageMagick's layout: a blank line, "exif", the length, then the EXIF bytes in hex
        exif = Image.Exif()
        exif[0x0112] = 6
        raw = exif.tobytes()
        text = f"\nexif\n{len(raw):8d}\n{raw.hex()}\n"
    info = PngImagePlugin.PngInfo()
    info.add_text(keyword, text)
    A = np.random.default_rng(6).integers(0, 256, (4, 7, 3), dtype=np.uint8)
    path = tmp_path / "turned.png"
    Image.fromarray(A).save(path, pnginfo=info)
    assert images.plain_png(path) is None
    I, notes = images.read_image(path)
    np.testing.assert_array_equal(I, np.rot90(A, -1))  # 6: rotated 90 degrees clockwise to be shown upright
    assert notes == ["rotated 90 degrees clockwise, as its EXIF orientation (6) says"]


def test_a_file_without_the_png_signature_is_not_plain(tmp_path):
    path = tmp_path / "fake.png"
    Image.fromarray(np.zeros((3, 4, 3), np.uint8)).save(path)
    data = path.read_bytes()
    path.write_bytes(b"\x00" + data[1:])
    assert images.png_chunks(path) == [] and images.plain_png(path) is None
    with pytest.raises(InputError, match=r"fake.png: cannot be read as an image"):
        images.read_image(path)


def test_without_imagecodecs_pillow_reads_the_png(tmp_path, monkeypatch):
    """The course under another NumPy (compat.py) has no imagecodecs: the same pixels through Pillow."""
    import importlib.util

    A = np.random.default_rng(4).integers(0, 256, (9, 8, 3), dtype=np.uint8)
    Image.fromarray(A).save(tmp_path / "p.png")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "imagecodecs" else real(name, *a))
    monkeypatch.setattr(images, "decode_png", lambda *a: pytest.fail("imagecodecs used"))
    I, notes = images.read_image(tmp_path / "p.png")
    np.testing.assert_array_equal(I, A)


@pytest.mark.parametrize("extension", [".gif", ".png"])
def test_an_animation_is_read_from_its_first_frame_with_a_note(tmp_path, extension):
    """An animated GIF or PNG (APNG) was quantized from its first frame with no note."""
    g = np.random.default_rng(3)
    frames = [Image.fromarray(g.integers(0, 4, (6, 7, 3), dtype=np.uint8) * 80) for _ in range(3)]
    path = tmp_path / f"anim{extension}"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    I, notes = images.read_image(path)
    with Image.open(path) as image:
        first = np.asarray(image.convert("RGB"))
    np.testing.assert_array_equal(I, first)
    assert "3 frames: the first frame was used" in notes
    single = tmp_path / f"one{extension}"
    frames[0].save(single)
    assert not any("frames" in n for n in images.read_image(single)[1])
