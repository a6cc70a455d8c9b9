import numpy as np
import pytest

import records
from coursekit.core import InputError

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
    assert len(records.read_table(COURSE.replace("\n", "\r\n") + "\r\n\r\n")) == 9
    assert len(records.parse(COURSE.replace("\n", "\r\n") + "\r\n\r\n")) == 9


def test_round_trip_gives_back_the_same_arrays_and_dtype():
    data = records.read_table(COURSE)
    names, data_back, sorted_back = records.round_trip(data, records.sort_by_frequency(data))
    assert names == ["data", "sorted"] and data_back.dtype == records.DTYPE
    assert data_back.tolist() == data.tolist()
    assert sorted_back["frequency"].tolist() == sorted(data["frequency"].tolist())


@pytest.mark.parametrize("text,message", [
    ("% header\n1 a 2\n", r"data.txt, line 2: expected 4 columns .* found 3"),
    ("1 a 2 0.5 9\n", r"data.txt, line 1: expected 4 columns .* found 5"),
    ("1 a 2 0.5\nx b 3 0.5\n", r"data.txt, line 2: rank must be an integer, got 'x'"),
    ("1 a 2.5 0.5\n", r"line 1: frequency must be an integer, got '2.5'"),
    ("1 a 2 high\n", r"line 1: dispersion must be a number, got 'high'"),
    ("1 abcdefghijk 2 0.5\n", r"line 1: lemma 'abcdefghijk' has 11 characters, at most 10"),
    ("", r"data.txt: no data rows"),
    ("% rank lemma (10 letters max) frequency dispersion\n", r"no data rows"),
    # hostile tables: what a plain loadtxt would alter or crash on
    ("1 a 99999999999999999999 0.5\n", r"data.txt, line 1: frequency 99999999999999999999 is outside the 64-bit"),
    ("1 a 10 0.5\n-99999999999999999999 b 1 0.5\n", r"data.txt, line 2: rank -99999999999999999999 is outside"),
    ("1 a\x00b 10 0.5\n", r"data.txt, line 1, column 4: control character U\+0000 is not allowed"),
    ("% header\n1 a 10 0.5\n2 b\x0c 3 0.5\n", r"data.txt, line 3, column 4: control character U\+000C"),
    ("1 a 10 0.5\n2 b\x1b[31m 3 0.5\n", r"data.txt, line 2, column 4: control character U\+001B"),
])
def test_read_table_bad_input(text, message):
    with pytest.raises(InputError, match=message):
        records.read_table(text)


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


def test_load_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "data.txt"
    path.write_bytes("\ufeff% rank lemma frequency dispersion\r\n1 café 10 0.5\r\n".encode("utf-8"))
    data = records.load(path)
    assert data["lemma"].tolist() == ["café"] and data["rank"].tolist() == [1]


@pytest.mark.parametrize("where,message", [("/dev/zero", "is a character device; only regular files are read"),
                                           ("fifo", "is a FIFO \\(named pipe\\); only regular files are read"),
                                           ("folder", "is a folder; only regular files are read")])
def test_load_reads_only_regular_files(tmp_path, where, message):
    """A FIFO would block the reader forever; /dev/zero would fill the memory."""
    import os

    path = {"fifo": tmp_path / "fifo", "folder": tmp_path, "/dev/zero": "/dev/zero"}[where]
    if where == "fifo":
        os.mkfifo(path)
    with pytest.raises(InputError, match=message):
        records.load(path)


def test_load_refuses_a_table_over_the_cap(tmp_path):
    import os

    from coursekit.core import TEXT_MAX_BYTES

    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(TEXT_MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(InputError, match=r"huge.txt: 16,777,217 bytes, more than the 16,777,216 bytes \(16 MiB\) "
                                         r"allowed for a data table \(config key records.data\)"):
        records.load(path)
    assert os.path.getsize(path) == TEXT_MAX_BYTES + 1


@pytest.mark.parametrize("rows", [1, 2])
def test_answers_with_fewer_than_three_rows(tmp_path, rows):
    import answers

    path = tmp_path / "data.txt"
    path.write_text("".join(f"{i} w{i} {10 * i} 0.5\n" for i in range(1, rows + 1)))
    records.save(tmp_path / "sorted.npz", records.load(path), records.sort_by_frequency(records.load(path)))
    text = answers.io_section(path, tmp_path / "sorted.npz")
    assert f"The 3rd row: there is none, the table has {rows} row" in text
