"""Property-based tests: parsers and array functions against independent definitions on generated input."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit.quantizer import images
import quantize
from coursekit.quantizer import engine as quantize_engine
import records
import strides
import subsequence
from coursekit.core import rng

settings.register_profile("course", max_examples=60, deadline=None)
settings.load_profile("course")

lemmas = st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=10)
rows = st.lists(st.tuples(st.integers(-2**62, 2**62), lemmas, st.integers(0, 2**62),
                          st.floats(allow_nan=False, allow_infinity=False, width=64)), min_size=1, max_size=20)


@given(rows, st.sampled_from(["\n", "\r\n"]), st.integers(0, 3))
def test_records_round_trip(table, newline, blank_lines):
    text = "% rank lemma (10 letters max) frequency dispersion" + newline
    text += newline.join(f"{r} {l} {f} {d!r}" for r, l, f, d in table) + newline * (1 + blank_lines)
    data = records.read_table(text)
    assert data.tolist() == [tuple(row) for row in table]
    assert records.parse(text).tolist() == data.tolist()  # the course's np.loadtxt reads the same table


@given(st.lists(st.integers(1, 5), min_size=0, max_size=5), st.sampled_from(["C", "F"]),
       st.sampled_from([np.int8, np.int32, np.float64, np.complex128]))
def test_strides_against_numpy(shape, order, dtype):
    Z = np.zeros(shape, dtype=dtype, order=order)
    assert strides.strides(Z, order) == Z.strides


@given(st.lists(st.integers(1, 6), min_size=1, max_size=4).flatmap(
    lambda shape: st.tuples(st.just(shape), st.lists(st.integers(1, 3), min_size=len(shape), max_size=len(shape)))))
def test_strides_of_sliced_views_are_those_of_a_copy(case):
    shape, steps = case
    Z = np.arange(np.prod(shape)).reshape(shape)[tuple(slice(None, None, s) for s in steps)]
    assert strides.strides(Z, "C") == Z.copy(order="C").strides


@given(hnp.arrays(np.int64, st.integers(0, 60), elements=st.integers(0, 3)),
       hnp.arrays(np.int64, st.integers(1, 4), elements=st.integers(0, 3)))
def test_subsequence_against_brute_force(seq, sub):
    expected = [i for i in range(len(seq) - len(sub) + 1) if all(seq[i + k] == sub[k] for k in range(len(sub)))]
    assert subsequence.find_numpy(seq, sub).tolist() == expected
    assert subsequence.find_python(seq.tolist(), sub.tolist()) == expected


@given(hnp.arrays(np.uint8, st.tuples(st.integers(1, 12), st.integers(1, 12), st.just(3)),
                  elements=st.sampled_from([0, 1, 127, 128, 254, 255])),
       st.integers(1, 20), st.sampled_from(["kmeans", "frequent"]))
def test_quantize_never_more_than_n_colours(I, n, method):
    Q, palette = quantize.quantize(I, n, method, 5, rng(0, "property"))
    used = {tuple(c) for c in Q.reshape(-1, 3).tolist()}
    assert Q.shape == I.shape and Q.dtype == np.uint8
    assert len(used) <= n and used <= {tuple(c) for c in palette.tolist()}
    assert len(np.unique(palette, axis=0)) == len(palette)
    if len({tuple(c) for c in I.reshape(-1, 3).tolist()}) <= n:
        np.testing.assert_array_equal(Q, I)  # enough colours: nothing changes
