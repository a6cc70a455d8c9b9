"""The quantize command: ``python workflow/scripts/quantize.py INPUT OUTPUT [--colors N] [--method M] ...``.

Reads an image, quantizes it with the course's methods (quantize.py; the fast
engine for k-means and the most frequent colours), writes an indexed PNG and,
if asked, the palette. The pipeline's quantize jobs run :func:`run` too.
What makes the command fast is here and in the engine, not in the course's
script: one BLAS thread and no huge pages (:func:`before_numpy`), the image
decoded on a thread while the rest starts (:func:`in_background`), and the
interpreter's last garbage collections skipped (``gc.freeze``).
"""

import os

from coursekit import use_course

__all__ = ["before_numpy", "run", "check_paths", "defaults", "in_background", "main"]


def before_numpy():
    """The command's process settings, before NumPy loads its BLAS (the course's script calls this first)."""
    # The k-means' matrix products are small (at most 16384 x 4 by 4 x k), and OpenBLAS's own threads only slow
    # them down and take the second core from the engine's threads (docs/performance.md).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    # NumPy asks Linux for 2 MB pages for arrays of 4 MB or more; once the k-means has forked its child
    # (engine.forked), writing to such a page that the child shares copies all 2 MB of it
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")


def run(source, output, n, method, steps, rng, palette_path=None, palette_png=None, read=None):
    """Read ``source``, quantize it, write ``output`` (PNG) and optionally the palette (.npy, and drawn as a PNG).

    ``read``, if given, returns what ``images.read_image(source)`` does (the command starts it early).
    """
    from coursekit.core import log, save_npy
    from coursekit.quantizer.engine import colour_counts, indexed, keep_freed_memory, kmeans_indexed, lookup, mse
    from coursekit.quantizer.images import read_image, write_indexed_png

    use_course()
    from quantize import plot_palette, quantize

    keep_freed_memory()
    I, notes = read() if read is not None else read_image(source)
    for note in notes:
        log.info("note: %s: %s", source, note)
    if method == "kmeans":  # straight to each pixel's palette entry, without the RGB image in between
        present, counts = colour_counts(I)
        palette, labels, error = kmeans_indexed(present, counts, n, steps, rng)
        index = lookup(I, present, labels)
    else:
        present, counts = colours = colour_counts(I)
        Q, palette = quantize(I, n, method, steps, rng, colours)
        index, error = indexed(Q, palette), mse(I, Q)
    if len(present) < n:
        log.info("note: %s has %d distinct colours, fewer than the %d asked for", source, len(present), n)
    log.info("%s: %dx%d, %d colours -> %d (%s), mean squared error %.2f",
             source, I.shape[1], I.shape[0], len(present), len(palette), method, error)
    write_indexed_png(output, index, palette)
    if palette_path is not None:
        save_npy(palette_path, palette)
    if palette_png is not None:
        from coursekit.core import save_figure

        save_figure(plot_palette(palette), palette_png, dpi=100)


def check_paths(source, output, palette=None):
    """Refuse, before any work, an output that would destroy the input or the other output.

    Raises
    ------
    coursekit.core.InputError
        If ``output`` (or ``palette``) is an existing folder, device, FIFO or
        socket, is the input file itself (same file, also through a link), or
        if ``palette`` and ``output`` are the same path.
    """
    from pathlib import Path

    from coursekit.core import InputError, check_output

    def same(a, b):
        a, b = Path(a), Path(b)
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return os.path.realpath(a) == os.path.realpath(b)

    for name, path in (("OUTPUT", output), ("--palette", palette)):
        if path is None:
            continue
        if Path(path).is_dir():
            raise InputError(f"{path}: is a folder; {name} must be the path of a file to write")
        if same(path, source):
            raise InputError(f"{path}: is the input image itself; {name} must be another file (nothing was written)")
        check_output(path)  # a device, a FIFO or a socket is never replaced
    if palette is not None and same(palette, output):
        raise InputError(f"{palette}: --palette is the same file as OUTPUT; give it its own name, such as "
                         f"{Path(output).with_suffix('.npy')}")


def defaults():
    """The quantize and seed defaults of the checkout's config.yaml."""
    from coursekit import CHECKOUT
    from coursekit.config import load_yaml

    config = load_yaml((CHECKOUT / "config.yaml").read_text(encoding="utf-8"))
    return {"colors": config["quantize"]["colors"][0], "steps": config["quantize"]["steps"], "seed": config["seed"]}


def in_background(function, *args):
    """Start ``function(*args)`` on a thread; return a function that waits for it and returns (or raises) its result.

    The thread ends with the call: nothing is left running (the k-means forks
    only a process with one thread, quantize_engine.forked).
    """
    import threading

    outcome = {}

    def target():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed to the caller, raised there
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()

    def result():
        thread.join()
        if "error" in outcome:
            raise outcome.pop("error")
        return outcome["value"]

    return result


def main(argv=None):
    """The command-line tool: see the module docstring."""
    import argparse
    import logging
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(description="Quantize the colours of an image (writes an indexed PNG).")
    parser.add_argument("input", help="image to read (any format imageio reads)")
    parser.add_argument("output", help="PNG to write (indexed: the palette, and each pixel's entry in it)")
    parser.add_argument("--colors", type=int, help="palette size (default: the first of quantize.colors in config.yaml)")
    parser.add_argument("--steps", type=int, help="k-means steps (default: quantize.steps in config.yaml)")
    parser.add_argument("--seed", type=int, help="random seed (default: seed in config.yaml)")
    parser.add_argument("--method", choices=("kmeans", "frequent", "published"), default="kmeans",
                        help="k-means, the n most frequent colours, or the course's published (buggy) naive method")
    parser.add_argument("--palette", help="also save the palette as .npy here")
    args = parser.parse_args(argv)
    from coursekit.quantizer.images import read_image

    use_course()
    from quantize import MAX_COLORS

    # decoding a photo takes a tenth of a second, without the GIL: the rest of the start runs meanwhile
    image = in_background(read_image, args.input)
    from coursekit.core import InputError, rng

    for key, value in defaults().items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if not 1 <= args.colors <= MAX_COLORS or args.steps < 1 or args.seed < 0:
        sys.exit(f"error: --colors must be in 1..{MAX_COLORS} (what an indexed PNG holds), --steps at least 1, "
                 "--seed at least 0")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        check_paths(args.input, args.output, args.palette)
        # the same stream as the pipeline's for an image named after the file: same seed, same result
        stream = rng(args.seed, "quantize", Path(args.input).stem, str(args.colors))
        run(args.input, args.output, args.colors, args.method, args.steps, stream, args.palette, read=image)
    except InputError as error:
        sys.exit(f"error: {error}")
    # the interpreter's last garbage collections would walk every object still alive, about 20 ms of a 0.6 s
    # command (measured on rocket): frozen objects are left out of them
    import gc

    gc.freeze()
