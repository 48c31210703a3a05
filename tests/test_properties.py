"""Property-based round trips (hypothesis): arbitrary Unicode titles, names and abstracts
survive export -> read back in every format, with the same number of records and equal
values on the fields the format holds (once both sides are put in the one-line form every
citation format gives text)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from papercite.diagnostics import Diagnostics
from papercite.model import Group, Paper, Person, Source
from papercite.plugins import ExportContext, ReadContext, Registry, get_plugin_manager
from papercite.text.texify import _brace_core, _needs_protection, _protect_words, escape_text

REGISTRY = Registry(get_plugin_manager(entry_points=False))
AS_OF = dt.date(2026, 11, 27)

# In CI the examples are the same on every run (a failure is reproducible, never a fluke);
# locally they are new each time, to keep finding things.
settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") or os.environ.get("PAPERCITE_REQUIRE_CONSUMERS") else "dev")

# Everything but surrogates and unassigned code points: control characters, newlines,
# right-to-left text, combining marks, LaTeX and BibTeX specials all included.
CHARS = st.characters(blacklist_categories=("Cs", "Cn"))
SPECIALS = st.sampled_from([*"{}\\%&#_~^$@,\"'", "\n", "\r\n", "\t", "\u202e", "\u0301", "é", "ﬁ", " and "])
TEXT = st.lists(st.one_of(st.text(CHARS, min_size=1, max_size=8), SPECIALS), min_size=1, max_size=12).map("".join)
WORDY = TEXT.filter(lambda t: any(c.isalnum() for c in t))  # a title must have something to show


def one_line(text: str, form: str = "NFC") -> str:
    """Text as citation formats hold it: one line, runs of white space and control characters as
    one space, and canonically equivalent characters as one (NFC: U+F900 is U+8C48). ASCII BibTeX
    holds text up to compatibility (NFKC: the ligature U+FB00 is written ff)."""
    text = unicodedata.normalize(form, text)
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())


@st.composite
def people(draw: st.DrawFn) -> Person | Group:
    if draw(st.booleans()):
        return Group(draw(WORDY).strip() or "Team")
    family = one_line(draw(WORDY)) or "Doe"
    given = one_line(draw(st.one_of(st.just(""), WORDY)))
    return Person(given, family)


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    title = draw(WORDY)
    abstract = draw(st.one_of(st.just(""), TEXT))
    authors = tuple(draw(st.lists(people(), max_size=4)))
    date = draw(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)))
    return Paper(
        title=escape_text(title),
        abstract=escape_text(abstract) if abstract else "",
        authors=authors,
        et_al=bool(authors) and draw(st.booleans()),
        date=date,
        category=draw(st.sampled_from([None, "cs.CL", "hep-th"])),
        arxiv_id=draw(st.sampled_from([None, "2308.03688", "hep-th/9901001"])),
        source=Source("x", 1),
    )


def names(paper: Paper, form: str) -> list[str]:
    return [one_line(a.name if isinstance(a, Group) else a.display, form) for a in paper.authors]


def held(paper: Paper, fmt: str) -> dict[str, object]:
    date = paper.date_iso or ""
    form = "NFKC" if fmt == "bibtex" else "NFC"
    return {
        "title": one_line(paper.title_text, form),
        "abstract": one_line(paper.abstract_text, form),
        "authors": names(paper, form),
        "et_al": paper.et_al if fmt != "ris" else None,  # RIS has no et al.
        "date": date[:7] if fmt == "bibtex" else date,  # BibTeX has no day
        "category": paper.category,
        "arxiv_id": paper.arxiv_id,
    }


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csljson", "ris"])
@given(records=st.lists(papers(), min_size=1, max_size=4))
def test_round_trip(fmt: str, records: list[Paper]) -> None:
    if fmt == "ris":
        # RIS writes "Family, Given" and a group as it is: a comma in a group's name or a family
        # name cannot be told from that separator, by papercite or any other reader.
        # ("Family, Given, Suffix": a comma in a given name starts a suffix.)
        assume(not any("," in (a.name if isinstance(a, Group) else a.family + a.given) for p in records for a in p.authors))
    out = io.StringIO()
    REGISTRY.exporter(fmt).write(records, out, ExportContext(Diagnostics()))
    diagnostics = Diagnostics()
    back = list(REGISTRY.reader(fmt).read(io.StringIO(out.getvalue()), ReadContext("x", diagnostics, AS_OF)))
    assert len(back) == len(records), [str(d) for d in diagnostics.items]
    assert [held(p, fmt) for p in back] == [held(p, fmt) for p in records]


@given(word=st.text(max_size=12).filter(lambda w: " " not in w))
def test_words_passed_over_cheaply_never_need_protection(word: str) -> None:
    """The fast filter of _protect_words (no capital, or only a first one in an ASCII word of
    letters) may only skip words that the full rule leaves alone."""
    if word.islower() or (word.istitle() and word.isalpha() and word.isascii()):
        assert not _needs_protection(word)


@given(text=st.text(max_size=30).filter(str.isalnum))
def test_letters_and_digits_need_no_escaping(text: str) -> None:
    assert escape_text(text) == text
    assert escape_text(text, ascii=True) == escape_text(text + "&", ascii=True)[: -len(r"\&")]


@given(text=st.text(alphabet=st.sampled_from("aAzZ0-:( )'\"B1.,\t\u00e9\u00c9\u01c5\u4e2d"), max_size=20))
@example(text="\u4e2dB")  # an uncased letter before a capital: title-case to str.istitle, yet protected
@example(text="x\tA K12 Multi-Modal \u01c5x \u00c9cole")
def test_case_protection_judges_every_word_by_the_full_rule(text: str) -> None:
    """_protect_words looks only at words its pattern finds; it must brace exactly the words the
    full rule would, applied to every word."""
    full = " ".join(_brace_core(w) if w and _needs_protection(w) else w for w in text.split(" "))
    assert _protect_words(text) == full


_NASTY = st.lists(
    st.sampled_from([*'ab {}[],:"\\é\u2028', "},{", '"},{"id":', '\\"', "\\\\"]), max_size=12
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    titles=st.lists(_NASTY, min_size=1, max_size=25),
    layout=st.sampled_from(["minified", "tab", "two", "line"]),
    piece=st.integers(min_value=4, max_value=300),
    size=st.integers(min_value=40, max_value=2000),
)
def test_csljson_read_in_parts_is_read_as_a_whole(tmp_path, monkeypatch, titles, layout, piece, size):
    """Whatever the layout and the strings (braces, quotes, "},{" and escapes in titles), reading
    the file cut into parts for workers (in pieces of any size) gives the items of reading it
    whole, which are those json.loads finds."""
    import json

    import papercite.files
    from papercite.diagnostics import Diagnostics
    from papercite.files import byte_ranges, iter_lines, range_lines
    from papercite.plugins import ReadContext
    from papercite.readers.csljson import cut_item, is_item_start, read_csljson

    items = [{"id": f"i{n}", "type": "article", "title": title or "x",
              "author": [{"family": "A", "given": "B"}, {"family": "C", "given": title[:5] or "D"}]}
             for n, title in enumerate(titles)]
    indent = {"minified": None, "tab": "\t", "two": 2, "line": None}[layout]
    separators = (",", ":") if layout == "minified" else None
    text = json.dumps(items, ensure_ascii=False, indent=indent, separators=separators)
    if layout == "line":
        text = "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]\n"
    path = tmp_path / f"{layout}.json"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(papercite.files, "LONG_LINE", piece)

    def read(lines, offset=0):
        diagnostics = Diagnostics()
        ctx = ReadContext(str(path), diagnostics, line_offset=offset)
        return [(p.key, p.title) for p in read_csljson(lines, ctx)], [str(d) for d in diagnostics.items]

    whole = read(iter_lines(str(path), pieces=True))
    parts = [read(range_lines(part), part.offset) for part in byte_ranges(str(path), is_item_start, size, cut_item)]
    assert [r for records, _ in parts for r in records] == whole[0]
    assert [m for _, messages in parts for m in messages] == whole[1]
    assert [key for key, _ in whole[0]] == [i["id"] for i in items]
