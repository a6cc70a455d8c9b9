"""Input/output with a structured dtype: read the lemma table, sort it, save and load it back.

The file (data/data.txt, the course's table) looks like::

    % rank lemma (10 letters max) frequency dispersion
    21 they 1865844 0.96

The course reads it with ``np.loadtxt('data.txt', comments='%', dtype=...)``
(``parse`` below) and holds the lemma as ``S8``, which silently cuts a 9- or
10-letter word. Here the lemma is ``U10``: the header's own limit, as text.
The pipeline reads the table with ``read_table``, which checks each line so
that a bad row is reported by file and line number, and a longer lemma is an
error, never a truncation.
"""

import io
import unicodedata

import numpy as np

DTYPE = np.dtype([("rank", np.int64), ("lemma", "U10"), ("frequency", np.int64), ("dispersion", np.float64)])
LEMMA_MAX = DTYPE["lemma"].itemsize // 4  # 10 characters


def parse(text):
    """The table in ``text`` as a structured array of dtype DTYPE: the course's ``np.loadtxt`` solution.

    Exercise
    --------
    ``text`` holds the course's table, one row a line: rank, lemma (a word of
    at most 10 letters), frequency and dispersion, separated by spaces; lines
    starting with '%' are comments. Design a structured dtype for it (integer
    rank and frequency, text lemma, float dispersion) and read the table into
    an array of that dtype (``np.loadtxt`` can, from a file-like object such
    as ``io.StringIO(text)``).

    Return the structured array, one element per data row (even for a single
    row), with fields named rank, lemma, frequency, dispersion.
    """
    return np.loadtxt(io.StringIO(text), comments="%", dtype=DTYPE, ndmin=1)


def read_table(text, source="data.txt"):
    """Return the table in ``text`` as a structured array of dtype DTYPE, each line checked first.

    Parameters
    ----------
    text : str
        Lines of ``rank lemma frequency dispersion`` separated by white space;
        lines starting with '%' and blank lines are skipped; Windows line
        endings are accepted.
    source : str
        File name used in error messages.

    Raises
    ------
    coursekit.core.InputError
        Naming ``source`` and the line: a wrong number of columns, a value
        that is not a number, a lemma longer than 10 characters, or no data row.
    """
    from coursekit.core import InputError

    rows = []
    # split on "\n" only: str.splitlines() also splits on form feeds and other separators, which would
    # shift every line number after them
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        control = next((c for c in line if unicodedata.category(c) == "Cc" and c != "\t"), None)
        if control is not None:
            raise InputError(f"{source}, line {number}, column {line.index(control) + 1}: control character "
                             f"U+{ord(control):04X} is not allowed (lemmas are words; columns are separated by "
                             "spaces or tabs)")
        line = line.split("%", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 4:
            raise InputError(f"{source}, line {number}: expected 4 columns "
                             f"(rank lemma frequency dispersion), found {len(fields)}: {line!r}")
        lemma = fields[1]
        if len(lemma) > LEMMA_MAX:
            raise InputError(f"{source}, line {number}: lemma {lemma!r} has {len(lemma)} characters, "
                             f"at most {LEMMA_MAX} are allowed")
        row = []
        for name, value in zip(DTYPE.names, fields):
            kind = DTYPE[name].type
            try:
                row.append(value if kind is np.str_ else kind(value))
            except ValueError:
                expected = "an integer" if kind is np.int64 else "a number"
                raise InputError(f"{source}, line {number}: {name} must be {expected}, got {value!r}") from None
            except OverflowError:
                raise InputError(f"{source}, line {number}: {name} {value} is outside the 64-bit integer range "
                                 f"({np.iinfo(np.int64).min} .. {np.iinfo(np.int64).max})") from None
        rows.append(tuple(row))
    if not rows:
        raise InputError(f"{source}: no data rows (only comments or blank lines); expected lines of "
                         "'rank lemma frequency dispersion'")
    return np.array(rows, dtype=DTYPE)


def load(path):
    """Read the table at ``path``: a regular file of UTF-8 text, at most 16 MiB (see :func:`parse`).

    A byte-order mark (Windows editors write one) is skipped.
    """
    from coursekit.core import TEXT_MAX_BYTES, InputError, read_bytes

    raw = read_bytes(path, TEXT_MAX_BYTES, "a data table (config key records.data)", key="records.data")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:start].count(b"\n") + 1
        raise InputError(f"{path}, line {line}: byte 0x{raw[start]:02x} is not UTF-8 text") from None
    return read_table(text, source=str(path))


def sort_by_frequency(data):
    """Return the rows sorted by frequency, ascending (stable: equal frequencies keep file order).

    Exercise
    --------
    Given the structured array that ``parse`` returns, return its rows sorted
    by frequency, smallest first; rows of equal frequency keep their order.
    """
    return np.sort(data, order="frequency", kind="stable")


def round_trip(data, sorted):
    """Save both tables with ``np.savez`` in a temporary folder, load them back; return what came back.

    Exercise
    --------
    Save the table and its sorted version into one file with
    ``np.savez(path, data=data, sorted=sorted)``, in a temporary folder of your
    own (``tempfile.TemporaryDirectory()``), and load it back with
    ``out = np.load(path)``. Do you get back what you put in? Why? (The
    answer is on the page, under Input / Output.)

    Return ``(names, data_back, sorted_back)``: the list of the arrays' names
    in the file (``out.files``) and the two arrays read back, dtype included.
    """
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "sorted.npz")
        np.savez(path, data=data, sorted=sorted)
        with np.load(path) as out:
            return list(out.files), out["data"], out["sorted"]


def save(path, data, sorted):
    """Save both tables in one compressed .npz (arrays ``data`` and ``sorted``), as ``np.savez_compressed`` does."""
    from coursekit.core import save_npz

    save_npz(path, data=data, sorted=sorted)


def load_npz(path):
    """Load the tables saved by :func:`save`; pickled objects are refused."""
    with np.load(path, allow_pickle=False) as out:
        return {name: out[name] for name in out.files}


PROMISES = {"round_trip": {"dtype": "exact"}}  # what comes back is what went in, dtype included: `check`


def cases(seed, config):
    """The calls `snakemake check` makes: the course's table, then a table with ties and a single row."""
    from pathlib import Path

    course = Path(config["records"]["data"])
    course = course if course.is_absolute() else Path(__file__).resolve().parents[2] / course
    texts = [course.read_text(encoding="utf-8"), "% r l f d\n1 a 5 0.1\n2 b 3 0.2\n3 c 5 0.3\n4 d 1 0.4\n",
             "7 alone 12 0.5\n"]
    tables = [read_table(text) for text in texts]
    return ([("parse", (text,)) for text in texts] + [("sort_by_frequency", (table,)) for table in tables]
            + [("round_trip", (table, sort_by_frequency(table))) for table in tables])


if __name__ == "__main__" and "snakemake" in globals():
    from coursekit.core import entry, log

    def main():
        data = load(snakemake.input.data)
        sorted = sort_by_frequency(data)
        log.info("%d rows; lemmas: %s", len(data), " ".join(data["lemma"]))
        save(snakemake.output.npz, data, sorted)

    entry(snakemake, main)


if __name__ == "__main__" and "snakemake" not in globals():  # python workflow/scripts/records.py
    from coursekit.students.check import run_directly

    run_directly(__file__)
