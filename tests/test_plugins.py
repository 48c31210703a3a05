"""The plugin core: built-ins, entry points, broken and duplicate plugins."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from papercite.cli import make_cli
from papercite.plugins import Exporter, PluginError, Registry, get_plugin_manager, hookimpl
from papercite.plugins import hookspecs as specs_module

GOOD = "CLMar 18, 2021\nGPT Understands, TooXiao Liu, Yanan Zheng, Zhengxiao Du et al.\nAbstract.\n"


def invoke(pm, args, input=None):
    return CliRunner().invoke(make_cli(lambda: pm), args, input=input, catch_exceptions=False)


def test_hookspecs_are_documented():
    for name in ("papercite_readers", "papercite_exporters", "papercite_enrichers"):
        doc = getattr(specs_module, name).__doc__
        assert "Called" in doc and "Return" in doc


def test_builtins_are_registered_through_the_hooks():
    registry = Registry(get_plugin_manager(entry_points=False))
    assert "listing" in registry.readers.names()
    assert "jsonl" in registry.exporters.names()
    assert registry.problems == []


def test_plugins_command_lists_builtins_as_json():
    result = invoke(get_plugin_manager(entry_points=False), ["plugins"])
    assert result.exit_code == 0
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["papercite.listing"]["builtin"] is True
    assert plugins["papercite.listing"]["hooks"] == ["papercite_readers"]
    assert plugins["papercite.listing"]["readers"] == ["listing"]
    assert plugins["papercite.exporters.jsonl"]["exporters"] == ["jsonl"]


class Shouting:
    """A throwaway plugin: a reader that upper-cases the titles of listing records."""

    @hookimpl
    def papercite_readers(self):
        from papercite.plugins import Reader
        from papercite.readers.listing import read_listing

        def read(lines, ctx):
            for record in read_listing(lines, ctx):
                yield type(record)(**{**{f: getattr(record, f) for f in record.__slots__}, "title": record.title.upper()})

        yield Reader(name="shouting", read=read)


def test_a_registered_plugin_is_used_and_listed():
    pm = get_plugin_manager(entry_points=False)
    pm.register(Shouting(), name="shouting-plugin")
    result = invoke(pm, ["parse", "--from", "shouting", "-"], input=GOOD)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "GPT UNDERSTANDS, TOO"
    listed = {p["name"]: p for p in json.loads(invoke(pm, ["plugins"]).stdout)}
    assert listed["shouting-plugin"]["builtin"] is False
    assert listed["shouting-plugin"]["readers"] == ["shouting"]


class Raising:
    @hookimpl
    def papercite_exporters(self):
        raise RuntimeError("plugin bug")


def test_a_plugin_raising_in_its_hook_is_reported_and_the_rest_works():
    pm = get_plugin_manager(entry_points=False)
    pm.register(Raising(), name="raising")
    result = invoke(pm, ["parse", "-"], input=GOOD)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "GPT Understands, Too"
    assert "plugin 'raising' raised in papercite_exporters: RuntimeError: plugin bug" in result.stderr
    listed = {p["name"]: p for p in json.loads(invoke(pm, ["plugins"]).stdout)}
    assert "RuntimeError: plugin bug" in listed["raising"]["errors"][0]


class DuplicateJsonl:
    @hookimpl
    def papercite_exporters(self):
        yield Exporter(name="jsonl", render=lambda paper, ctx: None)


def test_duplicate_names_are_an_error_naming_both_plugins():
    pm = get_plugin_manager(entry_points=False)
    pm.register(DuplicateJsonl(), name="dup")
    with pytest.raises(PluginError, match=r"papercite.exporters.jsonl, dup"):
        Registry(pm).exporter("jsonl")
    result = invoke(pm, ["parse", "-"], input=GOOD)
    assert result.exit_code == 2 and "more than one plugin" in result.stderr
    # Commands that do not need the ambiguous name still work.
    assert invoke(pm, ["plugins"]).exit_code == 0


class FailingReader:
    @hookimpl
    def papercite_readers(self):
        from papercite.plugins import Reader

        def read(lines, ctx):
            raise ValueError("cannot read")
            yield

        yield Reader(name="failing", read=read)


def test_a_plugin_failing_at_run_time_is_one_line_not_a_traceback():
    pm = get_plugin_manager(entry_points=False)
    pm.register(FailingReader(), name="failing")
    result = invoke(pm, ["parse", "--from", "failing", "-"], input=GOOD)
    assert result.exit_code == 1
    assert "papercite: error: ValueError: cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def _install_fake_distribution(tmp_path, monkeypatch, name, entry_points, modules):
    """A distribution on sys.path, found by importlib.metadata like an installed one."""
    info = tmp_path / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[papercite]\n" + "".join(f"{k} = {v}\n" for k, v in entry_points.items()))
    for module, source in modules.items():
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))


def test_entry_point_plugins_load_and_broken_ones_are_reported(tmp_path, monkeypatch):
    _install_fake_distribution(
        tmp_path,
        monkeypatch,
        "papercite-fake",
        {"upper": "fake_upper", "broken": "fake_broken", "misspelled": "fake_misspelled"},
        {
            "fake_upper": """
                from papercite.plugins import Exporter, Rendered, hookimpl

                def render(paper, ctx):
                    return Rendered(paper.title.upper() + "\\n")

                @hookimpl
                def papercite_exporters():
                    yield Exporter(name="upper", render=render)
            """,
            "fake_broken": "import no_such_module_anywhere\n",
            "fake_misspelled": """
                from papercite.plugins import hookimpl

                @hookimpl
                def papercite_exporter():
                    return []
            """,
        },
    )
    pm = get_plugin_manager()
    registry = Registry(pm)
    assert registry.exporter("upper").name == "upper"
    result = invoke(pm, ["export", "-", "--to", "upper"], input=GOOD)
    assert result.stdout == "GPT UNDERSTANDS, TOO\n"
    problems = {p.plugin: p.message for p in registry.problems}
    assert problems["broken"].startswith("failed to load: ModuleNotFoundError")
    assert "papercite_exporter" in problems["misspelled"]
    listed = {p["name"]: p for p in json.loads(invoke(pm, ["plugins"]).stdout)}
    assert listed["upper"]["version"] == "0.1" and listed["upper"]["exporters"] == ["upper"]
    assert listed["broken"]["errors"]
    # The built-in commands keep working next to the broken plugin.
    result = invoke(pm, ["parse", "-"], input=GOOD)
    assert result.exit_code == 0 and "plugin 'broken' failed to load" in result.stderr
