"""Heat equation: the explicit scheme computed through a sliding-window view.

u(i, n+1) = u(i, n) + F (u(i-1, n) - 2 u(i, n) + u(i+1, n))

Row n+1 of Z is computed from a (size-2, 3) strided view of row n: each
window holds a cell and its two neighbours, and the stencil [+1, -2, +1]
weighs them. Time runs from top to bottom.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def initial_state(steps, size, amplitude, period, offset):
    """Return Z, the (steps, size) float64 array whose first row holds the spikes.

    Z[0, offset::period] = amplitude, everything else 0 (course: Z[0, 5::10] = 1.5).
    """
    if steps < 1 or size < 3:
        raise ValueError(f"need steps >= 1 and size >= 3, got steps={steps}, size={size}")
    Z = np.zeros((steps, size))
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
    ``sliding_window_view(Z[i-1], 3)`` is a view of shape (size-2, 3) whose
    strides are (8, 8): no copy of the row is made, the windows overlap in
    memory.
    """
    stencil = np.array([+1.0, -2.0, +1.0])
    for i in range(1, len(Z)):
        windows = sliding_window_view(Z[i - 1], 3)
        Z[i, 1:-1] = Z[i - 1, 1:-1] + F * (windows * stencil).sum(axis=1)
    return Z


def diffuse_python(Z, F):
    """The same scheme with a Python loop over every cell (slow, for comparison).

    Exercise
    --------
    The same heat equation as ``diffuse``, written with two plain loops: over
    the rows, then over the inner cells of each row. Return ``Z``.
    """
    for i in range(1, len(Z)):
        for j in range(1, Z.shape[1] - 1):
            Z[i, j] = Z[i - 1, j] + F * (Z[i - 1, j - 1] - 2 * Z[i - 1, j] + Z[i - 1, j + 1])
    return Z


PAIRS = {"diffuse": ("diffuse_python", "diffuse")}  # the loop and the vectorised scheme, for `snakemake check`
FIGURES = {"diffuse": "plot", "diffuse_python": "plot"}  # `snakemake check` draws a student's result with plot()


def cases(seed, config):
    """The calls `snakemake check` makes: the configured heat equation, then the smallest grids."""
    p = config["diffusion"]
    grids = [(initial_state(p["steps"], p["size"], p["amplitude"], p["period"], p["offset"]), p["F"]),
             (initial_state(1, 3, 1.0, 1, 1), 0.5), (initial_state(4, 3, 1.0, 2, 1), 0.25),
             (np.arange(24.0).reshape(3, 8), 0.1)]
    return [(name, args) for name in ("diffuse", "diffuse_python") for args in grids]


def plot(Z):
    """Return the course's figure of Z: time from top to bottom, values 0..1."""
    from pipeline import figure

    fig, ax = figure((6, 3))
    ax.imshow(Z, vmin=0, vmax=1, interpolation="nearest")
    fig.tight_layout()
    return fig


if __name__ == "__main__" and "snakemake" in globals():
    from pipeline import entry, save_figure, save_npy

    def main():
        p = snakemake.params.diffusion
        Z = initial_state(p["steps"], p["size"], p["amplitude"], p["period"], p["offset"])
        diffuse(Z, p["F"])
        save_npy(snakemake.output.npy, Z)
        save_figure(plot(Z), snakemake.output.png)

    entry(snakemake, main)


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/diffusion.py
    from exercises import run_directly

    run_directly(__file__)
