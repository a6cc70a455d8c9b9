"""Heat equation: the explicit scheme computed through a sliding-window view.

u(i, n+1) = u(i, n) + F (u(i-1, n) - 2 u(i, n) + u(i+1, n))

Row n+1 of Z is computed from a (size-2, 3) strided view of row n, made by
``sliding_window`` (the exercise's own tool, built with ``as_strided``): each
window holds a cell and its two neighbours, and the stencil [+1, -2, +1]
weighs them. Time runs from top to bottom.

The course's diffusion.py does not run: it uses Z before defining it
(NameError); here Z comes from ``initial_state``.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def sliding_window(Z, size=3):
    """Return the read-only view of the 1-D array Z whose row i is Z[i:i + size], built with ``as_strided``.

    Exercise
    --------
    Write the tool the heat equation needs: for a 1-D array ``Z`` and a
    window ``size``, return a 2-D *view* of ``Z`` (no copy) of shape
    (len(Z) - size + 1, size) whose row ``i`` is ``Z[i:i + size]``, with
    ``numpy.lib.stride_tricks.as_strided``. Hint: one row starts one item
    after the previous one.

    Notes
    -----
    ``as_strided`` trusts its arguments: a shape or strides that reach past
    the end of Z's memory read whatever lies there (and a write through the
    view corrupts it), with no error. Here the shape comes from ``len(Z)``
    and ``size``, checked first, and both strides are Z's own (so a
    non-contiguous Z, such as ``Z[::2]``, works). The view is read-only:
    its windows overlap, so one element written would change ``size``
    windows at once. NumPy's ``sliding_window_view`` makes the same view
    with these checks built in (a window no larger than the array, a
    read-only result unless asked otherwise); the tests check that both
    give the same windows. Memory: none, whatever the size.
    """
    Z = np.asarray(Z)
    if Z.ndim != 1:
        raise ValueError(f"sliding_window: Z must be 1-D, got shape {Z.shape}")
    if not 1 <= size <= len(Z):
        raise ValueError(f"sliding_window: size must be in 1..{len(Z)}, got {size}")
    step = Z.strides[0]
    return as_strided(Z, shape=(len(Z) - size + 1, size), strides=(step, step), writeable=False)


def initial_state(steps, size, amplitude, period, offset, noise=0.0, rng=None):
    """Return Z, the (steps, size) float64 array whose first row holds the spikes.

    Z[0, offset::period] = amplitude; every other cell 0 (the course's
    solution: Z[0, 5::10] = 1.5), or, with ``noise`` > 0, drawn uniformly in
    [0, noise) from ``rng`` (the exercise's text: uniform in [0, 0.05), spikes of 1).
    """
    if steps < 1 or size < 3:
        raise ValueError(f"need steps >= 1 and size >= 3, got steps={steps}, size={size}")
    Z = rng.uniform(0.0, noise, (steps, size)) if noise > 0 else np.zeros((steps, size))
    Z[0, offset::period] = amplitude
    return Z


def diffuse(Z, F):
    """Fill rows 1.. of Z in place with the explicit scheme; return Z.

    Exercise
    --------
    ``Z`` is a float array of shape (steps, size) whose first row is the
    initial temperature. Fill each later row from the one above with
    u[i] + F (u[i-1] - 2 u[i] + u[i+1]) for every inner cell; the first and
    last cells of each later row stay as they are. Use a sliding-window view
    of the row above (windows of 3 cells, no copy) instead of a loop over cells.

    Return ``Z``, filled in place.

    Parameters
    ----------
    Z : ndarray of shape (steps, size)
        Row 0 is the initial condition; the two end cells of later rows stay
        as they are (0: Dirichlet boundary, as in the course).
    F : float
        Mesh Fourier number, stable for 0 < F <= 0.5.

    Notes
    -----
    ``sliding_window(Z[i-1], 3)`` is a view of shape (size-2, 3) whose
    strides are (8, 8): no copy of the row is made, the windows overlap in
    memory.
    """
    stencil = np.array([+1.0, -2.0, +1.0])
    for i in range(1, len(Z)):
        windows = sliding_window(Z[i - 1], 3)
        Z[i, 1:-1] = Z[i - 1, 1:-1] + F * (windows * stencil).sum(axis=1)
    return Z


def diffuse_python(Z, F):
    """The same scheme with a Python loop over every cell (slow, for comparison).

    Exercise
    --------
    The same heat equation as ``diffuse``, written with two plain loops: over
    the rows, then over the inner cells of each row. Return ``Z``, filled in
    place.
    """
    for i in range(1, len(Z)):
        for j in range(1, Z.shape[1] - 1):
            Z[i, j] = Z[i - 1, j] + F * (Z[i - 1, j - 1] - 2 * Z[i - 1, j] + Z[i - 1, j + 1])
    return Z


PAIRS = {"diffuse": ("diffuse_python", "diffuse")}  # the loop and the vectorised scheme, for `snakemake check`
# What the statements promise beyond the values (and the reference's type and dtype family), checked by `check`
PROMISES = {"sliding_window": {"view": "Z"}, "diffuse": {"in_place": "Z"}, "diffuse_python": {"in_place": "Z"}}
FIGURES = {"diffuse": "plot", "diffuse_python": "plot"}  # `snakemake check` draws a student's result with plot()


def cases(seed, config):
    """The calls `snakemake check` makes: the configured heat equation, then the smallest grids."""
    p = config["diffusion"]
    grids = [(initial_state(p["steps"], p["size"], p["amplitude"], p["period"], p["offset"]), p["F"]),
             (initial_state(1, 3, 1.0, 1, 1), 0.5), (initial_state(4, 3, 1.0, 2, 1), 0.25),
             (np.arange(24.0).reshape(3, 8), 0.1)]
    rows = [np.arange(10.0), np.arange(20)[::3], np.array([1.5, 2.5, 3.5]), np.arange(7, dtype=np.uint8)]
    windows = [(Z, size) for Z in rows for size in (3, 1, len(Z))]
    return ([(name, args) for name in ("diffuse", "diffuse_python") for args in grids]
            + [("sliding_window", args) for args in windows])


def plot(Z):
    """Return the course's figure of Z: time from top to bottom, values 0..1."""
    from coursekit.core import figure

    fig, ax = figure((6, 3))
    ax.imshow(Z, vmin=0, vmax=1, interpolation="nearest")
    fig.tight_layout()
    return fig


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, rng, save_figure, save_npy

    def main():
        p = snakemake.params.diffusion
        Z = initial_state(p["steps"], p["size"], p["amplitude"], p["period"], p["offset"], p["noise"],
                          rng(snakemake.params.seed, "diffusion"))
        diffuse(Z, p["F"])
        save_npy(snakemake.output.npy, Z)
        save_figure(plot(Z), snakemake.output.png)

    entry(snakemake, main)


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/diffusion.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
