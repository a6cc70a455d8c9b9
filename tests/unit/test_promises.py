"""The check tests what the course teaches: views, copies, in place, types and dtypes, beside the values."""

from pathlib import Path

import pytest
import yaml

from coursekit.students import check

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
HEADER = "import numpy as np\nfrom numpy.lib.stride_tricks import as_strided\n\n"


def row_of(tmp_path, module, name, source):
    (tmp_path / f"{module}.py").write_text(HEADER + source)
    limits = check.limits_of({"timeout": 10, "memory_mb": 2048})
    return check.check_function({"module": module, "name": name}, tmp_path, 2018, CONFIG, limits)


@pytest.mark.parametrize("module,name,source,said", [
    ("diffusion", "sliding_window",
     "def sliding_window(Z, size=3):\n    return np.array([Z[i:i + size] for i in range(len(Z) - size + 1)])\n",
     "returns a copy of Z; the exercise asks for a view (np.shares_memory(result, Z) is False)"),
    ("repeat", "strided", "def strided(Z, n=3):\n    return np.tile(Z, (n, 1))\n",
     "returns a copy of Z; the exercise asks for a view"),
    ("repeat", "tiled", "def tiled(Z, n=3):\n    return as_strided(Z, shape=(n,) + Z.shape, strides=(0,) + Z.strides)\n",
     "returns a view of Z; the exercise asks for a copy, new memory (np.shares_memory(result, Z) is True)"),
    ("diffusion", "diffuse",
     "def diffuse(Z, F):\n    Z = Z.copy()\n    for i in range(1, len(Z)):\n"
     "        Z[i, 1:-1] = Z[i - 1, 1:-1] + F * (Z[i - 1, :-2] - 2 * Z[i - 1, 1:-1] + Z[i - 1, 2:])\n    return Z\n",
     "works on a copy of Z; the exercise asks for Z itself, filled in place and returned"),
    ("basic_manipulation", "null_vector_fifth_is_one",
     "def null_vector_fifth_is_one(size=100):\n    Z = np.zeros(size, dtype=int)\n    Z[4] = 1\n    return Z\n",
     "returns an array of integers (int64); the exercise asks for floats"),
    ("basic_manipulation", "identity_3x3", "def identity_3x3():\n    return np.eye(3, dtype=bool)\n",
     "returns an array of booleans (bool); the exercise asks for floats"),
    ("basic_manipulation", "vector_10_to_49", "def vector_10_to_49():\n    return np.arange(10, 50, dtype=float)\n",
     "returns an array of floats (float64); the exercise asks for integers"),
    ("perceptron", "make_samples",
     "def make_samples(count, rng):\n    S = np.zeros(count, [('input', float, 2), ('output', int)])\n"
     "    S['input'] = rng.uniform(0.05, 0.95, (count, 2))\n    S['output'] = S['input'].sum(axis=1) < 1\n"
     "    return S\n",
     "the exercise asks for records of input: floats, output: floats"),
    ("quantize", "quantize_naive",
     "def quantize_naive(I, n=16):\n    pixels = I.reshape(-1, 3)\n"
     "    colors, index, counts = np.unique(pixels, axis=0, return_inverse=True, return_counts=True)\n"
     "    palette = colors[np.argsort(-counts, kind='stable')[:n]]\n"
     "    D = ((colors[:, None, :].astype(np.int64) - palette[None].astype(np.int64)) ** 2).sum(-1)\n"
     "    Q = palette[D.argmin(1)[index.reshape(-1)]].reshape(I.shape)\n"
     "    return Q.astype(np.int64), palette\n",
     "returns a tuple holding an array of integers (int64); the exercise asks for an array of integers (uint8)"),
    ("strides", "strides",
     "def strides(Z, order=None):\n    order = order or ('F' if np.isfortran(Z) else 'C')\n"
     "    shape = Z.shape if order == 'C' else Z.shape[::-1]\n    out, step = [], Z.itemsize\n"
     "    for n in reversed(shape):\n        out.insert(0, step)\n        step *= n\n"
     "    return out if order == 'C' else out[::-1]\n",
     "returns a list; the exercise asks for a tuple"),
    ("reorder", "element_numpy",
     "def element_numpy(L, index=(1, 0, 0), shape=(2, 2, 2), dtype='>i8'):\n"
     "    return np.array(L, dtype=np.ubyte).view(dtype).reshape(shape, order='F')[index]\n",
     "returns a NumPy int64; the exercise asks for a Python int"),
    ("random_walk", "random_walk_fastest",
     "def random_walk_fastest(n, rng):\n    return np.cumsum(np.where(rng.random(n) < 0.5, 1, -1)).tolist()\n",
     "returns a list; the exercise asks for an array of integers (int64)"),
])
def test_a_broken_promise_is_wrong_and_named(tmp_path, module, name, source, said):
    row = row_of(tmp_path, module, name, source)
    assert row["status"] == "wrong" and said in row["detail"], row


def test_the_reference_keeps_every_promise(tmp_path):
    """Every reference function, handed in as a student's, is correct: its type, dtype, views, copies, in place."""
    for path in (ROOT / "workflow/scripts").glob("*.py"):
        (tmp_path / path.name).write_text(path.read_text())
    limits = check.limits_of({"timeout": 20, "memory_mb": 2048})
    rows = check.check_all(tmp_path, 2018, CONFIG, limits)
    bad = [r for r in rows if r["status"] != "correct"]
    from coursekit.students.skeletons import all_exercises

    # every exercise: the course's 38 (the Perceptron class, tools and k-means included), and any added since
    assert bad == [] and len(rows) == len(all_exercises()) >= 38


def test_a_short_wrong_answer_shows_both_values(tmp_path):
    """find_python's wrong answer showed two shapes, not the two lists."""
    row = row_of(tmp_path, "subsequence", "find_python",
                 "def find_python(seq, sub):\n"
                 "    return [i for i in range(len(seq) - len(sub)) if seq[i:i + len(sub)] == sub]\n")
    assert row["status"] == "wrong" and "returns [0], expected [0, 2] (shape (1,), expected (2,))" in row["detail"], row


def test_every_statement_says_what_it_promises():
    """A property the check tests is written in the statement the student reads: no hidden rule."""
    import importlib

    from coursekit.students import skeletons

    words = {"view": ("view",), "copy": ("copy", "new memory"), "in_place": ("in place",)}
    statements = {(e.module, e.name): " ".join(e.statement.lower().split()) for e in skeletons.all_exercises()}
    checked = 0
    for module in {m for m, _ in statements}:
        for name, promised in getattr(importlib.import_module(module), "PROMISES", {}).items():
            text = statements[module, name]
            for promise, value in promised.items():
                if promise == "dtype":
                    assert "dtype" in text or "uint8" in text, (module, name)
                else:
                    assert value.lower() in text and any(w in text for w in words[promise]), (module, name, promise)
                checked += 1
    assert checked >= 10
