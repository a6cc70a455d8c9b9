"""What the notebook check takes from the cells a student ran, and how it names them back."""

from coursekit.students.notebook import cell_of, check, module_source


def test_module_source_keeps_definitions_in_the_order_they_ran():
    cells = ["", "import numpy as np\nfrom diffusion import sliding_window\nimport coursekit.students.notebook",
             "get_ipython().run_line_magic('matplotlib', 'inline')", "def f(x):\n    return x + 1",
             "Z = np.zeros(3)\nfor i in range(3):\n    print(i)", "def f(x):  # redefined\n    return x + 2",
             "def broken(:", "check('m.f')"]
    assert module_source(cells, modules={"diffusion", "coursekit"}) == (
        "# In[1]\nimport numpy as np\n\n\n"
        "# In[3]\ndef f(x):\n    return x + 1\n\n\n"
        "# In[4]\nZ = np.zeros(3)\n\n\n"
        "# In[5]\ndef f(x):\n    return x + 2\n")


def test_cell_of_finds_the_cell_a_line_came_from():
    source = module_source(["", "import numpy as np", "x = 1", "def g():\n    return 1"], modules=set())
    lines = source.splitlines()
    assert cell_of(source, lines.index("    return 1") + 1) == 3
    assert cell_of(source, lines.index("x = 1") + 1) == 2
    assert cell_of("no marker\n", 1) is None


def test_an_error_names_the_students_cell_not_a_file(tmp_path):
    verdict = check("strides.strides", cells=["", "import numpy as np", "x = 1",
                                              "def strides(Z, order=None):\n    return Z.stridez"])
    assert verdict.status == "error"
    assert repr(verdict) == ("strides.strides: error: your cell [3], in strides: AttributeError: 'numpy.ndarray' "
                             "object has no attribute 'stridez'")
    assert "<pre" in verdict._repr_html_() and "&#x27;numpy.ndarray&#x27;" in verdict._repr_html_()


def test_a_missing_function_is_todo_in_the_students_words():
    verdict = check("strides.strides", cells=["", "import numpy as np"])
    assert repr(verdict) == "strides.strides: todo: the cells you ran define no function strides"


def test_an_unknown_name_is_one_error_line():
    verdict = check("strides.stridez", cells=[""])
    assert verdict.status == "error" and "did you mean strides.strides" in repr(verdict)
    assert len(repr(verdict).splitlines()) == 1
