"""Warmup answers: every question of the chapter answered by running code, written as Markdown.

Each section calls the exercise's own module (basic_manipulation, nan_arithmetics,
strides, repeat, reorder, records, automata), so the text can never drift from
what the code does.
"""

import numpy as np

import automata
import basic_manipulation
import nan_arithmetics
import records
import reorder
import repeat
import strides


def block(text):
    return f"```\n{text}\n```\n"


def show(Z):
    return np.array2string(np.asarray(Z), max_line_width=100, threshold=200)


def basics():
    out = ["## Basic manipulation\n"]
    for question, code, make in basic_manipulation.ANSWERS:
        out.append(f"**{question}**: `{code}`\n\n{block(show(make()))}")
    return "\n".join(out)


def nan():
    out = ["## NaN arithmetics\n", "| expression | value | why |", "|---|---|---|"]
    out += [f"| `{expr}` | `{value}` | {why} |" for expr, value, why in nan_arithmetics.evaluate()]
    out.append(f"\n0.1 really is {nan_arithmetics.exact_decimal(0.1)}.\n")
    return "\n".join(out)


def strides_section():
    out = ["## Computing strides\n",
           "`strides(Z)` starts from the item size and multiplies by each axis length, from the last "
           "axis in C order, from the first in Fortran order. `strides_of_view(Z)` measures them instead, "
           "from the addresses of Z's first element and of its neighbour along each axis: it works on views.\n",
           "| array | numpy `Z.strides` | `strides(Z)` | agree | `strides_of_view(Z)` | agree |",
           "|---|---|---|---|---|---|"]
    base = np.arange(24)
    cases = [("np.arange(24).reshape((2,3,4), order='C')", base.reshape((2, 3, 4), order="C")),
             ("np.arange(24).reshape((2,3,4), order='F')", base.reshape((2, 3, 4), order="F")),
             ("(the F array above)[::2]", base.reshape((2, 3, 4), order="F")[::2]),
             ("np.arange(24).reshape(2,3,4)[:, ::2]", base.reshape(2, 3, 4)[:, ::2])]
    for name, Z in cases:
        mine, measured = strides.strides(Z), strides.strides_of_view(Z)
        same = all(m is None or m == s for m, s in zip(measured, Z.strides))
        shown_measured = "(" + ", ".join("-" if m is None else str(m) for m in measured) + ")"
        out.append(f"| `{name}` | {Z.strides} | {mine} | {'yes' if mine == Z.strides else '**no**'} | "
                   f"{shown_measured} | {'yes' if same else '**no**'} |")
    view = base.reshape((2, 3, 4), order="F")[::2]
    out.append(f"\nFor the two views, `strides()` gives the strides of a contiguous array of the view's shape, not "
               f"the view's: the course's own Fortran `Z[::2]` gets {strides.strides(view)} where the view has "
               f"{view.strides} (a view that is neither C- nor Fortran-contiguous is computed as C). "
               "`strides_of_view` reads them from memory addresses ('-' for an axis of length 1, whose stride "
               "never moves anything).\n")
    return "\n".join(out)


def repeat_section():
    Z = np.zeros(5)
    Z1, Z2 = repeat.tiled(Z), repeat.strided(Z)
    shares = np.shares_memory(Z2, Z)
    rows = [("`Z`", Z), ("`Z1 = np.tile(Z, (3, 1))`", Z1), ("`Z2 = as_strided(Z, (3,)+Z.shape, (0,)+Z.strides)`", Z2)]
    out = ["## Repeat and repeat\n",
           "| | shape | strides | `nbytes` (what it claims) | bytes of memory behind it | that memory is Z's |",
           "|---|---|---|---|---|---|"]
    out += [f"| {name} | {A.shape} | {A.strides} | {A.nbytes} | {repeat.owner(A).nbytes} | "
            f"{'yes' if repeat.owner(A) is Z else 'no'} |" for name, A in rows]
    out.append("")
    out.append("`Z1[0, 0] = 1` changes one element of a real copy:\n")
    out.append(block(show(repeat.write_first(Z1))))
    out.append("`Z2[0, 0] = 1` writes Z[0], which every row of the view is:\n")
    out.append(block(show(repeat.write_first(Z2))))
    out.append(f"and Z itself is now {show(Z)}. The fake repeat costs no memory, but it is not "
               "an independent array: a write to one row is a write to all of them (and to Z).\n")
    return "\n".join(out)


def reorder_section():
    by_numpy = reorder.element_numpy(reorder.L)
    by_struct = reorder.element_struct(reorder.L)
    G = reorder.course_generator()
    c_dump, f_dump = reorder.dump(G, "C"), reorder.dump(G, "F")
    matches = "the C-order dump" if c_dump == reorder.L else "the F-order dump" if f_dump == reorder.L else "neither"
    out = ["## Reordering things\n",
           f"Element [1, 0, 0], reading the dump as a big-endian, Fortran-ordered 2x2x2 int64 array:\n",
           f"- with NumPy (`np.array(L, np.ubyte).view('>i8').reshape((2,2,2), order='F')[1,0,0]`): **{by_numpy}**",
           f"- with `struct` alone (Fortran strides (8, 16, 32), bytes L[8:16] unpacked as `>q`): **{by_struct}**\n",
           f"The course's comment says the dump was made by `np.reshape(range(1001, 1009), (2,2,2), order='F')"
           f".ravel().astype('>i8').view(np.ubyte)`. That array has Z[1, 0, 0] = {int(G[1, 0, 0])}, and its dump "
           f"matches the course's list: it is {matches}. `ravel()` lists elements in C order by default, "
           f"so the bytes are written in C order although the text calls them Fortran ordered. Read back in "
           f"Fortran order, as the exercise asks, position [1, 0, 0] is the second item, {by_numpy}; "
           f"a real Fortran-ordered dump (`ravel(order='F')`) would put {reorder.element_numpy(f_dump)} there.\n"]
    return "\n".join(out)


def io_section(data_path, npz_path):
    data = records.load(data_path)
    saved = records.load_npz(npz_path)
    same = (saved["data"].dtype == data.dtype and np.array_equal(saved["data"], data)
            and np.array_equal(saved["sorted"], records.sort_by_frequency(data)))
    long_word = max(data["lemma"], key=len)
    cut = np.array(["dispersion"], dtype="S8")[0].decode()
    out = ["## Input / Output\n",
           f"dtype: `{data.dtype}`\n",
           f"Words only: {', '.join(data['lemma'])}\n",
           (f"The 3rd row: `{data[2]}`\n" if len(data) >= 3 else
            f"The 3rd row: there is none, the table has {len(data)} row{'s' * (len(data) > 1)}.\n"),
           f"Words with rank < 30: {', '.join(data[data['rank'] < 30]['lemma'])}\n",
           "Sorted by frequency:\n", block(show(records.sort_by_frequency(data))),
           f"**Do you get back what you put in?** {'Yes' if same else 'No'}: `np.load(..., allow_pickle=False)` "
           f"gives arrays equal to the saved ones, with the same structured dtype. A .npz is a zip of .npy files, "
           "and each .npy stores the dtype description, the shape and the order in its header followed by the raw "
           "bytes, so nothing is converted on the way. What is lost is lost before saving: the course's `S8` "
           f"lemma would cut the header's 10-letter words ('dispersion' becomes '{cut}'); here lemmas are `U10` "
           f"(the longest in this table: '{long_word}').\n"]
    return "\n".join(out)


def automata_note():
    R = automata.rule_table(30)
    Z = automata.evolve(automata.initial_state(3, 7), 30)
    rows = ["".join(map(str, row)) for row in Z]
    mirrored = sum(int(R[k]) << int(f"{k:03b}"[::-1], 2) for k in range(8))
    return ("## Rule 30\n\n"
            f"Wolfram's numbering: a cell with neighbours l, c, r becomes bit 4l + 2c + r of the rule. "
            f"Rule 30's bits R = {R.tolist()}; the first rows around the centre read:\n\n"
            + block("\n".join(rows)) +
            f"\nThe course's solution weighs the window [1, 2, 4] (l + 2c + 4r), which reads each neighbourhood "
            f"backwards: it computes rule {mirrored}, the mirror image of Rule 30. Its published figure is "
            f"therefore mirrored left to right; ours follows Wolfram.\n")


def raised(code, namespace):
    """The exception that running ``code`` raises, as 'TypeError: ...', or 'nothing'."""
    try:
        exec(code, dict(namespace))
    except Exception as error:  # the point is to show which one
        return f"{type(error).__name__}: {str(error).strip()}"
    return "nothing"


def defects(kitten_path):
    """Every defect of the course's code, once, with what this project does instead (shown by code where it can be)."""
    import matplotlib

    import geometry
    import quantize
    import subsequence
    from coursekit.quantizer.images import read_image

    old_scale = np.dtype([("points", float, (4, 2)), ("scale", float, 1)])
    S = np.zeros(25, old_scale)
    I, _ = read_image(kitten_path)
    colors, counts = np.unique(I.reshape(-1, 3), axis=0, return_counts=True)
    top = {tuple(c) for c in colors[np.argsort(-counts, kind="stable")[:16]]}
    published = quantize.quantize_as_published(I, 16)[1]
    where_error = raised("c = np.where(np.array([1, 0]) == 1); c[:, np.newaxis]", {"np": np})
    broadcast = raised("S['points'] * S['scale']", {"S": S})
    lemmas = np.loadtxt(["1 they 5 0.5", "2 her 3 0.4"], dtype=[("rank", int), ("lemma", "S8"), ("f", int), ("d", float)])["lemma"]
    rows = [
        ("Introduction: the three random walks", "use the global random state (`random`, `np.random`): no two runs give "
         "the same walk", "each draws from a `numpy.random.Generator` seeded from config key `seed`; the three give the "
         "same walk for a seed (random_walk.py)"),
        ("Introduction: `random_walk_faster`", f"returns `+list(...)`: unary plus on a list raises "
         f"`{raised('+[1, 2]', {})}`", "returns the list"),
        ("Introduction: `function_1` (the Python search)", "loops over `range(len(seq) - len(sub))`, so a match that "
         f"ends on the last element is missed: seq [1, 2], sub [1, 2] gives [] where "
         f"`find_python` gives {subsequence.find_python([1, 2], [1, 2])}", "the loop runs to `len(seq) - len(sub) + 1`"),
        ("Introduction: `function_2` (the NumPy search)", "indexes the tuple that `np.where` returns as if it were an "
         f"array: `{where_error}`",
         "`np.flatnonzero`, and candidates checked window by window (find_numpy)"),
        ("Warmup: strides", "says its `strides(Z)` \"does not work\" on `Z[::2]`, and stops there",
         "`strides_of_view` measures any view's strides from its elements' addresses (strides.py)"),
        ("Warmup: reordering", "the comment says the dump is Fortran-ordered, but `ravel()` wrote it in C order",
         "both orders shown, and the element read as the exercise asks (Reordering things, above)"),
        ("Warmup: heat equation, display code", f"`import matplotlib as plt`, then `plt.figure(...)`: the module "
         f"matplotlib has {'a' if hasattr(matplotlib, 'figure') else 'no'} `figure` (it is in `matplotlib.pyplot`)",
         "`matplotlib.pyplot`, through pipeline.figure"),
        ("Warmup: heat equation, diffusion.py", "uses `Z` before defining it: a NameError before any step",
         "`initial_state` makes Z: the solution's start by default, the exercise's noisy one with `diffusion.noise`"),
        ("Warmup: Rule 30", "weighs each neighbourhood `[1, 2, 4]` (l + 2c + 4r), backwards: it draws Rule 86, Rule 30's "
         "mirror image", "`[4, 2, 1]`, Wolfram's numbering (Rule 30, above)"),
        ("Warmup: input / output", f"a lemma of dtype `S8` comes back as bytes (`{lemmas[0]!r}`, printed `{lemmas[0]}`), and "
         "a longer word would be cut silently", "`U10` text, and a longer lemma is an error naming the file and line"),
        ("Advanced: geometry", f"`(\"scale\", float, 1)` is a field of shape {S['scale'].shape[1:]} under NumPy 2, so "
         f"scaling the corners fails: `{broadcast}`",
         f"a scalar field, `(\"scale\", float)` (geometry.py: {geometry.DTYPE})"),
        ("Advanced: naive quantization", f"`I[sorted][:n]` takes the *pixels* at the colours' ranks: on the course's "
         f"kitten its palette holds {sum(tuple(c) in top for c in published)} of the 16 most frequent colours, "
         "hence its green kitten", "`quantize_naive` keeps the colours; the course's result is kept, named, as "
         "`{name}-published-{n}.png` (quantize_as_published)"),
        ("Advanced: perceptron", "`(\"output\", float, 1)`: the same field of shape (1,) under NumPy 2",
         "a scalar field (perceptron.SAMPLE)"),
    ]
    out = ["## The course's defects, and what we do instead\n",
           "Each defect of the course's code once, all chapters; where a line shows an error message, the "
           "message was produced by running that code now.\n",
           "| where | the course | here |", "|---|---|---|"]
    out += [f"| {where} | {what} | {instead} |" for where, what, instead in rows]
    return "\n".join(out) + "\n"


def answers(data_path, npz_path, kitten_path):
    """Return the whole answers.md text."""
    return "\n".join(["# Warmup: answers computed by the code\n", basics(), nan(), strides_section(),
                      repeat_section(), reorder_section(), automata_note(), io_section(data_path, npz_path),
                      defects(kitten_path)])


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, save_text

    entry(snakemake, lambda: save_text(snakemake.output.md, answers(snakemake.input.data, snakemake.input.npz,
                                                                    snakemake.input.kitten)))
