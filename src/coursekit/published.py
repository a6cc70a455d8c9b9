"""Our default artefacts beside the figures the course published (data/course/): measured, and explained.

``snakemake --cores all course`` (and ``all``, where the config makes the
default artefacts it needs) writes ``results/course/compare.csv`` (figure,
check, measured, status, why) and ``compare.md``. A published figure is
an image, not an array: each check first reads the course's numbers back
out of it (the heat equation through its colour map, the perceptron's line
from its black pixels), or compares pixels where only pixels can be compared.
Statuses: ``same`` (within the tolerance stated in the check), ``explained``
(a known difference, said in one line), ``differs`` (neither: worth a look).
"""

import io

import numpy as np

JPEG_RMS = 12.0  # 0..255 scale: ours through the published JPEG's own tables, against the published JPEG
VIRIDIS_STEP = 1 / 255  # the colour map's resolution: a decoded value is good to about one step


def rms(a, b):
    return float(np.sqrt(np.mean((np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) ** 2)))


def rgb(image):
    """An image as float RGB on white (an alpha channel composited, grey repeated)."""
    A = np.asarray(image)
    A = A.astype(np.float64) * (255 if A.dtype == bool else 1)  # a 1-bit PNG reads as booleans
    if A.ndim == 2:
        A = np.repeat(A[:, :, None], 3, axis=2)
    if A.shape[2] == 4:
        alpha = A[:, :, 3:] / 255
        A = A[:, :, :3] * alpha + 255 * (1 - alpha)
    return A[:, :, :3]


def decode_colormap(image, rows, columns, cmap="viridis"):
    """Read the values back out of an imshow figure that fills ``image``: the colour map entry nearest each cell.

    Returns (values in 0..1, worst colour distance of a cell to its map entry).
    """
    import matplotlib

    lut = matplotlib.colormaps[cmap](np.linspace(0, 1, 256))[:, :3] * 255
    A = rgb(image)
    height, width = A.shape[:2]
    ys = ((np.arange(rows) + 0.5) * height / rows).astype(int)
    xs = ((np.arange(columns) + 0.5) * width / columns).astype(int)
    cells = A[ys][:, xs].reshape(-1, 3)
    distances = ((cells[:, None, :] - lut[None, :, :]) ** 2).sum(axis=-1)
    index = distances.argmin(axis=1)
    return (index / 255).reshape(rows, columns), float(np.sqrt(distances.min(axis=1).max()))


def compare_diffusion(ours, course_png):
    """The course's heat equation decoded through viridis, against ours clipped to the figure's 0..1."""
    import imageio.v3 as iio

    values, fit = decode_colormap(iio.imread(course_png), *ours.shape)
    worst = float(np.abs(values - np.clip(ours, 0, 1)).max())
    ok = worst <= 2 * VIRIDIS_STEP + 1e-9
    return ("heat equation", f"values read back through viridis (cells {ours.shape[0]} x {ours.shape[1]}), against "
            f"ours clipped to 0..1; tolerance 2/255", f"max difference {worst:.4f} (colour fit {fit:.2f})",
            "same" if ok else "differs", "" if ok else "the published figure's values differ from ours")


def agreement(cells, picture, first_row):
    """Pixel agreement of the 0/1 array ``cells``, resampled to ``picture``'s size, with ``picture`` (0/1)."""
    height, width = picture.shape
    rows = cells.shape[0] - first_row
    ys = first_row + np.floor((np.arange(height) + 0.5) * rows / height).astype(int)
    xs = np.floor((np.arange(width) + 0.5) * cells.shape[1] / width).astype(int)
    return float((cells[ys][:, xs] == picture).mean())


def compare_automaton(Z, course_png):
    """Rule 30 against the course's figure: ours, and ours mirrored, resampled to its pixels."""
    import imageio.v3 as iio

    picture = (rgb(iio.imread(course_png))[:, :, 0] < 128).astype(np.uint8)  # black = 1
    straight = max(agreement(Z, picture, first) for first in (0, 1))
    mirrored = max(agreement(Z[:, ::-1], picture, first) for first in (0, 1))
    explained = mirrored > straight + 0.1
    return ("Rule 30", "black pixels of the course's figure against ours resampled to its 526 x 262 pixels, "
            "straight and mirrored", f"agreement {100 * mirrored:.1f}% mirrored, {100 * straight:.1f}% straight",
            "explained" if explained else "differs",
            "the course weighs each neighbourhood l + 2c + 4r, backwards: its figure is Rule 86, Rule 30's mirror "
            "image. Not cell by cell: the published PNG is resampled (501 cells on 526 pixels) and starts at row 1"
            if explained else "the course's figure matches neither ours nor its mirror image")


def outline(image, size=500):
    """The dark pixels of a line drawing, cropped to their bounding box and resampled to size x size (booleans)."""
    dark = rgb(image).max(axis=2) < 128
    ys, xs = np.nonzero(dark)
    crop = dark[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    rows = (np.arange(size) * crop.shape[0] / size).astype(int)
    columns = (np.arange(size) * crop.shape[1] / size).astype(int)
    return crop[rows][:, columns]


def compare_drawing(name, ours_png, course_png, tolerance):
    """Two line drawings of the same shapes at other scales: how far the course's lines lie from ours.

    Each drawing is cropped to its own bounding box (margins and figure sizes differ between matplotlib
    versions), then the mean distance from each dark pixel of the course's to the nearest of ours is
    measured, as a fraction of the drawing's width.
    """
    import imageio.v3 as iio
    from scipy import ndimage

    size = 500
    ours, theirs = outline(iio.imread(ours_png), size), outline(iio.imread(course_png), size)
    distance = ndimage.distance_transform_edt(~ours)[theirs].mean() / size
    ok = distance <= tolerance
    return (name, f"lines of the course's figure against ours, both cropped to their drawing; mean distance to our "
            f"nearest line, as a fraction of the width; same at most {tolerance:.2%}",
            f"mean distance {distance:.2%} of the width", "same" if ok else "differs",
            "" if ok else "the course's squares are not where ours are")


def through_jpeg(Q, published):
    """Ours saved with the published JPEG's own quantization tables and subsampling, then decoded."""
    from PIL import Image, JpegImagePlugin

    with Image.open(published) as source:
        tables, sampling = source.quantization, JpegImagePlugin.get_sampling(source)
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(Q, dtype=np.uint8)).save(buffer, "JPEG", qtables=tables, subsampling=sampling)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return np.asarray(decoded.convert("RGB"))


def compare_kitten(name, ours_png, published_jpg, why):
    """One of our kitten quantizations against the course's JPEG, within JPEG noise."""
    import imageio.v3 as iio

    ours = iio.imread(ours_png)
    from PIL import Image

    with Image.open(published_jpg) as image:
        published = np.asarray(image.convert("RGB"))
    value = rms(through_jpeg(ours, published_jpg), published)
    ok = value <= JPEG_RMS
    return (name, f"pixels against the course's JPEG, ours passed through the same JPEG tables; RMS on 0..255, same "
            f"at most {JPEG_RMS:g} (JPEG noise)", f"RMS {value:.2f}", "same" if ok else "explained",
            "" if ok else why)


def line_of(frame):
    """The decision line drawn in black on a 600 x 600 frame of the unit square: (slope, intercept) in data units."""
    A = rgb(frame)
    dark = (A.max(axis=2) < 80) & (np.ptp(A, axis=2) < 40)  # black, not the red stars or the blue discs
    ys, xs = np.nonzero(dark)
    height, width = dark.shape
    x, y = (xs + 0.5) / width, 1 - (ys + 0.5) / height
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def compare_perceptron(ours_mp4, course_mp4):
    """The last frames' decision lines: the course's and ours, against the true boundary x + y = 1."""
    import imageio.v3 as iio

    def last_frame(path):
        for frame in iio.imiter(path, plugin="FFMPEG"):
            last = frame
        return last

    theirs, mine = line_of(last_frame(course_mp4)), line_of(last_frame(ours_mp4))
    x = np.linspace(0, 1, 101)
    gap = float(np.abs((theirs[0] - mine[0]) * x + theirs[1] - mine[1]).max())
    return ("perceptron", "decision line of the last frame, read from its black pixels (y = a x + b)",
            f"course y = {theirs[0]:.2f} x + {theirs[1]:.2f}; ours y = {mine[0]:.2f} x + {mine[1]:.2f}; "
            f"largest vertical gap on 0..1: {gap:.3f}",
            "explained", "both lines separate the two classes of x + y = 1; the points differ (the course's were drawn "
            "unseeded), so the lines cannot be equal")


def compare_all(paths):
    """Every check, as rows (figure, check, measured, status, why)."""
    return [
        compare_diffusion(np.load(paths["diffusion"], allow_pickle=False), paths["course_diffusion"]),
        compare_automaton(np.load(paths["rule_30"], allow_pickle=False), paths["course_automata"]),
        compare_drawing("geometry", paths["geometry"], paths["course_geometry"], 0.0025),
        compare_kitten("kitten, naive as published", paths["published"], paths["course_dithered"],
                       "the course read the JPEG with another decoder: other pixel values, so other pixels at its "
                       "ranks"),
        compare_kitten("kitten, naive as intended", paths["frequent"], paths["course_dithered"],
                       "the course's naive method has a bug (it takes the pixels at the colours' ranks, not the "
                       "colours): its green kitten is the bug's; as intended, the method gives a grey-beige kitten"),
        compare_kitten("kitten, k-means", paths["kmeans"], paths["course_quantized"],
                       "k-means from another random start (the course's was unseeded): another local optimum"),
        compare_perceptron(paths["perceptron"], paths["course_perceptron"]),
    ]


def table(rows):
    """compare.md: one line per check, and the explanation of each known difference."""
    lines = ["# Our artefacts beside the course's published figures\n",
             f"{sum(r[3] == 'same' for r in rows)} same, {sum(r[3] == 'explained' for r in rows)} explained, "
             f"{sum(r[3] == 'differs' for r in rows)} differ. The course's files are in `data/course/` "
             "(MIT licence, N. P. Rougier 2018).\n",
             "| figure | check | measured | status |", "|---|---|---|---|"]
    def cell(text):
        return text.replace("|", "\\|")

    lines += [f"| {cell(f)} | {cell(c)} | {cell(m)} | {s if s != 'differs' else '**differs**'} |" for f, c, m, s, _ in rows]
    lines += ["", "Why each known difference:", ""]
    lines += [f"- **{f}**: {why}." for f, _, _, s, why in rows if why]
    return "\n".join(lines) + "\n"


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, log, save_csv, save_text

    def main():
        rows = compare_all(dict(snakemake.input.items()))
        for figure, _, measured, status, _ in rows:
            log.info("%-28s %-9s %s", figure, status, measured)
        save_csv(snakemake.output.csv, [{"figure": f, "check": c, "measured": m, "status": s, "why": why}
                                        for f, c, m, s, why in rows])
        save_text(snakemake.output.md, table(rows))

    entry(snakemake, main)
