import copy
from pathlib import Path

import pytest
import yaml

from coursekit.config import check_config, config_errors, load_yaml, read_yaml
from coursekit.core import InputError

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


def errors_with(path, value):
    config = copy.deepcopy(CONFIG)
    *parents, last = path
    target = config
    for key in parents:
        target = target[key]
    target[last] = value
    return config_errors(config, SCHEMA)


def test_default_config_is_valid():
    assert config_errors(CONFIG, SCHEMA) == []


def schema_default(spec):
    """A key's documented default; for an object without one, its keys' defaults, at any depth."""
    return spec["default"] if "default" in spec else {k: schema_default(v) for k, v in spec["properties"].items()}


def test_schema_defaults_equal_config_yaml():
    """The schema's documented defaults are the values config.yaml ships with."""
    for section, spec in SCHEMA["properties"].items():
        assert schema_default(spec) == CONFIG[section], section
    assert set(SCHEMA["properties"]) == set(CONFIG) == set(SCHEMA["required"])


@pytest.mark.parametrize("path,value,message", [
    (("automata", "rules"), [30, 256], "automata.rules.1 = 256 is not allowed: must be at most 255"),
    (("automata", "rules"), [-1], "automata.rules.0 = -1 is not allowed: must be at least 0"),
    (("diffusion", "F"), 0.7, "diffusion.F = 0.7 is not allowed: must be at most 0.5"),
    (("diffusion", "F"), 0, "diffusion.F = 0 is not allowed: must be greater than 0"),
    (("diffusion", "steps"), 0, "diffusion.steps = 0 is not allowed: must be at least 1"),
    (("automata", "width"), "wide", "automata.width = 'wide' is not allowed: must be of type integer"),
    (("diffusion", "size"), [100], "diffusion.size = [100] is not allowed: must be of type integer"),
    (("random_walk", "n"), -5, "random_walk.n = -5 is not allowed: must be at least 1"),
    (("seed",), 1.5, "seed = 1.5 is not allowed: must be of type integer"),
])
def test_bad_values_name_key_value_and_rule(path, value, message):
    assert [message] == errors_with(path, value)


def test_unknown_keys_are_errors():
    config = copy.deepcopy(CONFIG)
    config["diffusion"]["Fo"] = 0.1
    config["colour"] = "red"
    errors = config_errors(config, SCHEMA)
    assert any("unknown key 'colour'" in e for e in errors)
    assert any("unknown key 'diffusion.Fo'; allowed here: F, amplitude" in e for e in errors)


def test_missing_key_is_named():
    config = copy.deepcopy(CONFIG)
    del config["automata"]["width"]
    assert config_errors(config, SCHEMA) == ["'width' is a required property (in 'automata')"]


def test_empty_config_file():
    assert "must hold a mapping" in config_errors(None, SCHEMA)[0]


def test_check_config_raises_with_every_problem():
    config = copy.deepcopy(CONFIG)
    config["diffusion"]["F"] = 1
    config["automata"]["steps"] = 0
    with pytest.raises(InputError, match="invalid configuration in my.yaml:") as info:
        check_config(config, ROOT / "workflow/schemas/config.schema.yaml", source="my.yaml")
    assert "diffusion.F = 1" in str(info.value) and "automata.steps = 0" in str(info.value)


@pytest.mark.parametrize("name", ["config.yaml", "workflow/schemas/config.schema.yaml", "workflow/sweep.yaml",
                                  "workflow/profiles/slurm/config.yaml"])
def test_fast_yaml_reads_what_pure_python_yaml_reads(name):
    """load_yaml (libyaml when built in) gives the same values as PyYAML's pure-Python safe_load."""
    text = (ROOT / name).read_text()
    assert load_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)


@pytest.mark.parametrize("text,line,column", [("a: 1\n b: 2\n", 2, 3), ("x:\n  F: [0.1\n  steps: 3\n", 3, 8),
                                              ("\tkey: 1\n", 1, 1)])
def test_yaml_syntax_error_names_line_and_column(tmp_path, text, line, column):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=rf"bad.yaml, line {line}, column {column}: YAML syntax error"):
        read_yaml(path)


# -- YAML read strictly -----------------------------------------------------------------------------


@pytest.mark.parametrize("path,value,message", [
    (("seed",), 2018.0, "seed = 2018.0 is not allowed: must be of type integer (write 2018, without the decimal point)"),
    (("quantize", "colors"), [16.0], "quantize.colors.0 = 16.0 is not allowed: must be of type integer"),
    (("automata", "width"), True, "automata.width = True is not allowed: must be of type integer"),
    (("quantize", "images"), {"cat\n": "data/course/kitten.jpg"},
     "quantize.images has an entry named 'cat\\n', which is not allowed: names must match the pattern"),
])
def test_integral_floats_booleans_and_trailing_newlines_refused(path, value, message):
    errors = errors_with(path, value)
    assert len(errors) == 1 and errors[0].startswith(message), errors


def write(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_billion_laughs_refused_at_once(tmp_path):
    import time

    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"c.yaml, line 1, column 5: YAML anchors and aliases \('&a0', '\*a0'\) "
                                         r"are not allowed"):
        read_yaml(write(tmp_path, "\n".join(lines) + "\n"))
    assert time.perf_counter() - start < 5  # (a bound on a hang, not a timing: it takes a millisecond)


@pytest.mark.parametrize("text,message", [
    ("seed: 1\nseed: 2\n", "c.yaml, lines 1 and 2: key 'seed' is given twice in the same mapping"),
    ("diffusion:\n  F: 0.1\n  steps: 3\n  F: 0.2\n", "c.yaml, lines 2 and 4: key 'F' is given twice"),
])
def test_duplicate_keys_name_both_lines(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        read_yaml(write(tmp_path, text))


def test_syntax_error_names_where_the_construct_opened(tmp_path):
    text = "".join(f"key{i}: {i}\n" for i in range(71)) + "automata:\n  rules: [30, 90\n\nfoo: 1\n"
    with pytest.raises(InputError) as info:
        read_yaml(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'c.yaml'}, line 75, column 4: YAML syntax error")  # where noticed ...
    assert message.endswith("(while parsing a flow sequence opened on line 73, column 10)")  # ... and where it began


def test_byte_order_mark_accepted(tmp_path):
    assert read_yaml(write(tmp_path, "\ufeffseed: 1\n")) == {"seed": 1}


@pytest.mark.parametrize("where,message", [("/dev/zero", "is a character device; only regular files are read"),
                                           ("folder", "is a folder; only regular files are read")])
def test_config_that_is_not_a_regular_file(tmp_path, where, message):
    path = tmp_path / "folder" if where == "folder" else Path(where)
    path.mkdir(exist_ok=True) if where == "folder" else None
    with pytest.raises(InputError, match=message):
        read_yaml(path)


def test_config_over_the_cap(tmp_path):
    path = write(tmp_path, "seed: 1\n" + "# padding\n" * 100)
    with pytest.raises(InputError, match=r"c.yaml: 1,008 bytes, more than the 100 bytes \(0 MiB\) allowed"):
        read_yaml(path, cap=100)


@pytest.mark.parametrize("overrides,expected", [
    ({"diffusion": {"F": "0.3"}}, ("diffusion", "F", 0.3)),
    ({"geometry": {"translate": ["2", "1.5"]}}, ("geometry", "translate", [2, 1.5])),
    ({"quantize": {"images": {"cat": "123"}}}, ("quantize", "images", {"cat": "123"})),  # a path stays text
])
def test_numbers_given_with_dash_dash_config_are_read_as_numbers(overrides, expected):
    """Snakemake reads `--config diffusion={F: 0.3}` with YAML's base loader: every nested value is a string."""
    from coursekit.config import from_command_line

    config = copy.deepcopy(CONFIG)
    for section, values in overrides.items():
        config[section].update(values)
    from_command_line(config, overrides, SCHEMA)
    section, key, value = expected
    assert config[section][key] == value and type(config[section][key]) is type(value)


def test_a_long_list_is_named_not_printed():
    errors = errors_with(("subsequence", "sub"), [1] * 2000)
    assert errors == ["subsequence.sub = [1, 1, 1, 1, 1, ... (2,000 items)] is not allowed: must have at most 1000 item(s)"]


def test_the_config_check_declines_the_slow_iri_grammar():
    """With Jupyter installed, jsonschema imported rfc3987_syntax, which builds a grammar for 1.1 s: every
    Snakemake start and course-check paid it. The schema checks no IRI, so that import is declined."""
    import subprocess
    import sys

    code = ("import sys\nfrom coursekit.config import _validator\n_validator({'type': 'object'})\n"
            "print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is None)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr
