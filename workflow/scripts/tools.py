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
    """
    today = today or datetime.date.today()
    lines = [("Date", today.isoformat()), ("Python", platform.python_version())]
    from pipeline import package_versions

    lines += [(name.capitalize(), version) for name, version in package_versions(PACKAGES).items()]
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
    text = f"{_human(median)} median, {_human(min(times))} min per loop ({repeats} runs, {number} loops each)"
    return {"median": median, "min": min(times), "max": max(times), "times": times,
            "repeats": repeats, "number": number, "text": text}


def _human(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def imshow(Z, vmin=None, vmax=None):
    """Return a 1-D or 2-D array drawn with 256-colour terminal escapes (grey ramp).

    Each value becomes two spaces whose background is one of the 24 greys of
    the 256-colour palette (232 .. 255), scaled from ``vmin`` to ``vmax``.
    Print the result in a 256-colour terminal.
    """
    Z = np.atleast_2d(np.asarray(Z, dtype=float))
    if Z.ndim != 2:
        raise ValueError(f"imshow: Z must be 1-D or 2-D, got shape {Z.shape}")
    vmin = Z.min() if vmin is None else vmin
    vmax = Z.max() if vmax is None else vmax
    scale = (Z - vmin) / (vmax - vmin) if vmax > vmin else np.zeros_like(Z)
    codes = 232 + np.round(np.clip(scale, 0, 1) * 23).astype(int)
    return "\n".join("".join(f"\x1b[48;5;{c}m  " for c in row) + "\x1b[0m" for row in codes)


if __name__ == "__main__" and "snakemake" in globals():
    from pipeline import entry, save_text

    entry(snakemake, lambda: save_text(snakemake.output.sysinfo, sysinfo()))
