"""Elementary cellular automata (Rule 30 and friends) through a sliding-window view.

A cell whose left, centre and right neighbours were l, c, r becomes bit
4l + 2c + r of the rule number (Wolfram's numbering, as on Wikipedia's Rule 30
page): Rule 30 = 0b00011110, so 111 -> 0, 110 -> 0, 101 -> 0, 100 -> 1,
011 -> 1, 010 -> 1, 001 -> 1, 000 -> 0.

The course's solution weighs the window with [1, 2, 4], i.e. l + 2c + 4r: the
neighbourhood read backwards, which draws the mirror image of each rule
(its Rule 30 is Wolfram's Rule 86). Here the window is weighed [4, 2, 1].
"""

import numpy as np

from diffusion import sliding_window  # the heat equation's tool: 'a slight modification of the previous exercise'


def rule_table(rule):
    """Return R, the uint8 array of the rule's 8 bits: R[k] is the new state for neighbourhood k.

    Exercise
    --------
    An elementary automaton's rule is a number from 0 to 255 whose 8 bits say
    what a cell becomes for each of the 8 neighbourhoods (left, centre,
    right). Return those bits as an integer array ``R`` of shape (8,), where
    ``R[k]`` is bit ``k`` of ``rule`` (Wolfram's numbering: neighbourhood
    l, c, r is number 4 l + 2 c + r).

    Examples
    --------
    >>> rule_table(30).tolist()
    [0, 1, 1, 1, 1, 0, 0, 0]
    """
    if not 0 <= rule <= 255:
        raise ValueError(f"rule must be in 0..255, got {rule}")
    return np.array([(rule >> k) & 1 for k in range(8)], dtype=np.uint8)


def initial_state(steps, width):
    """Return Z, a (steps, width) uint8 array of zeros but a single 1 at Z[0, width // 2]."""
    if steps < 1 or width < 3:
        raise ValueError(f"need steps >= 1 and width >= 3, got steps={steps}, width={width}")
    Z = np.zeros((steps, width), dtype=np.uint8)
    Z[0, width // 2] = 1
    return Z


def evolve(Z, rule):
    """Fill rows 1.. of Z in place, one row at a time; the two edge cells stay 0. Return Z.

    Exercise
    --------
    ``Z`` is an integer array of shape (steps, width) whose first row is the
    starting state (0s and 1s). Compute each later row from the one above, a
    whole row at a time (a sliding window of 3 cells, no loop over cells):
    the inner cell whose neighbourhood is l, c, r becomes ``R[4 l + 2 c + r]``
    with ``R = rule_table(rule)``; the first and last cells stay 0.

    Return ``Z``, filled in place.
    """
    R = rule_table(rule)
    weights = np.array([4, 2, 1])  # left, centre, right
    for i in range(1, len(Z)):
        N = sliding_window(Z[i - 1], 3) @ weights  # neighbourhood number 0..7 of each inner cell
        Z[i, 1:-1] = R[N]
    return Z


def evolve_python(Z, rule):
    """The same automaton with a Python loop over every cell (slow, for comparison).

    Exercise
    --------
    The same automaton as ``evolve``, one cell at a time with plain loops.
    Return ``Z``, filled in place.
    """
    for i in range(1, len(Z)):
        for j in range(1, Z.shape[1] - 1):
            l, c, r = Z[i - 1, j - 1], Z[i - 1, j], Z[i - 1, j + 1]
            Z[i, j] = (rule >> (4 * l + 2 * c + r)) & 1
    return Z


PAIRS = {"evolve": ("evolve_python", "evolve")}  # the loop and the row-at-a-time automaton, for `snakemake check`
PROMISES = {"evolve": {"in_place": "Z"}, "evolve_python": {"in_place": "Z"}}  # Z filled in place, checked by `check`
FIGURES = {"evolve": "plot", "evolve_python": "plot"}  # `snakemake check` draws a student's result with plot()


def cases(seed, config):
    """The calls `snakemake check` makes: each configured rule at the configured size, then all 256 rules small."""
    p = config["automata"]
    rules = list(config["automata"]["rules"])
    calls = [("rule_table", (rule,)) for rule in rules + [r for r in range(256) if r not in rules]]
    for name in ("evolve", "evolve_python"):
        calls += [(name, (initial_state(p["steps"], p["width"]), rule)) for rule in rules]
        calls += [(name, (initial_state(6, 9), rule)) for rule in range(256)]
        calls += [(name, (initial_state(1, 3), 30))]
    return calls


def plot(Z):
    """Return the course's figure of Z: black cells are 1, time from top to bottom."""
    from coursekit.core import figure

    fig, ax = figure((6, 3))
    ax.imshow(Z, vmin=0, vmax=1, cmap="gray_r", interpolation="nearest")
    fig.tight_layout()
    return fig


def gallery(automata):
    """Return one figure with every automaton as a small thumbnail in a grid, labelled with its rule.

    Parameters
    ----------
    automata : dict of int to ndarray
        Rule number -> its (steps, width) array, drawn in this order.
    """
    import math

    from coursekit.core import figure

    columns = min(len(automata), 8)  # thumbnails of 2.4 x 1.6 inches (240 x 160 pixels), titles of 11 points
    rows = math.ceil(len(automata) / columns)
    fig, _ = figure((2.4 * columns, 1.8 * rows + 0.2))
    fig.clear()
    for i, (rule, Z) in enumerate(automata.items()):
        ax = fig.add_subplot(rows, columns, i + 1, frameon=False)
        ax.imshow(Z, vmin=0, vmax=1, cmap="gray_r", interpolation="nearest", aspect="auto")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"Rule {rule}", fontsize=11, pad=3)
    fig.tight_layout(pad=0.3)
    return fig


if __name__ == "__main__" and "snakemake" in globals():
    import numpy as np

    from coursekit.core import entry, save_figure, save_npy

    def simulate():
        p = snakemake.params.automata
        Z = evolve(initial_state(p["steps"], p["width"]), int(snakemake.wildcards.rule))
        save_npy(snakemake.output.npy, Z)
        save_figure(plot(Z), snakemake.output.png)

    def draw_gallery():
        automata = {rule: np.load(path, allow_pickle=False) for rule, path in zip(snakemake.params.rules, snakemake.input.npy)}
        save_figure(gallery(automata), snakemake.output.png, dpi=100)

    entry(snakemake, draw_gallery if snakemake.rule == "draw_automata_gallery" else simulate)


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/automata.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
