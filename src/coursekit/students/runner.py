"""Runs one student function on its cases, inside the sandbox: the only code of ours that student code can see.

It is run as a script, ``python -I runner.py INPUT FUNCTION FD``, with nothing
of the checker in its memory: no expected value, no reference module, no
checker object. It imports the NumPy and standard library only (``-I``: no
PYTHONPATH, no user site, not even its own folder), then the student's module
from ``INPUT/solutions`` (so ``from diffusion import sliding_window`` is the
student's), calls the function on each case of ``INPUT/call.npz`` and writes
to the file descriptor FD, one frame at a time (a 4-byte length, then the bytes):

- ``{"event": "result", "case": i}`` followed by the result as data (:func:`dump`),
  then ``{"event": "facts", "case": i, ...}``: which arguments the result is a
  view of, is, or changed (:func:`relations`: identity does not travel);
- ``{"event": "end", "status": ..., "detail": ..., "seconds": ...}`` once done.

The checker decodes frames with :func:`load`, which runs nothing of what it
reads: values are arrays, numbers, strings, None, tuples and lists of them,
and random generators (by their state), never pickled objects.

The same module gives the checker :func:`dump` and :func:`load`, so the two
sides cannot disagree on the format.
"""

import io
import json
import struct
import sys
import zipfile

__all__ = ["dump", "load", "Unreadable", "frames", "main"]

TREE = "tree.json"  # the member of a value's archive that says how its arrays fit together


class Unreadable(ValueError):
    """A value that is not data the check reads (an object of the student's class, a pickle, a zip bomb)."""


def encode(value, arrays):
    """``value`` as a JSON-able tree; its arrays (and NumPy scalars, as 0-d arrays: their dtype kept) appended."""
    import numpy as np

    if value is None or isinstance(value, bool):
        return {"t": "const", "v": value}
    if isinstance(value, int) and type(value) is int:
        return {"t": "int", "v": str(value)}
    if isinstance(value, float) and type(value) is float:
        return {"t": "float", "v": repr(value)}
    if isinstance(value, complex) and type(value) is complex:
        return {"t": "complex", "v": [repr(value.real), repr(value.imag)]}
    if isinstance(value, str) and type(value) is str:
        return {"t": "str", "v": value}
    if type(value) is np.ndarray or (isinstance(value, np.generic) and type(value).__module__ == "numpy"):
        array = np.asarray(value)
        if array.dtype.hasobject:
            raise Unreadable("an array of Python objects")
        arrays.append(array)
        node = {"t": "array" if isinstance(value, np.ndarray) else "scalar", "i": len(arrays) - 1}
        if isinstance(value, np.ndarray):  # what the values alone lose: a view's strides, Fortran order, read-only
            if array.base is not None and array.size:
                node["strides"] = list(array.strides)
            elif array.flags.f_contiguous and not array.flags.c_contiguous:
                node["order"] = "F"
            if not array.flags.writeable:
                node["readonly"] = True
        return node
    if type(value) in (list, tuple):
        return {"t": type(value).__name__, "v": [encode(item, arrays) for item in value]}
    if type(value) is np.random.Generator and type(value.bit_generator) is np.random.PCG64:
        return {"t": "rng", "v": value.bit_generator.state}
    raise Unreadable(f"an object of type {type(value).__name__}")


def dump(value):
    """The bytes of ``value`` as data: a zip (stored, not compressed) of .npy arrays and the tree that joins them."""
    import numpy as np

    arrays = []
    tree = encode(value, arrays)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(TREE, json.dumps(tree))
        for i, array in enumerate(arrays):
            with archive.open(f"{i}.npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, array, allow_pickle=False)
    return buffer.getvalue()


def shaped(array, node):
    """The array as the checker made it: a view with the same strides (over a buffer of its own) or an array that
    owns its data, in C or Fortran order, read-only or not, as ``node`` says. Only for the cases, which come from
    the checker, never for a result."""
    import numpy as np

    strides = node.get("strides")
    if isinstance(strides, list) and len(strides) == array.ndim and all(isinstance(s, int) for s in strides):
        span = array.itemsize + sum((n - 1) * abs(s) for n, s in zip(array.shape, strides))
        start = sum((n - 1) * -s for n, s in zip(array.shape, strides) if s < 0)
        view = np.ndarray(array.shape, array.dtype, buffer=np.zeros(span, np.uint8), offset=start, strides=strides)
        view[...] = array
        array = view
    else:  # an array of its own, as sent (what the archive's reader returns is a view of its buffer)
        array = np.array(array, order="F" if node.get("order") == "F" else "C")
    if node.get("readonly"):
        array.setflags(write=False)
    return array


def decode(node, arrays, depth=0, as_made=False):
    """The value a tree describes (:func:`encode`'s inverse), checking every node; nothing in it is run.

    ``as_made``: arrays get back the strides, order and read-only flag they were sent with (:func:`shaped`)."""
    import numpy as np

    if depth > 50 or not isinstance(node, dict):
        raise Unreadable("a value nested too deeply, or not a value")
    kind, value = node.get("t"), node.get("v")
    if kind == "const" and (value is None or isinstance(value, bool)):
        return value
    if kind == "int" and isinstance(value, str) and len(value) <= 4300:
        return int(value)
    if kind == "float" and isinstance(value, str):
        return float(value)
    if kind == "complex" and isinstance(value, list) and len(value) == 2:
        return complex(float(value[0]), float(value[1]))
    if kind == "str" and isinstance(value, str):
        return value
    if kind in ("array", "scalar") and isinstance(node.get("i"), int) and 0 <= node["i"] < len(arrays):
        array = arrays[node["i"]]
        if kind == "scalar":
            return array[()]
        return shaped(array, node) if as_made else array
    if kind in ("list", "tuple") and isinstance(value, list):
        items = [decode(item, arrays, depth + 1, as_made) for item in value]
        return items if kind == "list" else tuple(items)
    if kind == "rng" and isinstance(value, dict) and value.get("bit_generator") == "PCG64":
        generator = np.random.Generator(np.random.PCG64())
        generator.bit_generator.state = value
        return generator
    raise Unreadable(f"an unknown kind of value ({str(kind)[:20]!r})")


def read_array(f, size):
    """One .npy member of ``size`` bytes, its header checked first: NumPy allocates what a header claims before it
    reads the data, so a header claiming more than the member holds is refused, never allocated."""
    import numpy as np

    version = np.lib.format.read_magic(f)
    shape, fortran, dtype = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                             else np.lib.format.read_array_header_2_0)(f)
    if dtype.hasobject or int(np.prod(shape, dtype=object)) * dtype.itemsize > size:
        raise Unreadable("an array whose header claims more than its data holds, or Python objects")
    f.seek(0)
    return np.lib.format.read_array(f, allow_pickle=False)


def load(data, cap, as_made=False):
    """The value whose bytes :func:`dump` made, refused beyond ``cap`` bytes; no pickle, no compression.

    ``as_made`` (the runner reading its cases): arrays come back as views, Fortran-ordered or read-only, as sent.

    Raises
    ------
    Unreadable
        For anything else: the message says what, in words a student reads.
    """
    import numpy as np

    if len(data) > cap:
        raise Unreadable(f"{len(data):,} bytes, more than the {cap:,} the check reads")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if any(m.compress_type != zipfile.ZIP_STORED or m.file_size > cap for m in members):
                raise Unreadable("a compressed or oversized archive")
            names = {m.filename for m in members}
            tree = json.loads(archive.read(TREE)) if TREE in names else None
            arrays, i = [], 0
            while f"{i}.npy" in names:
                with archive.open(f"{i}.npy") as f:
                    arrays.append(read_array(f, archive.getinfo(f"{i}.npy").file_size))
                i += 1
    except Unreadable:
        raise
    except Exception as error:  # a damaged archive: any reader error
        raise Unreadable(f"not readable ({type(error).__name__})") from None
    if tree is None:
        raise Unreadable("no value in it")
    return decode(tree, arrays, as_made=as_made)


def frames(data):
    """Split the bytes read from the result pipe into frames (a 4-byte big-endian length, then the bytes)."""
    out, at = [], 0
    while at + 4 <= len(data):
        (size,) = struct.unpack(">I", data[at:at + 4])
        if at + 4 + size > len(data):
            break
        out.append(data[at + 4:at + 4 + size])
        at += 4 + size
    return out


def send(channel, payload):
    channel.write(struct.pack(">I", len(payload)) + payload)
    channel.flush()


def own_traceback(error, path):
    """The exception as the student should see it: only the frames of their own file, then the error line."""
    import os
    import traceback

    own = os.path.realpath(path)
    if isinstance(error, SyntaxError) and error.lineno:
        return f"{os.path.basename(error.filename or path)}, line {error.lineno}: SyntaxError: {error.msg}"
    frames_ = [f for f in traceback.extract_tb(error.__traceback__) if os.path.realpath(f.filename) == own]
    lines = [f"{os.path.basename(f.filename)}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}"
             for f in frames_]
    lines.append(f"{type(error).__name__}: {error}".rstrip(": "))
    return "\n".join(lines)


def shares(a, b):
    """True if two arrays share memory (exactly where NumPy can tell quickly, else by their bounds)."""
    import numpy as np

    try:
        return bool(np.shares_memory(a, b, max_work=10_000))
    except np.exceptions.TooHardError:
        return bool(np.may_share_memory(a, b))


def relations(result, args, before):
    """How the result relates to the arguments, which only this process can see (identity and memory do not
    travel): which array arguments it is a view of (``views``), is itself (``same``), and which the call changed
    (``changed``, against ``before``, a copy taken before the call). Indices of ``args``."""
    import numpy as np

    parts = result if type(result) is tuple else (result,)
    facts = {"event": "facts", "views": [], "same": [], "changed": []}
    for i, arg in enumerate(args):
        if type(arg) is not np.ndarray:
            continue
        if any(type(part) is np.ndarray and shares(part, arg) for part in parts):
            facts["views"].append(i)
        if any(part is arg for part in parts):
            facts["same"].append(i)
        try:
            changed = not np.array_equal(arg, before[i], equal_nan=arg.dtype.kind in "fc")
        except (TypeError, ValueError):
            changed = True
        if changed:
            facts["changed"].append(i)
    return facts


def call(target, args):
    """Call an exercise on one case: a function on its arguments; a class (the Perceptron) by a recipe.

    For a class, ``args`` is (the constructor's arguments, [(method name, its arguments), ...]): the object is
    made, the methods are called in turn, and the result is the list of what each returned, copied as it
    returned (a method may return an array the object changes later).
    """
    import copy

    if not isinstance(target, type):
        return target(*args)
    made, calls = args
    instance = target(*made)
    return [copy.deepcopy(getattr(instance, method)(*arguments)) for method, arguments in calls]


def timed(function, args, budget=0.5, at_most=9):
    """The fastest of up to ``at_most`` calls in about ``budget`` seconds (one for a slow function), each on fresh
    arguments: the checker times the reference functions the same way, for a speed verdict that does not flip."""
    import copy
    import time

    times = []
    while not times or (len(times) < at_most and sum(times) < budget):
        fresh = copy.deepcopy(args)
        start = time.perf_counter()
        call(function, fresh)
        times.append(time.perf_counter() - start)
    return min(times)


def main(folder, name, descriptor):
    """Run the student's ``name`` on every case of ``folder/call.npz``; write the frames to ``descriptor``."""
    import copy
    import importlib
    import os

    channel = os.fdopen(descriptor, "wb", closefd=False)
    with open(os.path.join(folder, "call.npz"), "rb") as f:
        # from the checker: (module, [each case's arguments], seconds to spend timing the function: one call if 0)
        module, cases, budget = load(f.read(), 1 << 31, as_made=True)
    path = os.path.join(folder, "solutions", f"{module}.py")
    sys.path.insert(0, os.path.join(folder, "solutions"))
    end = {"event": "end", "status": "done", "detail": "", "seconds": None}
    function = None
    try:
        function = getattr(importlib.import_module(module), name, None)
        if function is None:
            end.update(status="todo", detail=f"{module}.py has no function {name}")
        else:
            for i, args in enumerate(cases):
                fresh = list(args)  # each case's arrays are its own, decoded for it: views, order and flags kept
                before = copy.deepcopy(fresh)
                result = call(function, fresh)
                try:
                    payload = dump(result)
                except Unreadable as why:
                    end.update(status="unreadable", detail=f"case {i + 1}: it returns {why}, which the check cannot "
                                                           "read: return arrays, numbers, strings, tuples or lists")
                    break
                send(channel, json.dumps({"event": "result", "case": i}).encode())
                send(channel, payload)
                send(channel, json.dumps({**relations(result, fresh, before), "case": i}).encode())
            else:
                if cases:
                    import contextlib

                    try:  # what it prints again while timed is not shown again
                        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
                            end["seconds"] = timed(function, cases[0], budget)
                    except Exception:  # its results are sent already: only the speed verdict is lost
                        end["seconds"] = None
    except NotImplementedError as error:
        import traceback

        last = traceback.extract_tb(error.__traceback__)[-1]
        where = os.path.splitext(os.path.basename(last.filename))[0]
        if isinstance(function, type):  # a class: which of its methods is still to write
            it = f" (in {name}.{last.name})"
        else:
            it = "" if last.name in (name, "<module>") else f" (in {where}.{last.name}, which it calls)"
        end.update(status="todo", detail="still raises NotImplementedError" + it)
    except MemoryError:
        end.update(status="memory", detail="ran out of memory")
    except BaseException as error:  # the student's code may raise anything; SystemExit included
        end.update(status="error", detail=own_traceback(error, path))
    send(channel, json.dumps(end).encode())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
