"""The config: read strictly (file, line and column in every message), checked against the schema.

The Snakefile calls :func:`read_yaml` on every config file and
:func:`check_config` on the merged config before any job starts; each problem
is one line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import functools
from pathlib import Path

from coursekit.core import InputError, read_bytes

# PyYAML is imported where it is used: the quantize command imports the package while its image decodes,
# and would wait 10 ms for PyYAML.
CONFIG_MAX_BYTES = 1 << 20  # a config file: config.yaml is 4 kB; a 1,000,000-item list (3 MB) took 30 s to check


def _allowed(error):
    """Say in words what the schema allows where ``error`` failed."""
    kind, limit = error.validator, error.validator_value
    words = {
        "type": lambda: f"must be of type {limit if isinstance(limit, str) else ' or '.join(limit)}",
        "minimum": lambda: f"must be at least {limit}",
        "maximum": lambda: f"must be at most {limit}",
        "exclusiveMinimum": lambda: f"must be greater than {limit}",
        "exclusiveMaximum": lambda: f"must be less than {limit}",
        "enum": lambda: f"must be one of {', '.join(map(repr, limit))}",
        "minItems": lambda: f"must have at least {limit} item(s)",
        "maxItems": lambda: f"must have at most {limit} item(s)",
        "uniqueItems": lambda: "must not repeat an item",
        "minProperties": lambda: f"must have at least {limit} entry(ies)",
        "pattern": lambda: f"must match the pattern {limit} (as a whole)",
        "minLength": lambda: f"must have at least {limit} character(s)",
    }
    return words.get(kind, lambda: error.message)()


def _validator(schema):
    """A JSON-schema validator, stricter than the standard in two ways that matter for a config.

    - ``integer`` means a YAML integer: JSON Schema also accepts 2018.0, which
      then reaches NumPy as a float (``seed: 2018.0`` was a TypeError in a job);
    - ``pattern`` must match the whole value: with ``re.search``, ``$`` also
      matches before a final newline, so ``"cat\\n"`` passed ``^[a-z]+$``.
    """
    import re
    import sys

    # jsonschema imports rfc3987_syntax where it is installed (Jupyter brings it, requirements-notebook.txt) to
    # check the "iri" format, and that module builds a grammar for 1.1 s at import, on every Snakemake start and
    # every course-check: the schema checks no such format, so the import is declined (jsonschema allows it).
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
    import jsonschema

    base = jsonschema.Draft202012Validator

    def whole_pattern(validator, pattern, instance, schema):
        if validator.is_type(instance, "string") and not re.fullmatch(pattern, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    types = base.TYPE_CHECKER.redefine("integer", lambda checker, x: isinstance(x, int) and not isinstance(x, bool))
    return jsonschema.validators.extend(base, {"pattern": whole_pattern}, type_checker=types)(schema)


def _shown(value, width=80):
    """``repr(value)``, cut to about ``width`` characters: a list of a million items is named, not printed."""
    text = repr(value)
    if len(text) <= width:
        return text
    if isinstance(value, list):
        return f"[{', '.join(repr(v) for v in value[:5])}, ... ({len(value):,} items)]"
    return text[:width - 3] + "..."


def config_errors(config, schema):
    """List every way ``config`` breaks ``schema``, one readable line each.

    Each line names the key (dotted path), the value and what is allowed,
    e.g. ``diffusion.F = 0.7 is not allowed: must be at most 0.5``.
    """
    if not isinstance(config, dict):
        return [f"the file must hold a mapping of keys (as config.yaml in the repository does), got {config!r}"]
    lines = []
    for error in sorted(_validator(schema).iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path]):
        key = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - set(allowed)):
                where = f"{key}.{extra}" if key else extra
                lines.append(f"unknown key '{where}'; allowed here: {', '.join(allowed)}")
        elif error.validator == "required":
            lines.append(f"{error.message} (in '{key or 'the top level'}')")
        elif "propertyNames" in error.schema_path:
            lines.append(f"{key} has an entry named {error.instance!r}, which is not allowed: names "
                         f"{_allowed(error)}")
        else:
            hint = ""
            if error.validator == "type" and error.validator_value == "integer" and isinstance(error.instance, float) \
                    and error.instance.is_integer():
                hint = f" (write {int(error.instance)}, without the decimal point)"
            lines.append(f"{key or 'the top level'} = {_shown(error.instance)} is not allowed: {_allowed(error)}{hint}")
    return lines


def from_command_line(config, overrides, schema):
    """Read the numbers that ``--config key={...}`` left as text, where the schema wants a number.

    Snakemake reads a value given with ``--config`` such as ``diffusion={F: 0.3}``
    with YAML's base loader, which keeps every nested scalar as a string
    (``'0.3'``). Where ``overrides`` (Snakemake's parsed ``--config``) put a
    string and the schema asks for a number, an integer or a boolean, the string
    is read as YAML would read it in a file; text stays text everywhere else.
    Changes ``config`` in place.
    """
    import yaml

    definitions = schema.get("$defs", {})

    def resolve(node):
        while isinstance(node, dict) and "$ref" in node:
            node = definitions[node["$ref"].rsplit("/", 1)[-1]]
        return node or {}

    def wanted(node):
        kind = resolve(node).get("type")
        return set([kind] if isinstance(kind, str) else kind or [])

    def convert(value, node):
        node = resolve(node)
        if isinstance(value, str) and "string" not in wanted(node) and wanted(node) & {"number", "integer", "boolean"}:
            try:
                read = yaml.safe_load(value)
            except yaml.YAMLError:
                return value
            return read if isinstance(read, (int, float, bool)) else value
        if isinstance(value, list):
            return [convert(v, node.get("items", {})) for v in value]
        if isinstance(value, dict):
            properties = node.get("properties", {})
            return {k: convert(v, properties.get(k, node.get("additionalProperties", {}))) for k, v in value.items()}
        return value

    def walk(target, given, node):
        for key, value in given.items():
            if key not in target:
                continue
            sub = resolve(node).get("properties", {}).get(key, {})
            if isinstance(value, dict) and isinstance(target[key], dict):
                walk(target[key], value, sub)
            else:
                target[key] = convert(target[key], sub)

    walk(config, overrides or {}, schema)
    return config


def load_yaml(text):
    """``yaml.safe_load``, with PyYAML's C parser (libyaml) when it is built in: ten times faster.

    Every Snakemake start reads config.yaml and the schema, so this is paid on every run.
    Same values, same line and column in syntax errors.
    """
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.cache
def strict_loader():
    """YAML's safe loader (libyaml when built in) that refuses a key given twice in one mapping.

    Made on first use, so that importing this module does not import PyYAML
    (10 ms: the quantize command decodes its image meanwhile).
    """
    import yaml

    class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        def construct_mapping(self, node, deep=False):
            seen = {}
            for key_node, _ in node.value:
                key = key_node.value if key_node.tag.endswith((":str", ":int", ":float", ":bool", ":null")) else None
                if key is not None and key in seen:
                    raise InputError(f"lines {seen[key] + 1} and {key_node.start_mark.line + 1}: key {key!r} is "
                                     "given twice in the same mapping (YAML would keep the last silently); keep one")
                seen.setdefault(key, key_node.start_mark.line)
            return super().construct_mapping(node, deep)

    return StrictLoader


def read_yaml(path, cap=CONFIG_MAX_BYTES):
    """Read a config file strictly: a YAML mapping, no anchors or aliases, no key given twice.

    Anchors and aliases (``&a``, ``*a``) are refused: a config has no use for
    them, and ten nested aliases make a billion values (the "billion laughs").

    Raises
    ------
    InputError
        Naming the file and the line (and column): a syntax error (with the
        line where the construct it broke was opened), an alias, a duplicate
        key, an empty file, a file that is not a mapping, not UTF-8, not a
        regular file or larger than ``cap`` bytes.
    """
    import yaml

    raw = read_bytes(path, cap, "a config file")
    try:
        text = raw.decode("utf-8-sig")
        for token in yaml.scan(text, Loader=strict_loader()):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                mark = token.start_mark
                raise InputError(f"line {mark.line + 1}, column {mark.column + 1}: YAML anchors and aliases "
                                 f"('&{token.value}', '*{token.value}') are not allowed in a config: "
                                 "write the values out")
        data = yaml.load(text, Loader=strict_loader())
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(f"{path}, line {line}: byte 0x{raw[error.start]:02x} is not UTF-8 text") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        opened = ""
        if error.context and error.context_mark and error.problem_mark and \
                error.context_mark.line != error.problem_mark.line:
            opened = f" ({error.context} opened on line {error.context_mark.line + 1}, " \
                     f"column {error.context_mark.column + 1})"
        raise InputError(f"{path}, line {mark.line + 1}, column {mark.column + 1}: YAML syntax error: "
                         f"{error.problem or error.context}{opened}") from None
    except InputError as error:
        raise InputError(f"{path}, {error}") from None
    if data is None:
        raise InputError(f"{path}: the file is empty; it must hold the course's parameters "
                         "(see config.yaml in the repository: git show HEAD:config.yaml)")
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of keys at the top level, got {type(data).__name__}")
    return data


def fill_defaults(config, schema):
    """Give every key the schema has a ``default`` for, and ``config`` lacks, that default (in place; returned).

    An object whose keys all have defaults is made when missing, so a config (``--replace-workflow-config``
    small.yaml) may name only what it changes. A key without a default stays required.
    """
    import copy

    def whole(sub):  # a default, or an object whose required keys all have one
        return "default" in sub or (sub.get("type") == "object" and all(
            whole(sub.get("properties", {}).get(k, {})) for k in sub.get("required", [])))

    for key, sub in schema.get("properties", {}).items():
        if key not in config and whole(sub):
            config[key] = copy.deepcopy(sub["default"]) if "default" in sub else {}
        if isinstance(config.get(key), dict) and sub.get("type") == "object":
            fill_defaults(config[key], sub)
    return config


def check_config(config, schema_path, source="config.yaml", overrides=None):
    """Validate ``config`` against the JSON schema; raise InputError listing every problem.

    ``overrides`` are the values given with ``--config``: their numbers, left as
    text by Snakemake, are read first (see :func:`from_command_line`).
    """
    from coursekit.modules import declared, schema_of, with_defaults

    schema = load_yaml(Path(schema_path).read_text(encoding="utf-8"))
    for declaration in declared():  # a module's own config key: its schema and defaults are in the module
        schema["properties"][declaration.module] = schema_of(declaration)
    from_command_line(config, overrides, schema)
    fill_defaults(config, schema)  # the schema's defaults are the defaults: config.yaml names every key anyway
    with_defaults(config)
    errors = config_errors(config, schema)
    if errors:
        raise InputError(f"invalid configuration in {source}:\n  " + "\n  ".join(errors))
    return config
