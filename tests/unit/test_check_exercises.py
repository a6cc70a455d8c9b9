"""The exercises whose check is more than comparing values: tools (judged by what they report), the Perceptron
class (a recipe of method calls), k-means, unique colours and the savez round trip."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from coursekit.students import check, skeletons

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def row_of(tmp_path, module, name, source):
    (tmp_path / f"{module}.py").write_text(source)
    limits = check.limits_of({"timeout": 20, "memory_mb": 2048})
    return check.check_function({"module": module, "name": name}, tmp_path, 2018, CONFIG, limits)


INFO = ("import numpy as np\n\ndef info(Z):\n    return '\\n'.join([f'shape: {Z.shape}', f'dtype: {Z.dtype}', "
        "f'strides: {Z.strides}', f'own data: {Z.flags.owndata}', f'writeable: {WRITEABLE}', "
        "f'C contiguous: {Z.flags.c_contiguous}', f'Fortran contiguous: {Z.flags.f_contiguous}'])\n")


def test_info_in_a_format_of_ones_own_is_correct(tmp_path):
    row = row_of(tmp_path, "tools", "info", INFO.replace("{WRITEABLE}", "{Z.flags.writeable}"))
    assert row["status"] == "correct" and "accepted as descriptions" in row["detail"], row


def test_info_that_calls_a_read_only_array_writeable_is_wrong(tmp_path):
    row = row_of(tmp_path, "tools", "info", INFO.replace("{WRITEABLE}", "True"))
    assert row["status"] == "wrong", row
    assert "it reports writeable: True for this array; Z.flags.writeable is False" in row["detail"]


def test_info_that_calls_every_array_c_ordered_is_wrong(tmp_path):
    """The course's sample output ticks C or Fortran; a view with gaps is neither, a Fortran array is not C."""
    source = INFO.replace("{WRITEABLE}", "{Z.flags.writeable}").replace("{Z.flags.c_contiguous}", "True")
    row = row_of(tmp_path, "tools", "info", source)
    assert row["status"] == "wrong" and "C contiguous: True for this array; Z.flags.c_contiguous is False" \
        in row["detail"], row


def test_info_that_forgets_the_strides_is_wrong(tmp_path):
    source = INFO.replace("{WRITEABLE}", "{Z.flags.writeable}").replace("f'strides: {Z.strides}', ", "")
    row = row_of(tmp_path, "tools", "info", source)
    assert row["status"] == "wrong" and "no line 'strides: (32, 8)'" in row["detail"], row


def test_sysinfo_that_prints_only_is_wrong_and_one_with_a_wrong_version_too(tmp_path):
    printed = row_of(tmp_path, "tools", "sysinfo", "import numpy\n\ndef sysinfo():\n    print('Numpy:', numpy.__version__)\n")
    assert printed["status"] == "wrong", printed
    assert printed["detail"] == ("case 1 of 1, sysinfo(): it returns NoneType, not the text (printing it is not "
                                 f"returning it)\nit printed: Numpy: {np.__version__}")  # once: not again when timed
    source = ("import platform, numpy, scipy, matplotlib\n\ndef sysinfo():\n    return '\\n'.join(["
              "'Python: ' + platform.python_version(), 'NumPy: 1.14.5', 'SciPy: ' + scipy.__version__, "
              "'Matplotlib: ' + matplotlib.__version__])\n")
    row = row_of(tmp_path, "tools", "sysinfo", source)
    assert row["status"] == "wrong" and f"the version running it is {np.__version__}" in row["detail"], row


PERCEPTRON = (ROOT / "workflow/scripts/perceptron.py").read_text()


def test_the_perceptron_class_from_its_skeleton_is_todo_naming_the_method(tmp_path):
    exercises = [e for e in skeletons.all_exercises() if e.module == "perceptron"]
    text = skeletons.skeleton("perceptron", exercises)
    assert "class Perceptron:" in text and text.count("        raise NotImplementedError") == 4
    row = row_of(tmp_path, "perceptron", "Perceptron", text)
    assert row["status"] == "todo" and row["detail"] == "still raises NotImplementedError (in Perceptron.__init__)"


def test_a_perceptron_learning_the_wrong_way_is_wrong_at_the_first_call_that_differs(tmp_path):
    source = PERCEPTRON.replace("error = np.atleast_2d(target - self.output)",
                                "error = np.atleast_2d(self.output - target)")
    row = row_of(tmp_path, "perceptron", "Perceptron", source)
    assert row["status"] == "wrong", row
    assert row["detail"].startswith("case 1 of 2, Perceptron(2, 1, rng): call ")
    assert ", propagate_forward([" in row["detail"] and "yours " in row["detail"]


def test_a_perceptron_whose_forward_returns_a_list_is_wrong_on_the_type(tmp_path):
    source = PERCEPTRON.replace("        return self.output\n", "        return self.output.tolist()\n")
    row = row_of(tmp_path, "perceptron", "Perceptron", source)
    assert row["status"] == "wrong" and "call 2 of 81, propagate_forward(" in row["detail"], row
    assert "returns a list; the exercise asks for an array of floats (float64)" in row["detail"], row


@pytest.mark.parametrize("module,name,source,status,said", [
    # the course's cluster_centroids: the mean of an empty cluster is NaN
    ("quantize", "cluster_centroids",
     "import numpy as np\n\ndef cluster_centroids(data, clusters, centroids):\n"
     "    result = np.empty(centroids.shape)\n    for i in range(len(centroids)):\n"
     "        result[i] = data[clusters == i].mean(axis=0)\n    return result\n",
     "wrong", "at index [3, 0]: yours nan"),
    ("quantize", "unique_colors",
     "import numpy as np\n\ndef unique_colors(I):\n"
     "    return np.unique(I.reshape(-1, 3).astype(np.int64), axis=0, return_counts=True)\n",
     "wrong", "the exercise asks for an array of integers (uint8)"),
    # np.load's lazy NpzFile is not what was saved
    ("records", "round_trip",
     "import numpy as np, tempfile, os\n\ndef round_trip(data, sorted):\n"
     "    folder = tempfile.mkdtemp()\n    np.savez(os.path.join(folder, 's.npz'), data=data, sorted=sorted)\n"
     "    return np.load(os.path.join(folder, 's.npz'))\n",
     "error", "an object of type NpzFile"),
    # a dtype changed on the way: the values agree, the dtype does not
    ("records", "round_trip",
     "import numpy as np\n\ndef round_trip(data, sorted):\n"
     "    return ['data', 'sorted'], data.astype([('rank', '<i8'), ('lemma', '<U20'), "
     "('frequency', '<i8'), ('dispersion', '<f8')]), sorted\n",
     "wrong", "the exercise asks for"),
])
def test_a_wrong_answer_is_named(tmp_path, module, name, source, status, said):
    row = row_of(tmp_path, module, name, source)
    assert row["status"] == status and said in row["detail"], row


def test_kmeans_written_with_broadcasting_is_correct(tmp_path):
    source = ("import numpy as np\n\ndef cluster_centroids(data, clusters, centroids):\n"
              "    new = np.array(centroids, dtype=float)\n"
              "    counts = np.bincount(clusters, minlength=len(new))\n"
              "    sums = np.zeros_like(new)\n    np.add.at(sums, clusters, data)\n"
              "    new[counts > 0] = sums[counts > 0] / counts[counts > 0, None]\n    return new\n\n"
              "def kmeans(data, centroids, steps=20):\n    data = np.asarray(data, float)\n"
              "    centroids = np.array(centroids, float)\n    for _ in range(max(steps, 1)):\n"
              "        D = ((data[:, None, :] - centroids[None]) ** 2).sum(-1)\n        clusters = D.argmin(1)\n"
              "        new = cluster_centroids(data, clusters, centroids)\n"
              "        if np.array_equal(new, centroids):\n            break\n        centroids = new\n"
              "    return centroids, clusters\n")
    assert row_of(tmp_path, "quantize", "kmeans", source)["status"] == "correct"
