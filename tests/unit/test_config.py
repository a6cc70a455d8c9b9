import copy
from pathlib import Path

import pytest
import yaml

from pipeline import InputError, check_config, config_errors, load_yaml, read_yaml

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


def test_schema_defaults_equal_config_yaml():
    """The schema's documented defaults are the values config.yaml ships with."""
    for section, spec in SCHEMA["properties"].items():
        if "properties" in spec:
            for key, sub in spec["properties"].items():
                expected = sub["default"] if "default" in sub else {k: v["default"] for k, v in sub["properties"].items()}
                assert expected == CONFIG[section][key], f"{section}.{key}"
        else:
            assert spec["default"] == CONFIG[section], section
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
