"""The record model's classes: frozen dataclasses whose ``__init__`` is papercite's own (see ``record``)."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from papercite.model import Group, Link, LinkKind, LinkReport, LinkStatus, Paper, Person, Source, record


@pytest.mark.parametrize("cls", [Person, Group, Source, Link, LinkReport, Paper])
def test_same_signature_as_dataclass(cls: type) -> None:
    # The same class through dataclass alone: the faster __init__ must take the same arguments.
    fields = {f.name: (f.type, f) for f in dataclasses.fields(cls)}
    plain = dataclasses.make_dataclass(cls.__name__, [(n, t, f) for n, (t, f) in fields.items()], frozen=True)
    assert inspect.signature(cls) == inspect.signature(plain)


def test_instances_are_frozen_and_behave_as_dataclasses() -> None:
    paper = Paper("A Title", authors=(Person("Xiao", "Liu"), Group("GLM-5 Team")), source=Source("f", 3))
    assert paper.abstract == "" and paper.links == () and paper.link_reports == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        paper.title = "Another"  # type: ignore[misc]
    assert paper == Paper("A Title", (Person("Xiao", "Liu"), Group("GLM-5 Team")), source=Source("f", 3))
    assert hash(paper) == hash(pickle.loads(pickle.dumps(paper)))
    assert dataclasses.replace(paper, title="B").title == "B"
    link = Link("https://huggingface.co/a/b", LinkKind.HF_MODEL, "a", "b")
    assert repr(link).startswith("Link(url='https://huggingface.co/a/b'")
    assert LinkReport("u", "github", LinkStatus.OK).detail == ""
    with pytest.raises(TypeError, match="title"):
        Paper()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword"):
        Person("a", "b", middle="c")  # type: ignore[call-arg]


def test_classes_with_more_than_fields_keep_the_dataclass_init() -> None:
    @record
    class Counted:
        names: list[str] = dataclasses.field(default_factory=list)

    assert Counted().names == [] and Counted().names is not Counted().names

    @record
    class Marked:
        name: str
        tag: str = dataclasses.field(default="", kw_only=True)
        scale: dataclasses.InitVar[int] = 1

    marked = Marked("a", 2, tag="t")
    assert (marked.name, marked.tag) == ("a", "t")
    with pytest.raises(TypeError):
        Marked("a", 2, "t")  # type: ignore[misc]
