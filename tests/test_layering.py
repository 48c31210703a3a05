"""Import boundaries (issue 21): readers and exporters never reach the HTTP layer, and the core
(records, dates, text, links, the HTTP layer, the pipeline, the plugin machinery) never imports a
particular reader, exporter or enricher: they meet only through the plugin registry. Only the
composition (the session, the command line, the Python API, merge) names plugins. Checked on the
source, by the modules each file imports."""

from __future__ import annotations

import ast
from pathlib import Path

import papercite

PACKAGE = Path(papercite.__file__).parent
NETWORK = ("papercite.http", "requests", "urllib3", "requests_cache")
PLUGIN_FOLDERS = ("readers", "exporters", "enrichers")
COMPOSITION = ("cli", "api.py", "session.py", "merge.py")
PLUGINS = ("papercite.readers", "papercite.exporters", "papercite.enrichers")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _reaches(imports: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(i for i in imports if i.startswith(prefixes))


def test_readers_and_exporters_never_import_the_network():
    for folder in ("readers", "exporters"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            assert _reaches(_imports(path), NETWORK) == [], path.name


def _core() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in (*PLUGIN_FOLDERS, *COMPOSITION)
    ]


def test_the_core_never_imports_a_reader_exporter_or_enricher():
    core = _core()
    assert {"model.py", "pipeline.py", "names.py", "client.py", "check.py"} <= {path.name for path in core}
    for path in core:
        assert _reaches(_imports(path), PLUGINS) == [], path.relative_to(PACKAGE)


def test_the_api_is_listed_and_typed():
    assert {"read", "export", "enrich", "check_links"} <= set(dir(papercite))
    assert (PACKAGE / "py.typed").exists()
