"""The course's useful tools: sysinfo, info, timeit and imshow.

    >>> import numpy as np, tools
    >>> print(tools.info(np.arange(9).reshape(3, 3)))   # doctest: +ELLIPSIS
    ------------------------------
    Interface (item)
      shape:       (3, 3)
    ...
"""

import datetime
import platform
import statistics
import sys
import time

import numpy as np

PACKAGES = ("numpy", "scipy", "matplotlib", "imageio", "snakemake")


def sysinfo(today=None):
    """Return the scientific environment as text: date, Python, packages, platform.

    Parameters
    ----------
    today : datetime.date, optional
        The date to print (default: today).

    Returns
    -------
    str
        One ``Name: version`` line each.

    Exercise
    --------
    Return a few lines of text that describe your scientific environment,
    one ``Name: value`` line each: the date, Python's version and the
    versions of NumPy, SciPy and Matplotlib (``platform.python_version()``,
    and each package's ``__version__``). Print it too if you like; the
    format is yours: the check reads each version from your text.
    """
    from importlib import metadata

    today = today or datetime.date.today()
    lines = [("Date", today.isoformat()), ("Python", platform.python_version())]
    for name in PACKAGES:
        try:
            lines.append((name.capitalize(), metadata.version(name)))
        except metadata.PackageNotFoundError:
            lines.append((name.capitalize(), "not installed"))
    lines.append(("Platform", platform.platform()))
    return "\n".join(f"{key + ':':<12}{value}" for key, value in lines) + "\n"


def _box(flag):
    return "☑ Yes  ☐ No" if flag else "☐ Yes  ☑ No"


def info(Z):
    """Return what the course's ``info`` prints about an array.

    Parameters
    ----------
    Z : ndarray
        Any array (views included).

    Returns
    -------
    str
        Shape, dtype, length, size, endianness, order, item size, array size,
        strides and the flags owns data, writeable, contiguous and aligned.

    Exercise
    --------
    Return a description of the array ``Z`` as text, one ``name: value``
    line per property, as the course's ``info`` prints it: at least its
    shape, dtype, strides, whether it owns its data, whether it is
    writeable, and its order (C-contiguous, Fortran-contiguous, both or
    neither). A yes or no may be written ``True``/``False``, ``yes``/``no``
    or as boxes, ``☑ Yes  ☐ No``; the order as ``order: ☑ C  ☐ Fortran`` or as
    two lines ``C contiguous: True`` and ``Fortran contiguous: False``.

    The format is yours otherwise: the check reads each property from your
    text and compares it with ``Z``'s, for a C array, a Fortran array, a
    view with gaps and a read-only array.
    """
    order = Z.dtype.byteorder
    if order in "=|":
        endian = f"native ({sys.byteorder})" if order == "=" else "not applicable"
    else:
        endian = "big" if order == ">" else "little"
        endian += " (native)" if (order == ">") == (sys.byteorder == "big") else " (swapped)"
    c, f = Z.flags.c_contiguous, Z.flags.f_contiguous
    lines = [
        "-" * 30,
        "Interface (item)",
        f"  shape:       {Z.shape}",
        f"  dtype:       {Z.dtype}",
        f"  length:      {len(Z) if Z.ndim else 'scalar (no length)'}",
        f"  size:        {Z.size}",
        f"  endianness:  {endian}",
        f"  order:       {'☑' if c else '☐'} C  {'☑' if f else '☐'} Fortran",
        "",
        "Memory (byte)",
        f"  item size:   {Z.itemsize}",
        f"  array size:  {Z.nbytes}",
        f"  strides:     {Z.strides}",
        "",
        "Properties",
        f"  own data:    {_box(Z.flags.owndata)}",
        f"  writeable:   {_box(Z.flags.writeable)}",
        f"  contiguous:  {_box(c or f)}",
        f"  aligned:     {_box(Z.flags.aligned)}",
        "-" * 30,
    ]
    return "\n".join(lines)


# What the check accepts where a result differs from ours: any format that reports the right facts.
ACCEPT = {"sysinfo": ("reports_environment", "the environment's versions, in your own format"),
          "info": ("reports_array", "descriptions that report shape, dtype, strides, order and flags right, "
                                    "in your own format")}


def cases(seed, config):
    """The calls `snakemake check` makes: sysinfo once; info on a C, a Fortran, a strided and a read-only array."""
    base = np.arange(12, dtype=np.int64).reshape(3, 4).copy()  # owns its data
    frozen = np.linspace(0, 1, 6)
    frozen.setflags(write=False)
    arrays = [base, np.asfortranarray(base.astype(np.float32)), base[:, ::2], frozen, base.astype(">i2")]
    return [("sysinfo", ())] + [("info", (Z,)) for Z in arrays]


def lines_of(text):
    """The ``name: value`` lines of a text, by name in lower case without spaces, dashes or underscores."""
    import re

    found = {}
    for line in str(text).splitlines():
        name, colon, value = line.partition(":")
        if colon:
            found.setdefault(re.sub(r"[\s_-]", "", name.lower()), value.strip())
    return found


def reports_environment(args, text):
    """None if ``text`` names the versions of Python, NumPy, SciPy and Matplotlib that run it, else what is wrong."""
    from importlib import metadata

    if not isinstance(text, str):
        return f"it returns {type(text).__name__}, not the text (printing it is not returning it)"
    found = lines_of(text)
    wanted = {"python": platform.python_version(), **{name: metadata.version(name) for name in PACKAGES[:3]}}
    for name, version in wanted.items():
        if name not in found:
            return f"no line '{name.capitalize()}: {version}' in the text it returns"
        if found[name].split()[:1] != [version]:
            return f"it reports {name.capitalize()} {found[name]!r}; the version running it is {version}"
    return None


def yes_or_no(value):
    """True, False or None (unreadable) from 'True', 'yes', '☑ Yes  ☐ No', ..."""
    words = value.split("☑", 1)[1].split() if "☑" in value else value.split()
    first = words[0].lower().strip(".,") if words else ""
    return {"true": True, "yes": True, "false": False, "no": False}.get(first)


def reports_array(args, text):
    """None if ``text`` reports the shape, dtype, strides, order, ownership and writeability of ``args[0]``."""
    (Z,) = args
    if not isinstance(text, str):
        return f"it returns {type(text).__name__}, not the text (printing it is not returning it)"
    found = lines_of(text)
    plain = {"shape": str(Z.shape), "dtype": str(Z.dtype), "strides": str(Z.strides)}
    for name, right in plain.items():
        if name not in found:
            return f"no line '{name}: {right}' in the text it returns"
        if found[name].replace(" ", "") not in (right.replace(" ", ""), Z.dtype.name if name == "dtype" else None):
            return f"it reports {name}: {found[name]}; Z.{name} is {right}"
    if "☑" in found.get("order", "") or "☐" in found.get("order", ""):  # boxes: '☑ C  ☐ Fortran'
        ticked = {after.split()[0].lower() for after in found["order"].split("☑")[1:] if after.split()}
        order = {"C contiguous": "c" in ticked, "Fortran contiguous": bool(ticked & {"f", "fortran"})}
    else:
        order = {"C contiguous": yes_or_no(found.get("ccontiguous", "")),
                 "Fortran contiguous": yes_or_no(found.get("fcontiguous", found.get("fortrancontiguous", "")))}
    flags = {**order, "own data": yes_or_no(found.get("owndata", "")),
             "writeable": yes_or_no(found.get("writeable", found.get("writable", "")))}
    truth = {"C contiguous": Z.flags.c_contiguous, "Fortran contiguous": Z.flags.f_contiguous,
             "own data": Z.flags.owndata, "writeable": Z.flags.writeable}
    for name, said in flags.items():
        if said is None:
            return f"it does not say whether Z is {name} (a line '{name}: {truth[name]}')"
        if said != truth[name]:
            attribute = {"C contiguous": "c_contiguous", "Fortran contiguous": "f_contiguous"}.get(
                name, name.replace(" ", ""))
            return f"it reports {name}: {said} for this array; Z.flags.{attribute} is {truth[name]}"
    return None


def timeit(stmt, globals=None, repeats=7, number=None):
    """Time a statement like IPython's ``%timeit`` and return the per-call times.

    Parameters
    ----------
    stmt : str or callable
        Code to time (evaluated in ``globals``) or a function of no argument.
    globals : dict, optional
        Namespace for a string ``stmt``.
    repeats : int
        Number of timed repeats.
    number : int, optional
        Calls per repeat; by default chosen so that one repeat lasts about 0.2 s.

    Returns
    -------
    dict
        ``median``, ``min`` and ``max`` seconds per call, ``times`` (all repeats),
        ``repeats``, ``number`` and ``text``, a one-line summary.
    """
    func = stmt if callable(stmt) else (lambda: eval(stmt, globals))
    if number is None:
        number = 1
        while True:
            start = time.perf_counter()
            for _ in range(number):
                func()
            if time.perf_counter() - start >= 0.02 or number >= 1_000_000:
                break
            number *= 10
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            func()
        times.append((time.perf_counter() - start) / number)
    median = statistics.median(times)
    text = f"{human(median)} median, {human(min(times))} min per loop ({repeats} runs, {number} loops each)"
    return {"median": median, "min": min(times), "max": max(times), "times": times,
            "repeats": repeats, "number": number, "text": text}


def human(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def xterm_palette():
    """The RGB values (256, 3) uint8 of the 256-colour terminal palette: 16 system colours, a 6x6x6 cube, 24 greys."""
    system = [(0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128), (0, 128, 128),
              (192, 192, 192), (128, 128, 128), (255, 0, 0), (0, 255, 0), (255, 255, 0), (0, 0, 255), (255, 0, 255),
              (0, 255, 255), (255, 255, 255)]
    levels = [0, 95, 135, 175, 215, 255]
    cube = [(levels[r], levels[g], levels[b]) for r in range(6) for g in range(6) for b in range(6)]
    greys = [(8 + 10 * i,) * 3 for i in range(24)]
    return np.array(system + cube + greys, dtype=np.uint8)


def ansi_codes(values, cmap="viridis"):
    """For values in 0..1, the 256-colour terminal code nearest to the colour map's colour (cube and greys only).

    The 16 system colours are left out: terminals redefine them.
    """
    import matplotlib

    wanted = matplotlib.colormaps[cmap](np.clip(np.asarray(values, dtype=float), 0, 1))[..., :3] * 255
    palette = xterm_palette()[16:].astype(float)
    distances = ((wanted[..., None, :] - palette) ** 2).sum(axis=-1)
    return 16 + distances.argmin(axis=-1)


def _scale(Z, vmin, vmax):
    Z = np.atleast_2d(np.asarray(Z, dtype=float))
    if Z.ndim != 2:
        raise ValueError(f"imshow: Z must be 1-D or 2-D, got shape {Z.shape}")
    vmin = float(Z.min()) if vmin is None else vmin
    vmax = float(Z.max()) if vmax is None else vmax
    return Z, vmin, vmax, ((Z - vmin) / (vmax - vmin) if vmax > vmin else np.zeros_like(Z))


def imshow(Z, vmin=None, vmax=None, cmap="viridis"):
    """Return a 1-D or 2-D array drawn as the course's imshow draws it in a 256-colour terminal.

    Each value becomes two spaces whose background is the terminal colour
    nearest to its colour in ``cmap`` (viridis, as the course), scaled from
    ``vmin`` to ``vmax``; row 0 at the top, as ``plt.imshow`` shows it.
    On the right, a colour bar with one entry a row, from ``vmax`` at the
    top to ``vmin`` at the bottom, each labelled. Print it in a 256-colour terminal.
    """
    Z, vmin, vmax, scaled = _scale(Z, vmin, vmax)
    codes = ansi_codes(scaled, cmap)
    rows = len(Z)
    levels = np.linspace(1, 0, rows) if rows > 1 else np.ones(1)
    bar = ansi_codes(levels, cmap)
    lines = []
    for row, level, code in zip(codes, levels, bar):
        cells = "".join(f"\x1b[48;5;{c}m  " for c in row)
        lines.append(f"{cells}\x1b[0m  \x1b[48;5;{code}m  \x1b[0m {vmin + level * (vmax - vmin):+.2f}")
    return "\n".join(lines)


def imshow_figure(Z, vmin=None, vmax=None, cmap="viridis"):
    """Return a matplotlib figure of what :func:`imshow` shows in the terminal: its very colours, cells, bar and labels."""
    from coursekit.core import figure

    Z, vmin, vmax, scaled = _scale(Z, vmin, vmax)
    palette = xterm_palette()
    rows, columns = Z.shape
    levels = np.linspace(1, 0, rows) if rows > 1 else np.ones(1)
    fig, ax = figure((0.2 * (columns + 6), 0.2 * rows + 0.2))
    ax.imshow(palette[ansi_codes(scaled, cmap)], interpolation="nearest", extent=(0, columns, rows, 0))
    ax.imshow(palette[ansi_codes(levels, cmap)][:, None], interpolation="nearest",
              extent=(columns + 1, columns + 2, rows, 0))
    for i, level in enumerate(levels):
        ax.text(columns + 2.3, i + 0.5, f"{vmin + level * (vmax - vmin):+.2f}", va="center", fontsize=7,
                family="monospace")
    ax.set_xlim(0, columns + 6)
    ax.set_ylim(rows, 0)
    fig.subplots_adjust(0.01, 0.01, 0.99, 0.99)
    return fig


def tools_text(seed):
    """results/warmup/tools.txt: the course's ``info`` of four kinds of array, and its ``imshow`` of a random array."""
    from coursekit.core import rng

    base = np.arange(12, dtype=np.int64)
    arrays = [
        ("Z = np.arange(12).reshape(3, 4)", base.reshape(3, 4),
         "C order: rows one after the other."),
        ("Z = np.arange(12).reshape(3, 4, order='F')", base.reshape((3, 4), order="F"),
         "Fortran order: columns one after the other; a copy, so it owns its data."),
        ("Z = np.arange(12).reshape(3, 4)[:, ::2]", base.reshape(3, 4)[:, ::2],
         "a view with a gap between its elements: neither C- nor Fortran-contiguous, so neither box is ticked. "
         "An order line that always ticks one of the two (as the course's output suggests: '☑ C ☐ Fortran' or "
         "'☐ C ☑ Fortran') would call it Fortran-ordered, which it is not."),
        ("Z = np.arange(12, dtype='>i8').reshape(3, 4)", base.astype(">i8").reshape(3, 4),
         "big-endian: each item's bytes in the other order than this machine's."),
    ]
    out = ["The course's useful tools, run on four arrays (tools.info) and on a random one (tools.imshow).", ""]
    for code, Z, note in arrays:
        out += [f">>> {code}", ">>> print(tools.info(Z))", info(Z), f"({note})", ""]
    Z = rng(seed, "tools", "imshow").uniform(0, 1, (20, 40))
    out += [">>> Z = rng.uniform(0, 1, (20, 40))", ">>> print(tools.imshow(Z))", imshow(Z, 0, 1), ""]
    return "\n".join(out), Z


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, save_figure, save_text

    def write_tools():
        text, Z = tools_text(snakemake.params.seed)
        save_text(snakemake.output.txt, text)
        save_figure(imshow_figure(Z, 0, 1), snakemake.output.png, dpi=100)

    entry(snakemake, (lambda: save_text(snakemake.output.sysinfo, sysinfo())) if snakemake.rule == "write_sysinfo"
          else write_tools)
