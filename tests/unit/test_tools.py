import re

import numpy as np
import pytest

import tools


def field(text, name):
    return re.search(rf"{name}:\s+(.*)", text).group(1).strip()


@pytest.mark.parametrize("Z,order", [
    (np.arange(9).reshape(3, 3), "☑ C  ☐ Fortran"),
    (np.asfortranarray(np.arange(6).reshape(2, 3)), "☐ C  ☑ Fortran"),
    (np.arange(24).reshape(4, 6)[::2, 1:], "☐ C  ☐ Fortran"),
])
def test_info_fields(Z, order):
    text = tools.info(Z)
    assert field(text, "shape") == str(Z.shape)
    assert field(text, "dtype") == str(Z.dtype)
    assert field(text, "length") == str(len(Z))
    assert field(text, "size") == str(Z.size)
    assert field(text, "order") == order
    assert field(text, "item size") == str(Z.itemsize)
    assert field(text, "array size") == str(Z.size * Z.itemsize)
    assert field(text, "strides") == str(Z.strides)
    assert field(text, "own data").startswith("☑ Yes" if Z.base is None else "☐ Yes")
    assert field(text, "contiguous").startswith("☑ Yes" if order != "☐ C  ☐ Fortran" else "☐ Yes")


def test_info_endianness():
    assert "big" in field(tools.info(np.zeros(2, ">i4")), "endianness")
    assert "native" in field(tools.info(np.zeros(2)), "endianness")
    assert field(tools.info(np.zeros(2, np.uint8)), "endianness") == "not applicable"


def test_info_read_only_view():
    Z = np.zeros(4)
    Z.flags.writeable = False
    assert field(tools.info(Z), "writeable").startswith("☐ Yes")


def test_sysinfo_names_each_package():
    text = tools.sysinfo()
    for name in ("Date", "Python", "Numpy", "Scipy", "Matplotlib", "Imageio", "Snakemake", "Platform"):
        assert re.search(rf"^{name}:\s+\S", text, re.M), name
    assert field(text, "Numpy") == np.__version__


def test_timeit_counts_calls():
    calls = []
    result = tools.timeit(lambda: calls.append(1), repeats=3, number=5)
    assert len(calls) == 15 and len(result["times"]) == 3
    assert result["min"] <= result["median"] <= result["max"]


def test_xterm_palette_by_its_formula():
    P = tools.xterm_palette()
    assert P.shape == (256, 3) and P[16].tolist() == [0, 0, 0] and P[231].tolist() == [255, 255, 255]
    assert P[16 + 36 * 5].tolist() == [255, 0, 0] and P[232].tolist() == [8, 8, 8] and P[255].tolist() == [238] * 3


def nearest_code_by_loop(rgb):
    """The 256-colour code nearest to rgb, by a plain loop over codes 16..255."""
    P = tools.xterm_palette().astype(int).tolist()
    return min(range(16, 256), key=lambda c: sum((P[c][k] - rgb[k]) ** 2 for k in range(3)))


def test_imshow_in_the_course_colours_row_0_on_top():
    import re

    import matplotlib

    Z = np.array([[0.0, 0.5], [1.0, 0.25]])
    lines = tools.imshow(Z, 0, 1).splitlines()
    codes = [[int(c) for c in re.findall(r"48;5;(\d+)m", line)] for line in lines]
    for row, values in zip(codes, Z):
        for code, value in zip(row, values):
            assert code == nearest_code_by_loop(matplotlib.colormaps["viridis"](value)[:3] * np.array(255))
    assert lines[0].endswith("+1.00") and lines[1].endswith("+0.00")  # the colour bar, top to bottom
    assert len(tools.imshow(np.arange(5)).splitlines()) == 1
    with pytest.raises(ValueError, match="1-D or 2-D"):
        tools.imshow(np.zeros((2, 2, 2)))


def test_tools_text_shows_four_arrays_and_the_order_boxes():
    text, Z = tools.tools_text(2018)
    assert text.count("Interface (item)") == 4 and Z.shape == (20, 40)
    assert "order:       ☐ C  ☐ Fortran" in text  # the non-contiguous view: neither
    assert "endianness:  big (swapped)" in text or "endianness:  big (native)" in text
    assert text.count("\x1b[48;5;") == 20 * 40 + 20
