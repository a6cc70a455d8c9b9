import numpy as np
import pytest

import records
from pipeline import InputError

COURSE = """% rank lemma (10 letters max) frequency dispersion
21 they 1865844 0.96
42 her 969591 0.91
49 as 829018 0.95
7 to 6332195 0.98
63 take 670745 0.97
14 you 3085642 0.92
35 go 1151045 0.93
56 think 772787 0.91
28 not 1638883 0.98
"""


def test_parse_agrees_with_loadtxt(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text(COURSE)
    expected = np.loadtxt(path, comments="%", dtype=records.DTYPE)
    np.testing.assert_array_equal(records.load(path), expected)


def test_sort_by_frequency_ascending_and_stable():
    data = records.parse("1 a 5 0.1\n2 b 3 0.2\n3 c 5 0.3\n4 d 1 0.4\n")
    assert records.sort_by_frequency(data)["lemma"].tolist() == ["d", "b", "a", "c"]


def test_ten_letter_lemma_kept_whole():
    data = records.parse("1 dispersion 10 0.5\n")
    assert data["lemma"][0] == "dispersion"


def test_round_trip(tmp_path):
    data = records.parse(COURSE + "70 dispersion 12 0.5\n")
    sorted = records.sort_by_frequency(data)
    records.save(tmp_path / "sorted.npz", data, sorted)
    out = records.load_npz(tmp_path / "sorted.npz")
    assert out["data"].dtype == records.DTYPE
    np.testing.assert_array_equal(out["data"], data)
    np.testing.assert_array_equal(out["sorted"], sorted)


def test_windows_line_endings_and_trailing_blank_lines():
    assert len(records.parse(COURSE.replace("\n", "\r\n") + "\r\n\r\n")) == 9


@pytest.mark.parametrize("text,message", [
    ("% header\n1 a 2\n", r"data.txt, line 2: expected 4 columns .* found 3"),
    ("1 a 2 0.5 9\n", r"data.txt, line 1: expected 4 columns .* found 5"),
    ("1 a 2 0.5\nx b 3 0.5\n", r"data.txt, line 2: rank must be an integer, got 'x'"),
    ("1 a 2.5 0.5\n", r"line 1: frequency must be an integer, got '2.5'"),
    ("1 a 2 high\n", r"line 1: dispersion must be a number, got 'high'"),
    ("1 abcdefghijk 2 0.5\n", r"line 1: lemma 'abcdefghijk' has 11 characters, at most 10"),
    ("", r"data.txt: no data rows"),
    ("% rank lemma (10 letters max) frequency dispersion\n", r"no data rows"),
])
def test_parse_bad_input(text, message):
    with pytest.raises(InputError, match=message):
        records.parse(text)


def test_load_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nothere.txt: no such file \(config key records.data\)"):
        records.load(tmp_path / "nothere.txt")


def test_load_not_utf8(tmp_path):
    path = tmp_path / "data.txt"
    path.write_bytes(b"1 a 2 0.5\n2 caf\xe9 3 0.5\n")
    with pytest.raises(InputError, match=r"data.txt, line 2: byte 0xe9 is not UTF-8"):
        records.load(path)


def test_npz_with_pickled_objects_is_refused(tmp_path):
    np.savez(tmp_path / "evil.npz", data=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle=False"):
        records.load_npz(tmp_path / "evil.npz")
