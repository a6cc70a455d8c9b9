"""The layout a newcomer reads: the course in workflow/scripts/, the machinery in the package, no tangles."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "coursekit"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path):
    """Every module and name ``path`` imports, at any depth (functions included): [(module, name or None)]."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


def package_graph():
    """{module: set of coursekit modules it imports}, a name imported from a package counted as its module."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        edges = set()
        for module, imported in imports(path):
            if not module.startswith("coursekit"):
                continue
            target = f"{module}.{imported}" if imported and f"{module}.{imported}" in modules else module
            if target != name and target != "coursekit":
                edges.add(target)
        graph[name] = edges
    return graph


def test_no_import_cycle_in_the_package():
    graph = package_graph()
    state = {}

    def visit(node, trail):
        if state.get(node) == "done":
            return
        assert state.get(node) != "open", f"import cycle: {' -> '.join(trail + [node])}"
        state[node] = "open"
        for target in graph.get(node, ()):
            visit(target, trail + [node])
        state[node] = "done"

    for node in graph:
        visit(node, [])


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    """The test above can fail: a cycle made on purpose is found (an independent hand-made graph)."""
    import pytest

    monkeypatch.setattr(__import__(__name__), "package_graph", lambda: {"a": {"b"}, "b": {"c"}, "c": {"a"}})
    with pytest.raises(AssertionError, match="import cycle: a -> b -> c -> a"):
        test_no_import_cycle_in_the_package()


def test_no_private_name_imported_across_modules():
    sources = [*PACKAGE.rglob("*.py"), *(ROOT / "workflow" / "scripts").glob("*.py")]
    private = [(path.relative_to(ROOT).as_posix(), module, name) for path in sources
               for module, name in imports(path) if name and name.startswith("_") and module != "__future__"]
    assert private == []


def test_the_snakefile_is_a_table_of_contents():
    """No sys.path edits, no environment set there, no Python beyond calls of the package and the directives."""
    text = (ROOT / "Snakefile").read_text()
    assert "sys.path" not in text and "os.environ" not in text and "try:" not in text
    assert text.count("include: ") >= 10 and "rule all:" in text


def test_the_course_folder_holds_only_the_course():
    """workflow/scripts/ is the course: no module of the machinery left there, none imported from there by name."""
    machinery = {"pipeline", "manifest", "verify", "provenance", "budget", "exercises", "check", "compat", "course",
                 "page", "benchmarks", "bench_quantize", "images", "quantize_engine"}
    assert not machinery & {p.stem for p in (ROOT / "workflow" / "scripts").glob("*.py")}
