"""The schema's defaults are the defaults: applied to a config that leaves keys out, and equal to config.yaml."""

from pathlib import Path

import yaml

from coursekit.config import check_config, fill_defaults

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"


def defaults_of(schema, path=()):
    """Every (key path, default) of the schema, walked by hand."""
    for key, sub in schema.get("properties", {}).items():
        if "default" in sub:
            yield path + (key,), sub["default"]
        if sub.get("type") == "object":
            yield from defaults_of(sub, path + (key,))


def test_config_yaml_holds_the_schemas_defaults():
    """config.yaml documents every key with the course's value; the schema's default is that value."""
    config, schema = yaml.safe_load((ROOT / "config.yaml").read_text()), yaml.safe_load(SCHEMA.read_text())
    found = list(defaults_of(schema))
    assert len(found) >= 50
    for path, default in found:
        value = config
        for key in path:
            value = value[key]
        assert value == default or (default == {} and isinstance(value, dict)), path


def test_a_config_naming_only_what_it_changes_gets_the_defaults():
    config = {"seed": 7, "quantize": {"images": {"kitten": "data/course/kitten.jpg"}}, "diffusion": {"steps": 9}}
    checked = check_config(config, SCHEMA, source="small.yaml")
    assert checked["seed"] == 7 and checked["diffusion"]["steps"] == 9
    assert checked["diffusion"]["size"] == 100 and checked["random_walk"]["n"] == 1000  # the course's
    assert checked["check"]["sandbox"] == "auto"


def test_the_defaults_alone_are_config_yaml():
    """A config of one key is config.yaml with that key changed: every other value comes from the schema."""
    from coursekit.modules import with_defaults

    config = yaml.safe_load((ROOT / "config.yaml").read_text())  # and the defaults of an exercise added as a module
    assert check_config({"seed": 1}, SCHEMA, source="small.yaml") == with_defaults({**config, "seed": 1})


def test_fill_defaults_on_a_hand_made_schema():
    schema = {"properties": {"a": {"type": "integer", "default": 1},
                             "b": {"type": "object", "required": ["c"], "properties": {"c": {"default": [2]}}},
                             "d": {"type": "object", "required": ["e"], "properties": {"e": {"type": "string"}}}}}
    assert fill_defaults({}, schema) == {"a": 1, "b": {"c": [2]}}
    assert fill_defaults({"a": 5, "b": {}}, schema) == {"a": 5, "b": {"c": [2]}}
