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


def test_imshow_grey_levels():
    text = tools.imshow(np.array([[0.0, 1.0]]))
    assert text.count("\x1b[48;5;232m") == 1 and text.count("\x1b[48;5;255m") == 1
    assert len(tools.imshow(np.arange(5)).splitlines()) == 1
    with pytest.raises(ValueError, match="1-D or 2-D"):
        tools.imshow(np.zeros((2, 2, 2)))
