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


def test_a_cell_nested_past_the_parser_is_left_out_not_a_crash():
    """'1' + '+1' * 200000 makes ast.parse raise RecursionError (MemoryError for deep unary minus): a hostile
    notebook must not stop the grading of the class."""
    hostile = ["1" + "+1" * 200000, "-" * 100000 + "1"]
    assert module_source(["", *hostile, "def f():\n    return 1"], modules=set()) == (
        "# In[3]\ndef f():\n    return 1\n")


def test_the_grader_reads_a_hostile_notebook_without_crashing(tmp_path):
    import nbformat

    from coursekit.students.grade import with_notebooks

    student = tmp_path / "eve"
    student.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1" + "+1" * 200000),
                                               nbformat.v4.new_code_cell("def strides(Z, order=None):\n    return 1")])
    nbformat.write(notebook, student / "2-warmup.ipynb")
    (student / "diffusion.py").write_text("x = " + "-" * 100000 + "1\n")  # their own file: copied as it is
    folder, from_notebook = with_notebooks(student, tmp_path / "work")
    assert (folder / "strides.py").read_text() == "# In[2]\ndef strides(Z, order=None):\n    return 1\n"
    assert "diffusion" not in from_notebook and (folder / "diffusion.py").read_text().startswith("x = ---")


def test_a_students_file_nested_past_the_parser_has_no_siblings(tmp_path):
    from coursekit.students.skeletons import imported_siblings

    (tmp_path / "automata.py").write_text("from diffusion import sliding_window\nx = " + "-" * 100000 + "1\n")
    assert imported_siblings(tmp_path / "automata.py", ["diffusion", "automata"]) == []


def test_a_check_past_its_overall_limit_is_a_timeout_verdict_not_a_traceback():
    verdict = check("reorder", cells=["", "import time\nX = time.sleep(30)"], timeout=2)
    assert verdict.status == "timeout" and repr(verdict) == "reorder.*: timeout: the check took more than 2 s in all"
