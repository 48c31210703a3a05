"""Full bibliographic records (issue 16): every row of papercite.fieldmap's tables, and the
shapes real files have (``@string`` concatenation, crossref, empty keys, extended names,
month-only RIS dates, CSL rich text, ...)."""

from __future__ import annotations

import json

import pytest

import papercite
from papercite import fieldmap
from papercite.diagnostics import Diagnostics
from papercite.model import Paper, Person
from papercite.plugins.types import ExportOptions

EXT = {"bibtex": ".bib", "biblatex": ".bib", "csljson": ".json", "ris": ".ris"}
FORMATS = tuple(EXT)


def read_text(tmp_path, text: str, ext: str, name: str = "in") -> tuple[list[Paper], Diagnostics]:
    path = tmp_path / f"{name}{ext}"
    path.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    return papercite.read(path, diagnostics=diagnostics), diagnostics


def convert(tmp_path, records: list[Paper], fmt: str, **options) -> tuple[str, list[Paper]]:
    text = papercite.export(records, fmt, options=ExportOptions(**options), diagnostics=Diagnostics())
    back, _ = read_text(tmp_path, text, EXT[fmt], name=f"out-{fmt}")
    return text, back


def full(csl_type: str) -> Paper:
    """A record with everything a type may want, so that no exporter falls back to @misc."""
    return Paper(
        title="A Title",
        authors=(Person("Ada", "Lovelace"),),
        date=papercite.model._dt.date(2020, 5, 1),
        date_precision="month",
        type=csl_type,
        key="key1",
        variables=(
            ("container-title", "The Container"),
            ("publisher", "The Publisher"),
            ("number", "42"),
            ("genre", "Some kind"),
            ("note", "A note"),
        ),
        names=(("editor", (Person("Ed", "Itor"),)),),
        url="https://example.org/x",
    )


@pytest.mark.parametrize("row", fieldmap.TYPES, ids=lambda r: r.csl)
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "ris"])
def test_each_type_row_is_written_and_read_back(tmp_path, row, fmt):
    text, back = convert(tmp_path, [full(row.csl)], fmt)
    name = getattr(row, fmt)
    if fmt == "ris":
        assert text.startswith(f"TY  - {name}\n")
    else:
        assert text.startswith(f"@{name}{{key1,")
    # Read back, the type is one the format writes with the same name (several CSL types share one).
    assert fieldmap.type_name(fmt, back[0].type) == name
    assert back[0].key == "key1"


@pytest.mark.parametrize("row", fieldmap.TYPES, ids=lambda r: r.csl)
def test_each_type_row_survives_csljson(tmp_path, row):
    text, back = convert(tmp_path, [full(row.csl)], "csljson")
    assert json.loads(text)[0]["type"] == row.csl
    assert back[0].type == row.csl


VALUES = {"text": "Some Value", "verbatim": "12", "list": "alpha, beta", "date": "2021-03-04", "number": "7"}


def _held(rows, fmt):  # the rows a format has a place for (the README's table says which)
    return [pytest.param(row, fmt, id=f"{fmt}-{row.csl}") for row in rows if fmt == "csljson" or getattr(row, fmt)]


@pytest.mark.parametrize(("row", "fmt"), [p for fmt in FORMATS for p in _held(fieldmap.FIELDS, fmt)])
def test_each_field_row_is_written_and_read_back(tmp_path, row, fmt):
    name = row.csl if fmt == "csljson" else getattr(row, fmt)
    value = VALUES[row.kind]
    if row.csl == "ISSN":
        value = "1234-5679"
    elif row.csl == "ISBN":
        value = "978-3-16-148410-0"
    paper = Paper(title="T", authors=(Person("A", "B"),), type="chapter", key="k", variables=((row.csl, value),))
    text, back = convert(tmp_path, [paper], fmt)
    if fmt in ("bibtex", "biblatex"):
        assert f"  {name} = {{" in text
    elif fmt == "ris":
        assert f"\n{name}  - " in text
    assert back[0].var(row.csl) == value, text


@pytest.mark.parametrize(("row", "fmt"), [p for fmt in FORMATS for p in _held(fieldmap.NAMES, fmt)])
def test_each_name_row_is_written_and_read_back(tmp_path, row, fmt):
    people = (Person("Grace", "Hopper"), Person("Alan", "Turing"))
    paper = Paper(title="T", authors=(Person("A", "B"),), type="book", key="k", names=((row.csl, people),))
    _, back = convert(tmp_path, [paper], fmt)
    assert back[0].people(row.csl) == people


def test_string_concatenation_crossref_and_xdata(tmp_path):
    bib = (
        '@string{pub = "Springer"}\n@string{first = "Lecture Notes"}\n'
        '@inproceedings{child, title = {Child}, author = {Doe, Jane}, crossref = {parent}, pages = {1--10},\n'
        '  note = first # " in " # {Computer Science}, month = jan # "~3"}\n'
        "@xdata{common, publisher = pub, address = {Berlin}}\n"
        "@book{other, title = {Other}, author = {Roe, Rick}, xdata = {common}, year = 2001}\n"
        "@proceedings{parent, title = {The Proceedings}, year = {2019}, publisher = pub}\n"
    )
    records, diagnostics = read_text(tmp_path, bib, ".bib")
    assert [r.key for r in records] == ["child", "other", "parent"]  # input order kept; @xdata is not cited
    child, other, _ = records
    assert child.var("container-title") == "The Proceedings" and child.year == 2019  # inherited from the parent
    assert child.var("publisher") == "Springer" and child.var("page") == "1-10"
    assert child.var("note") == "Lecture Notes in Computer Science" and child.month == 1
    assert other.var("publisher") == "Springer" and other.var("publisher-place") == "Berlin"
    assert not diagnostics.items


def test_empty_and_duplicate_keys_keep_every_record(tmp_path):
    bib = "@article{,\n title={One}}\n@article{,\n title={Two}}\n@article{same, title={Three}}\n@book{Same, title={Four}}\n"
    records, diagnostics = read_text(tmp_path, bib, ".bib")
    assert [r.title for r in records] == ["One", "Two", "Three", "Four"]
    messages = [str(d) for d in diagnostics.items]
    assert messages[:2] == [
        f"{tmp_path}/in.bib:1: warning: entry has no citation key: one is generated",
        f"{tmp_path}/in.bib:3: warning: entry has no citation key: one is generated",
    ]
    assert messages[2] == (
        f"{tmp_path}/in.bib:6: warning: duplicate citation key 'Same' (first at line 5): this one gets a suffix"
    )
    text = papercite.export(records, "bibtex")
    assert "{same," in text and "{Samea," in text  # unique, as BibTeX compares keys
    assert text.count("{anonone,") == 1 and text.count("{anontwo,") == 1


def test_keys_are_kept_unless_rekey(tmp_path):
    records, _ = read_text(tmp_path, '[{"id": "Knuth:1984", "type": "book", "title": "The TeXbook"}]', ".json")
    assert "{Knuth:1984," in papercite.export(records, "bibtex")
    assert '"id":"Knuth:1984"' in papercite.export(records, "csljson")
    assert "ID  - Knuth:1984\n" in papercite.export(records, "ris")
    rekeyed = papercite.export(records, "bibtex", options=ExportOptions(rekey=True))
    assert rekeyed.startswith("@misc{anontexbook,")  # the pattern's key (and @misc: a book wants an author)


def test_extended_names_particles_and_suffixes(tmp_path):
    bib = (
        "@article{x, title={T}, journal={J}, year=2020, author = {family=Dijk, given=Marten, prefix=van, "
        "useprefix=true and family=Gaulle, given=Charles, prefix=de, useprefix=false and King, Jr., Martin Luther}}\n"
    )
    (paper,), _ = read_text(tmp_path, bib, ".bib")
    assert paper.authors == (
        Person("Marten", "Dijk", particle="van"),
        Person("Charles", "Gaulle", dropping_particle="de"),
        Person("Martin Luther", "King", suffix="Jr."),
    )
    item = json.loads(papercite.export([paper], "csljson"))[0]
    assert item["author"] == [
        {"family": "Dijk", "given": "Marten", "non-dropping-particle": "van"},
        {"family": "Gaulle", "given": "Charles", "dropping-particle": "de"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
    ]
    for fmt in FORMATS:
        assert convert(tmp_path, [paper], fmt)[1][0].authors == paper.authors or fmt in ("bibtex", "ris")
    assert "AU  - King, Martin Luther, Jr.\n" in papercite.export([paper], "ris")


def test_tex_logos_in_plain_text(tmp_path):
    (paper,), _ = read_text(tmp_path, "@book{k, title={The \\TeX book and \\LaTeX}, year=1984}\n", ".bib")
    assert json.loads(papercite.export([paper], "csljson"))[0]["title"] == "The TeXbook and LaTeX"


def test_ris_dates_one_space_tags_and_no_others(tmp_path):
    ris = (
        "TY - JOUR\nTI - Web of Science style\nAU - Doe, J\nAU - others\nPY - 2019\nDA - SEP\nER - \n\n"
        "TY  - JOUR\nTI  - PubMed via EndNote\nPY  - 2020\nDA  - Jun\nER  - \n"
    )
    records, diagnostics = read_text(tmp_path, ris, ".ris")
    assert [r.date_iso for r in records] == ["2019-09", "2020-06"]  # the month-only DA never erases PY
    assert "one space before '-'" in str(diagnostics.items[0])
    assert records[0].et_al
    assert "others" not in papercite.export(records, "ris")
    assert "and others" in papercite.export(records, "bibtex")


def test_csl_rich_text_names_and_dates(tmp_path):
    items = [
        {"id": "a", "type": "article-journal", "title": 'The <i>Homo</i> <span class="nocase">sapiens</span> H<sub>2</sub>O',
         "author": [{"given": "Banksy"}, {"literal": "WHO"}], "issued": {"date-parts": [[2017, "Jan"]]},
         "container-title": "J"},
        {"id": "b", "type": "article-journal", "title": "Seasonal", "issued": {"date-parts": [[2017, 21]]},
         "container-title": "J", "author": [{"family": "X"}]},
    ]  # fmt: skip
    records, _ = read_text(tmp_path, json.dumps(items), ".json")
    assert records[0].title == r"The \textit{Homo} {sapiens} H\textsubscript{2}O"
    assert records[0].date_iso == "2017-01" and records[1].year == 2017
    bib = papercite.export(records, "biblatex")
    assert r"\textit{Homo}" in bib and "{Banksy}" in bib and "date = {2017-21}" in bib
    out = json.loads(papercite.export(records, "csljson"))
    assert out[0]["title"] == "The <i>Homo</i> sapiens H<sub>2</sub>O"
    assert out[0]["author"][0] == {"given": "Banksy"} and out[1]["issued"] == {"date-parts": [[2017]], "season": 1}
    assert "AU  - Banksy\n" in papercite.export(records, "ris")


def test_dois_and_urls_are_normalised(tmp_path):
    bib = (
        "@article{a, title={A}, journal={J}, year=2020, doi={https://doi.org/10.1000/xyz}, "
        "url={http://example.org/a{\\_}b\\&c\\%20}}\n@article{b, title={B}, journal={J}, year=2020, doi={doi:10.1000/abc}}\n"
    )
    records, _ = read_text(tmp_path, bib, ".bib")
    assert [r.doi for r in records] == ["10.1000/xyz", "10.1000/abc"]
    assert records[0].url == "http://example.org/a_b&c%20"


def test_published_article_with_an_eprint_stays_an_article(tmp_path):
    bib = (
        "@article{pub, title={Published}, author={Doe, J}, journal={Phys. Rev. D}, volume={76}, pages={013009},\n"
        "  year={2007}, eprint={0704.0001}, archivePrefix={arXiv}, primaryClass={hep-ph}}\n"
        "@misc{pre, title={Preprint}, author={Doe, J}, year={2023}, eprint={2308.03688}, archivePrefix={arXiv}}\n"
    )
    records, _ = read_text(tmp_path, bib, ".bib")
    assert [r.is_preprint for r in records] == [False, True]
    biblatex = papercite.export(records, "biblatex")
    assert "@article{pub," in biblatex and "journaltitle = {Phys. Rev. D}" in biblatex
    assert "eprint = {0704.0001}" in biblatex and biblatex.count("pubstate") == 1
    ris = papercite.export(records, "ris")
    assert "JO  - Phys. Rev. D\n" in ris and ris.count("JO  - arXiv") == 1
    item = json.loads(papercite.export(records, "csljson"))[0]
    assert item["type"] == "article-journal" and "publisher" not in item and item["volume"] == "76"


def test_untitled_records_are_kept_and_empty_ones_skipped(tmp_path):
    items = [{"id": "data", "type": "dataset", "URL": "https://example.org/data"}, {"id": "empty", "type": "book"}]
    records, diagnostics = read_text(tmp_path, json.dumps(items), ".json")
    assert [r.key for r in records] == ["data"]
    assert [d.severity.value for d in diagnostics.items] == ["warning", "error"]
    for fmt in FORMATS:
        assert convert(tmp_path, records, fmt)[1][0].url == "https://example.org/data"


def test_custom_fields_are_written_back(tmp_path):
    bib = "@article{a, title={A}, journal={J}, year=2020, mrnumber={MR123}, addendum={see also}}\n"
    records, _ = read_text(tmp_path, bib, ".bib")
    assert ("bibtex:mrnumber", "MR123") in records[0].extra
    for fmt in ("bibtex", "biblatex", "csljson"):
        assert ("bibtex:mrnumber", "MR123") in convert(tmp_path, records, fmt)[1][0].extra


def test_truncated_lists_render_et_al_and_old_years_are_padded(tmp_path):
    bib = (
        "@article{a, title={Old}, author={Doe, Jane and others}, journal={J}, year={325}}\n"
        "@misc{b, title={Versioned}, author={Roe, R}, year=2023, eprint={2308.03688}, archivePrefix={arXiv},"
        " url={https://arxiv.org/abs/2308.03688v3}}\n"
    )
    records, _ = read_text(tmp_path, bib, ".bib")
    text = papercite.export(records, "text")
    assert "Doe, J., et al." in text and "others" not in text
    assert "date = {0325}" in papercite.export(records, "biblatex")  # biber wants four digits
    assert "url = {https://arxiv.org/abs/2308.03688v3}" in papercite.export(records, "bibtex")  # the version kept


def test_a_note_and_links_come_back_apart_from_csljson(tmp_path):
    from papercite.model import Link, LinkKind

    link = (Link("https://github.com/a/b", LinkKind.GITHUB_REPO, "a", "b"),)
    mine = Paper(title="T", links=link, variables=(("note", "My note"),), type="book", key="k")
    theirs = Paper(title="T", links=link, variables=(("note", "See https://github.com/a/b"),), type="book", key="k")
    for paper in (mine, theirs):
        (back,) = convert(tmp_path, [paper], "csljson")[1]
        assert back.variables == paper.variables and back.links == link


def test_a_biblatex_set_is_kept(tmp_path):
    bib = "@set{both, entryset = {a,b}}\n@article{a, title={A}, author={X, Y}, journal={J}, year=2020}\n"
    records, diagnostics = read_text(tmp_path, bib, ".bib")
    assert [r.key for r in records] == ["both", "a"]
    assert [str(d) for d in diagnostics.items] == [f"{tmp_path}/in.bib:1: warning: entry has no title: kept for what else it holds"]
    assert "@set{both,\n  entryset = {a,b},\n}" in papercite.export(records, "biblatex")
    assert "{both," in papercite.export(records, "bibtex")  # no @set in BibTeX: @misc, the field kept


def test_only_closed_csl_tags_are_markup(tmp_path):
    items = [{"id": "a", "type": "book", "title": "x <sup> y </i> z <i>w</i>"}]
    (record,), _ = read_text(tmp_path, json.dumps(items), ".json")
    assert record.title == r"x <sup> y </i> z \textit{w}"  # as citeproc-js: a lone tag is text


def test_better_csl_json_citation_key_is_the_key(tmp_path):
    items = [{"id": "http://zotero.org/users/1/items/ABCD", "citation-key": "white1966", "type": "book", "title": "T"}]
    (record,), _ = read_text(tmp_path, json.dumps(items), ".json")
    assert record.key == "white1966"
    assert "{white1966," in papercite.export([record], "biblatex")
