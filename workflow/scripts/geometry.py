"""Advanced: a structured array of squares, each scaled, translated then rotated.

S holds, for each square, its four corners and its own transformation; P
holds the transformed corners. The course's double loop is kept next to a
vectorised version that builds every rotation matrix at once and applies
them all with one einsum.
"""

import numpy as np

# The course writes ("scale", float, 1): a scalar field in NumPy 1.x, a field of shape (1,) in NumPy 2.x, where
# S["scale"] is then (n, 1) and scaling the (n, 4, 2) corners fails to broadcast. Here the scalars have no shape.
DTYPE = np.dtype([("points", float, (4, 2)), ("scale", float), ("translate", float, (2,)), ("rotate", float)])
CORNERS = [(-1, -1), (-1, +1), (+1, +1), (+1, -1)]


def squares(n, scale, translate):
    """Return S, n squares with the same scale and translation and angles spread over a full turn.

    Exercise
    --------
    Design one structured array ``S`` that holds, for each of ``n`` squares,
    its four corners (-1, -1), (-1, +1), (+1, +1), (+1, -1) as ``points``
    (shape (4, 2)), its ``scale`` and ``translate`` (x, y), and its
    ``rotate`` angle in radians: the angles spread evenly over a full turn,
    starting at 0 and not coming back to it.

    Return ``S``, of shape (n,), with fields named points, scale, translate, rotate.

    Notes
    -----
    The angles are ``np.linspace(0, 2*pi, n, endpoint=False)``: the last square
    does not land back on the first.
    """
    if n < 1:
        raise ValueError(f"need at least one square, got {n}")
    S = np.zeros(n, dtype=DTYPE)
    S["points"] = CORNERS
    S["scale"] = scale
    S["translate"] = translate
    S["rotate"] = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return S


def transform_loop(S):
    """Return P of shape (len(S), 4, 2): the course's double loop, one corner at a time.

    Exercise
    --------
    Transform every corner of every square of ``S``: scale it, then
    translate it, then rotate it about the origin by the square's angle.
    Write it with plain loops over the squares and their corners.

    Return ``P``, float array of shape (len(S), 4, 2): the transformed corners.
    """
    P = np.zeros((len(S), 4, 2))
    for i in range(len(S)):
        for j in range(4):
            x, y = S[i]["points"][j]
            tx, ty = S[i]["translate"]
            scale, theta = S[i]["scale"], S[i]["rotate"]
            x, y = tx + x * scale, ty + y * scale
            P[i, j] = x * np.cos(theta) - y * np.sin(theta), x * np.sin(theta) + y * np.cos(theta)
    return P


def transform(S):
    """Return P of shape (len(S), 4, 2) without a Python loop.

    Exercise
    --------
    The same transformation as ``transform_loop``, without a Python loop:
    broadcast the scale and translation over the corners, build all the
    rotation matrices at once, and apply them (``np.einsum`` does it in one call).

    Return ``P``, float array of shape (len(S), 4, 2).

    Notes
    -----
    Scale and translate broadcast over the corners; R has shape (n, 2, 2),
    one rotation matrix per square, and ``einsum('nij,nkj->nki')`` applies
    R[n] to each of the four corners k of square n.
    """
    Q = S["points"] * S["scale"][:, None, None] + S["translate"][:, None, :]
    c, s = np.cos(S["rotate"]), np.sin(S["rotate"])
    R = np.stack([np.stack([c, -s], axis=-1), np.stack([s, c], axis=-1)], axis=1)
    return np.einsum("nij,nkj->nki", R, Q)


PAIRS = {"transform": ("transform_loop", "transform")}  # the loop and the einsum, for `snakemake check`
FIGURES = {"transform": "plot", "transform_loop": "plot"}  # `snakemake check` draws a student's result with plot()


def cases(seed, config):
    """The calls `snakemake check` makes: the configured squares, then one square, and unusual scales."""
    g = config["geometry"]
    sets = [(g["squares"], g["scale"], tuple(g["translate"])), (1, 1.0, (0.0, 0.0)), (7, 2.5, (-1.0, 3.0))]
    return ([("squares", args) for args in sets]
            + [(name, (squares(*args),)) for name in ("transform", "transform_loop") for args in sets])


def plot(P):
    """Return the course's figure: each square drawn as a closed black outline."""
    from coursekit.core import figure

    fig, ax = figure((6, 6))
    closed = np.concatenate([P, P[:, :1]], axis=1)  # back to the first corner
    for square in closed:
        ax.plot(square[:, 0], square[:, 1], color="black")
    ax.set_aspect("equal")
    fig.tight_layout()
    return fig


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, save_figure, save_npy

    def main():
        p = snakemake.params.geometry
        P = transform(squares(p["squares"], p["scale"], p["translate"]))
        save_npy(snakemake.output.npy, P)
        save_figure(plot(P), snakemake.output.png)

    entry(snakemake, main)


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/geometry.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
