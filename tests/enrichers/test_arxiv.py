"""The arXiv enricher, against a stand-in that answers in arXiv's Atom format."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from test_listing_fixture import ARXIV_IDS, EXPECTED, FIXTURE
from werkzeug import Response

from papercite.enrichers.matching import Entry, decide
from papercite.http.client import HttpClient, HttpSettings
from papercite.model import Group, Paper, Person

from conftest import Checker
from consumers import bibtex_and_pdflatex
from standins import ArxivAPI, slow
from standins import Paper as ArxivPaper

AS_OF = "2026-11-27"
SCHEMA = Path(__file__).parents[2] / "fixtures" / "schemas" / "csl-data.json"


# Author names arXiv's records spell otherwise than the listing (checked on arxiv.org).
ARXIV_SPELLINGS = {"GLM-V Team": "V Team", "GLM-4.5 Team": "GLM-4. 5 Team"}  # 2507.01006; 2508.06471 (sic)


def truth() -> list[ArxivPaper]:
    """The fixture's papers as arXiv lists them: more authors where the listing says et al., and
    group authors as arXiv's current records spell them."""
    papers = []
    for line, category, date, _, title, authors, et_al, *_ in EXPECTED:
        names = [ARXIV_SPELLINGS.get(a.display, a.display) for a in authors]
        names += ["Yuxiao Dong", "Jie Tang"] if et_al else []
        papers.append(ArxivPaper(ARXIV_IDS[line], title, names, date, category, version=2))
    return papers


def twins(paper: ArxivPaper, k: int) -> list[ArxivPaper]:
    """Distractors a careless matcher would take: near-identical titles, the same title by
    others or years apart, a sequel, a survey with the same subtitle."""
    date = dt.date.fromisoformat(paper.published)
    head, _, tail = paper.title.partition(":")
    first, _, rest = head.partition(" ")

    def fake(i: int, title: str, authors: list[str], when: dt.date) -> ArxivPaper:
        return ArxivPaper(f"{when:%y%m}.{90000 + 10 * k + i:05d}", title, authors, when.isoformat(), paper.category)

    later, earlier = date + dt.timedelta(days=400), date - dt.timedelta(days=800)
    return [
        fake(1, f"{first}V {rest}{':' if tail else ''}{tail}".replace("  ", " "), paper.authors, date),
        fake(2, f"Visual{first} {rest}{':' if tail else ''}{tail}".replace("  ", " "), paper.authors, date),
        fake(3, f"{head} v2{':' + tail if tail else ''}", paper.authors, later),
        fake(4, paper.title, ["Someone Else", "Another Person"], date),
        fake(5, paper.title, paper.authors, earlier),
        fake(6, f"A Survey of{tail or ' ' + paper.title}", [*paper.authors[:1], "Ada Lovelace"], date),
    ]


def distractors() -> list[ArxivPaper]:
    return [twin for k, paper in enumerate(truth()) for twin in twins(paper, k)]


def export(checker: Checker, arxiv: ArxivAPI, *args: str, source: str = str(FIXTURE), **env: str | None):
    return checker.run(
        "export", source, "--to", "bibtex", "--as-of", AS_OF, "--enrich", "arxiv", *args,
        PAPERCITE_ARXIV_API=arxiv.query_url, **env,
    )


def eprints(bib: str) -> list[str | None]:
    library = bibtexparser.parse_string(bib)
    return [e.fields_dict["eprint"].value if "eprint" in e.fields_dict else None for e in library.entries]


# -- the fixture ------------------------------------------------------------------


def test_every_fixture_record_gets_its_true_id_among_distractors(checker: Checker, arxiv: ArxivAPI) -> None:
    arxiv.add(*distractors(), *truth())
    result = export(checker, arxiv)
    assert result.exit_code == 0, result.stderr
    assert eprints(result.stdout) == [ARXIV_IDS[e[0]] for e in EXPECTED]
    assert len(arxiv.log) <= math.ceil(26 / 10) + 1
    assert "arxiv: 26 filled" in result.stderr
    assert ": warning:" not in result.stderr
    # the arXiv DOI and URL follow from the id
    assert "doi = {10.48550/arXiv.2308.03688}" in result.stdout
    assert "url = {https://arxiv.org/abs/2308.03688}" in result.stdout
    # a second run asks nothing
    again = export(checker, arxiv)
    assert again.stdout == result.stdout
    assert len(arxiv.log) <= math.ceil(26 / 10) + 1
    assert "0 requests" in again.stderr


def test_no_fixture_record_gets_an_id_when_its_entry_is_absent(checker: Checker, arxiv: ArxivAPI) -> None:
    arxiv.add(*distractors())
    result = export(checker, arxiv)
    assert result.exit_code == 0
    assert eprints(result.stdout) == [None] * 26
    assert result.stderr.count("warning: arxiv: no id: closest is") == 26
    assert "arxiv: 26 left empty (26 no entry fits)" in result.stderr


def test_without_any_candidate_the_reason_is_given(checker: Checker, arxiv: ArxivAPI) -> None:
    result = export(checker, arxiv)
    assert eprints(result.stdout) == [None] * 26
    assert f"{FIXTURE}:1: warning: arxiv: no id: arXiv has no entry with this title" in result.stderr


def test_explain_prints_candidates_and_why(checker: Checker, arxiv: ArxivAPI) -> None:
    arxiv.add(*distractors(), *truth())
    result = export(checker, arxiv, "--explain")
    lines = [line for line in result.stderr.splitlines() if f"{FIXTURE}:31:" in line]
    assert "GLM-4.5: Agentic, Reasoning, and Coding (ARC) Foundation Models" in lines[0]
    assert any("candidate 2508.06471 (100% title) fits" in line for line in lines)
    assert any("rejected - title NO: differs: '5' vs '5v'" in line for line in lines)


# -- deciding ---------------------------------------------------------------------


def record(title: str, *authors: Person | Group, date: str = "2025-08-08", et_al: bool = False) -> Paper:
    return Paper(title=title, authors=authors, et_al=et_al, date=dt.date.fromisoformat(date))


def entry(arxiv_id: str, title: str, *authors: str, published: str = "2025-08-08") -> Entry:
    return Entry(arxiv_id, title, authors, dt.date.fromisoformat(published))


ZENG = Person("Aohan", "Zeng")


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("GLM-4.5: Agentic, Reasoning, and Coding (ARC) Foundation Models",
         "GLM-4.5V: Agentic, Reasoning, and Coding (ARC) Foundation Models"),
        ("AgentBench: Evaluating LLMs as Agents", "VisualAgentBench: Evaluating LLMs as Agents"),
        ("P-Tuning: Prompt Tuning Can Be Comparable to Fine-tuning", "P-Tuning v2: Prompt Tuning Can Be Comparable to Fine-tuning"),
        ("Scaling Laws for Agents", "A Survey of Scaling Laws for Agents"),
        ("GLM-130B: An Open Bilingual Pre-trained Model", "GLM-130B: An Open Bilingual Pre-trained Model Card"),
        ("Learning to Rank in 2019", "Learning to Rank in 2020"),
    ],
)
def test_near_twins_are_never_taken(ours: str, theirs: str) -> None:
    decision = decide(record(ours, ZENG), [entry("2508.00001", theirs, "Aohan Zeng")])
    assert decision.match is None
    assert "title: differs" in decision.reason


GLM130B = "GLM-130B: An Open Bilingual Pre-trained Model"


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (GLM130B, "GLM-130B: an open bilingual pre-trained model"),
        (GLM130B, "GLM-130B: An Open Bilingual Pretrained Model"),
        (GLM130B, "GLM-130B: An Open Bilingual Pre-Trained  Model"),
        (GLM130B, "GLM-130B: Open Bilingual Pre-trained Model"),
        (GLM130B, r"{GLM-130B}: An Open Bilingual Pre-trained \emph{Model}"),
        ("Modelling Colour with Optimisation", "Modeling Color with Optimization"),
    ],
)
def test_harmless_title_differences_are_accepted(ours: str, theirs: str) -> None:
    paper = record(ours, ZENG, date="2022-10-05")
    assert decide(paper, [entry("2210.02414", theirs, "Aohan Zeng", published="2022-10-05")]).match is not None


def test_authors_must_agree() -> None:
    ours = record("A Title Here", ZENG, Person("Xin", "Lv"), et_al=True)
    assert decide(ours, [entry("2508.1", "A Title Here", "Aohan Zeng", "Xin Lv", "Jie Tang")]).match is not None
    wrong = decide(ours, [entry("2508.1", "A Title Here", "Aohan Zeng", "Bin Xu", "Jie Tang")])
    assert wrong.match is None and "author 2 is 'Bin Xu'" in wrong.reason
    short = decide(record("A Title Here", ZENG), [entry("2508.1", "A Title Here", "Aohan Zeng", "Xin Lv")])
    assert short.match is None and "no et al." in short.reason
    team = record("A Title Here", Group("GLM-4. 5 Team"), ZENG, et_al=True)
    assert decide(team, [entry("2508.1", "A Title Here", "GLM-4.5 Team", "Aohan Zeng", "Xin Lv")]).match
    particles = record("A Title Here", Person("Vincent", "van der Berg"))
    assert decide(particles, [entry("2508.1", "A Title Here", "Vincent van der Berg")]).match
    accents = record("A Title Here", Person("Łukasz", "Kaiser"))
    assert decide(accents, [entry("2508.1", "A Title Here", "Lukasz Kaiser")]).match


def test_date_is_strong_evidence_with_room_for_moderation() -> None:
    ours = record("A Title Here", ZENG, date="2025-08-08")
    assert decide(ours, [entry("2508.1", "A Title Here", "Aohan Zeng", published="2025-08-09")]).match
    held = decide(ours, [entry("2509.1", "A Title Here", "Aohan Zeng", published="2025-09-20")])
    assert held.match is not None and "moderation" in held.reason
    assert decide(ours, [entry("2601.1", "A Title Here", "Aohan Zeng", published="2026-01-20")]).match is None
    assert decide(ours, [entry("2507.1", "A Title Here", "Aohan Zeng", published="2025-07-20")]).match is None


def test_two_that_fit_equally_are_ambiguous() -> None:
    ours = record("A Title Here", ZENG, date="2025-08-08")
    decision = decide(ours, [entry("2508.1", "A Title Here", "Aohan Zeng", published="2025-08-20"),
                             entry("2508.2", "A Title Here", "Aohan Zeng", published="2025-08-21")])
    assert decision.match is None and "fit equally" in decision.reason
    exact = decide(ours, [entry("2508.1", "A Title Here", "Aohan Zeng", published="2025-08-08"),
                          entry("2509.2", "A Title Here", "Aohan Zeng", published="2025-09-21")])
    assert exact.match is not None and exact.match.arxiv_id == "2508.1"


# -- ids the input already has ----------------------------------------------------


BIB = """@misc{a,
  title = {AgentBench: Evaluating LLMs as Agents},
  author = {Liu, Xiao and Yu, Hao and Zhang, Hanchen and others},
  year = {2023},
  month = aug,
  eprint = {2308.03688},
  archivePrefix = {arXiv},
}

@misc{b,
  title = {GLM-130B: An Open Bilingual Pre-trained Model},
  author = {Zeng, Aohan and Liu, Xiao and Du, Zhengxiao and others},
  year = {2022},
  eprint = {2308.03688},
  archivePrefix = {arXiv},
}
"""


def test_known_ids_are_verified_not_overwritten(checker: Checker, arxiv: ArxivAPI, tmp_path: Path) -> None:
    arxiv.add(*truth())
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB)
    result = export(checker, arxiv, source=str(bib))
    assert eprints(result.stdout) == ["2308.03688", "2308.03688"]  # the wrong one is kept, and reported
    assert "primaryClass = {cs.AI}" in result.stdout.split("@misc{zeng")[0]  # filled on the verified one
    assert f"{bib}:10: warning: arxiv: 2308.03688 does not look like this record (title: differs" in result.stderr
    assert [(m, p) for m, p, _ in arxiv.log] == [("GET", "/api/query")]
    assert arxiv.server.log[0][0].args["id_list"] == "2308.03688,2308.03688"  # verified with one id_list query


# -- what the service may do ------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Response("<feed><entry>", 200, content_type="application/atom+xml"), "unreadable answer from arXiv"),
        (Response("<html><body>Bad gateway</body></html>", 200, content_type="text/html"), "not an Atom feed"),
        (Response(ArxivAPI.feed([]).replace("</feed>", "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>"
                                        "<title>Error</title><summary>incorrect id format for 1234</summary></entry></feed>"), 200),
         "arXiv says: incorrect id format for 1234"),
    ],
)
def test_bad_answers_leave_ids_empty_with_a_warning(checker: Checker, arxiv: ArxivAPI, answer: Response, message: str) -> None:
    arxiv.add(*truth())
    arxiv.script("/api/query", answer)
    result = export(checker, arxiv, "--no-cache")
    assert result.exit_code == 0
    ids = eprints(result.stdout)
    assert ids[:10] == [None] * 10 and ids[10:] == [ARXIV_IDS[e[0]] for e in EXPECTED[10:]]
    assert result.stderr.count(f"warning: arxiv: not looked up: {message}") == 10
    assert "Traceback" not in result.output


def test_503_then_success_and_timeouts(checker: Checker, arxiv: ArxivAPI) -> None:
    arxiv.add(*truth())
    arxiv.script("/api/query", Response("busy", 503, {"Retry-After": "0"}))
    result = export(checker, arxiv, "--no-cache")
    assert eprints(result.stdout) == [ARXIV_IDS[e[0]] for e in EXPECTED]
    slowly = [slow(1.0, Response("", 200))] * 4
    arxiv.script("/api/query", *slowly)
    result = export(checker, arxiv, "--no-cache", "--timeout", "0.2")
    assert eprints(result.stdout)[:10] == [None] * 10
    assert "warning: arxiv: not looked up: no answer from" in result.stderr
    assert result.exit_code == 0


def test_nothing_in_a_feed_can_inject_into_the_output(checker: Checker, arxiv: ArxivAPI) -> None:
    papers = truth()
    evil = "}, note = {pwned},\n@misc{evil, title = {x}"
    papers[0].journal_ref = evil
    papers[0].doi = "10.1/x}\n@misc{evil2"
    papers[0].authors = [*papers[0].authors, "Eve\n@misc{evil3, title={x}}"]
    papers[0].category = "cs.AI}\n@misc{evil4"
    arxiv.add(*papers)
    result = export(checker, arxiv, "--complete-authors")
    library = bibtexparser.parse_string(result.stdout)
    assert len(library.entries) == 26 and not library.failed_blocks
    assert "evil" not in {e.key for e in library.entries} and "pwned" not in [f.key for e in library.entries for f in e.fields]
    assert "@misc{evil" not in result.stdout


def test_complete_authors_replaces_et_al(checker: Checker, arxiv: ArxivAPI) -> None:
    arxiv.add(*truth())
    result = export(checker, arxiv, "--complete-authors")
    first = bibtexparser.parse_string(result.stdout).entries[0]
    assert first.fields_dict["author"].value == "Liu, Xiao and Yu, Hao and Zhang, Hanchen and Dong, Yuxiao and Tang, Jie"
    plain = export(checker, arxiv)
    assert bibtexparser.parse_string(plain.stdout).entries[0].fields_dict["author"].value.endswith("and others")


def test_offline_asks_nothing(checker: Checker, arxiv: ArxivAPI) -> None:
    result = export(checker, arxiv, "--offline")
    assert result.exit_code == 0 and arxiv.log == []
    assert eprints(result.stdout) == [None] * 26


def test_requests_to_arxiv_keep_their_distance() -> None:
    waits: list[float] = []
    with HttpClient(HttpSettings(cache=False), sleep=waits.append) as http:
        http.pace("http://127.0.0.1:9", 3.0)
        for _ in range(3):
            http.limits.keep_pace("http://127.0.0.1:9/api/query")
    # no time passes with this sleep: the requests are due 3 and 6 seconds after the first
    assert [round(w) for w in waits] == [3, 6]


def test_prefer_published_cites_the_published_version(checker: Checker, arxiv: ArxivAPI, tmp_path: Path) -> None:
    papers = truth()
    papers[0].journal_ref, papers[0].doi = "ICLR 2024", "10.5555/agentbench"  # proceedings
    papers[2].journal_ref, papers[2].doi = "Journal of Long Things 12, 1-20 (2024)", "10.5555/longbench"
    papers[3].doi = "10.5555/webglm"  # a DOI without a journal reference
    arxiv.add(*papers)
    preprints = bibtexparser.parse_string(export(checker, arxiv).stdout).entries
    assert [e.entry_type for e in preprints[:4]] == ["misc"] * 4  # recorded, but the preprint is cited
    assert preprints[0].fields_dict["doi"].value == "10.48550/arXiv.2308.03688"
    result = export(checker, arxiv, "--prefer-published")
    entries = bibtexparser.parse_string(result.stdout).entries
    first, third, fourth = entries[0], entries[2], entries[3]
    assert first.entry_type == "inproceedings"
    assert {k: first.fields_dict[k].value for k in ("booktitle", "doi", "eprint", "archivePrefix")} == {
        "booktitle": "ICLR 2024", "doi": "10.5555/agentbench", "eprint": "2308.03688", "archivePrefix": "arXiv"}
    assert third.entry_type == "article" and third.fields_dict["journal"].value.startswith("Journal of Long Things")
    assert fourth.entry_type == "misc"  # a DOI alone does not say what to cite it as: the preprint
    assert fourth.fields_dict["doi"].value == "10.48550/arXiv.2306.07906"
    assert entries[1].entry_type == "misc"  # nothing published known: the preprint
    bib = tmp_path / "published.bib"
    bib.write_text(result.stdout)
    assert bibtex_and_pdflatex(bib) == []
    csl = json.loads(export(checker, arxiv, "--prefer-published", "--to", "csljson").stdout)
    jsonschema.validate(csl, json.loads(SCHEMA.read_text()))
    assert (csl[0]["type"], csl[0]["container-title"], csl[0]["DOI"]) == ("paper-conference", "ICLR 2024", "10.5555/agentbench")
    assert csl[0]["custom"]["papercite"]["arxiv"] == "2308.03688" and "publisher" not in csl[0]
    ris = export(checker, arxiv, "--prefer-published", "--to", "ris").stdout.split("\n\n")[0]
    assert ris.startswith("TY  - CONF\n") and "T2  - ICLR 2024\n" in ris and "DO  - 10.5555/agentbench\n" in ris
    assert "AN  - arXiv:2308.03688\n" in ris


# -- arXiv's own spelling of authors (issue 18) ---------------------------------------------------

GLM_V = "GLM-4.5V and GLM-4.1V-Thinking: Towards Versatile Multimodal Reasoning with Scalable Reinforcement Learning"


@pytest.mark.parametrize(("ours", "theirs"), [
    ("GLM-V Team", "V Team"),  # 2507.01006's current record drops the prefix its first version had
    ("GLM-4.5 Team", "GLM-4. 5 Team"),  # 2508.06471 (sic)
])
def test_a_group_author_spelled_otherwise_by_arxiv_matches_the_very_same_title(ours: str, theirs: str) -> None:
    paper = Paper(title=GLM_V, authors=(Group(ours), Person("Wenyi", "Hong")), et_al=True, date=dt.date(2025, 7, 1))
    entry = Entry("2507.01006", GLM_V, (theirs, "Wenyi Hong", "Wenmeng Yu"), dt.date(2025, 7, 1))
    assert decide(paper, [entry]).match == entry
    # Not when anything else differs: the title by one word, or a person.
    worded = Entry("2507.01006", GLM_V + " Again", entry.authors, entry.published)
    assert decide(paper, [worded]).match is None
    person = Entry("2507.01006", GLM_V, (theirs, "Wenyi Hung", "Wenmeng Yu"), dt.date(2025, 7, 1))
    assert decide(paper, [person]).match is None
    late = Entry("2507.01006", GLM_V, entry.authors, dt.date(2026, 7, 1))
    assert decide(paper, [late]).match is None


def test_tex_accents_in_arxiv_author_names_are_folded() -> None:
    paper = Paper(title="A Title", authors=(Person("René", "Vidal"), Person("Jürgen", "Schmidhuber"),
                                            Person("Ali", "Çelik")), date=dt.date(2020, 1, 1))
    entry = Entry("2001.00001", "A Title", ("Ren\\'e Vidal", 'J\\"urgen Schmidhuber', "Ali \\c{C}elik"),
                  dt.date(2020, 1, 1))
    assert decide(paper, [entry]).match == entry


@pytest.mark.parametrize(("listing", "on_arxiv", "query_words"), [
    ("β-VAE: Learning Basic Visual Concepts", "$\\beta$-VAE: Learning Basic Visual Concepts", "beta vae"),
    ("ℓ1-regularised Models", "$\\ell_1$-regularised Models", "ell 1"),
    ("Δ-Learning for Molecules", "$\\Delta$-Learning for Molecules", "delta learning"),
])
def test_titles_with_greek_letters_are_asked_and_compared_as_tex_spells_them(listing: str, on_arxiv: str,
                                                                           query_words: str) -> None:
    from papercite.enrichers.arxiv import search_query
    from papercite.enrichers.matching import compare_titles, words

    assert words(listing) == words(on_arxiv)
    assert compare_titles(words(listing), words(on_arxiv)).detail == "same words"
    assert query_words in search_query([Paper(title=listing)])  # arXiv indexes $\beta$ as "beta", not "b"


def test_a_title_arxiv_spells_otherwise_is_found_by_a_looser_query(checker: Checker, arxiv: ArxivAPI) -> None:
    """arXiv's phrase search needs the words as they stand: the listing's "Pre-trained" is not
    in "Pretrained". The looser query (the longest words, none from a hyphenated one) finds
    it, and the usual checks decide; the other 25 are found by their exact titles."""
    from papercite.enrichers.arxiv import loose_query

    arxiv.exact = True
    papers = truth()
    glm = next(p for p in papers if p.title.startswith("GLM-130B"))
    glm.title = "GLM-130B: An Open Bilingual Pretrained Model"
    arxiv.add(*papers, *distractors())
    result = export(checker, arxiv)
    assert eprints(result.stdout) == [p.arxiv_id for p in papers]
    assert loose_query(Paper(title="GLM-130B: An Open Bilingual Pre-trained Model")) == "ti:bilingual AND ti:model AND ti:open"
    assert sum(" AND " in q for q in arxiv.queries) == 1  # one looser query, for the one title not found


def test_the_looser_query_fills_nothing_when_the_true_entries_are_absent(checker: Checker, arxiv: ArxivAPI) -> None:
    arxiv.exact = True
    arxiv.add(*distractors())
    result = export(checker, arxiv)
    assert eprints(result.stdout) == [None] * 26
    assert any(" AND " in q for q in arxiv.queries)  # asked, and still nothing wrong was taken


# -- a list of identifiers as input ----------------------------------------------------


def test_pasted_identifiers_in_every_form() -> None:
    from papercite.arxivids import pasted_ids

    line = (
        "2308.03688 2308.03688v2, arXiv:2210.02414 hep-th/9901001 https://arxiv.org/abs/2308.14508v1 "
        "https://arxiv.org/pdf/2306.07906 arxiv.org/pdf/2408.06327v3.pdf https://arxiv.org/html/2602.15763v1 "
        "https://www.alphaxiv.org/abs/2409.13729 https://huggingface.co/papers/2409.13730 not-an-id"
    )
    ids, other = pasted_ids(line)
    assert [i for i, _ in ids] == ["2308.03688", "2308.03688", "2210.02414", "hep-th/9901001", "2308.14508",
                                   "2306.07906", "2408.06327", "2602.15763", "2409.13729", "2409.13730"]  # fmt: skip
    assert [v for _, v in ids] == [None, "2", None, None, "1", None, "3", "1", None, None]
    assert other == ["not-an-id"]


def test_an_id_list_is_detected_and_a_listing_is_not(tmp_path: Path) -> None:
    from papercite.readers.ids import sniff_ids

    assert sniff_ids(["# my papers\n", "2308.03688\n", "\n", "arXiv:2210.02414 2306.07906\n"])
    assert not sniff_ids(FIXTURE.read_text().splitlines(keepends=True)[:20])
    assert not sniff_ids(["2308.03688 and a word\n"])


def test_ids_become_records_with_messages_for_the_rest(tmp_path: Path) -> None:
    import papercite
    from papercite.diagnostics import Diagnostics

    path = tmp_path / "ids.txt"
    path.write_text("2308.03688  # AgentBench\nnonsense 2210.02414\n2308.03688v2\n2313.00001\n")
    diagnostics = Diagnostics()
    records = papercite.read(path, fmt="ids", diagnostics=diagnostics)  # a word in it: not detected, asked for
    assert [(r.arxiv_id, r.source.line) for r in records] == [("2308.03688", 1), ("2210.02414", 2)]
    assert "eprint = {2308.03688}" in papercite.export(records, "bibtex")  # no version asked for: none written
    versioned = papercite.read(path.with_name("v.txt"), fmt="ids") if path.with_name("v.txt").write_text(
        "2308.03688v2\n") else []
    for fmt in ("bibtex", "biblatex"):  # the version asked for is the one cited
        assert "eprint = {2308.03688v2}" in papercite.export(versioned, fmt)
    assert "AN  - arXiv:2308.03688v2" in papercite.export(versioned, "ris")
    assert [str(d).split(": ", 1)[1] for d in diagnostics.items] == [
        "error: not an arXiv identifier: 'nonsense'; skipped",
        "warning: 2308.03688 is already on line 1: merged into that record",
        "error: '2313.00001' is not an arXiv id (month 13 does not exist); skipped",
    ]


def test_the_fixtures_ids_give_the_records_the_listing_path_gives(checker: Checker, arxiv: ArxivAPI, tmp_path: Path) -> None:
    """26 ids, pasted in three forms, make one id_list request and the same ids, titles, dates,
    categories and authors as the listing with --enrich arxiv --complete-authors (a group author
    as arXiv spells it: the listing's spelling is kept on the listing path)."""
    arxiv.add(*truth(), *distractors())
    ids = [ARXIV_IDS[e[0]] for e in EXPECTED]
    forms = ["https://arxiv.org/abs/{}v2", "arXiv:{}", "{}"]
    pasted = tmp_path / "ids.txt"
    pasted.write_text("".join(forms[n % 3].format(i) + "\n" for n, i in enumerate(ids)))

    def items(*args: str) -> list[dict]:
        result = checker.run(*args, "--to", "csljson", "--as-of", AS_OF, PAPERCITE_ARXIV_API=arxiv.query_url)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    from_ids = items("export", str(pasted))
    requests = len(arxiv.log)
    from_listing = items("export", str(FIXTURE), "--enrich", "arxiv", "--complete-authors")

    def view(item: dict) -> tuple:
        names = tuple(a.get("family", "GROUP" if "literal" in a else "") for a in item.get("author", []))
        number = re.sub(r"v\d+$", "", item["number"])  # a version the list named is kept: compared apart
        return number, item["title"], item["issued"], item["custom"]["papercite"]["category"], names

    assert [view(i) for i in from_ids] == [view(i) for i in from_listing]
    assert [i["number"] for i in from_ids] == [f"arXiv:{i}v2" if n % 3 == 0 else f"arXiv:{i}" for n, i in enumerate(ids)]
    assert requests == 1  # 26 ids: one id_list request


def test_a_list_of_ids_merges_into_a_bib_by_id_alone(checker: Checker, arxiv: ArxivAPI, tmp_path: Path) -> None:
    arxiv.add(*truth())
    bib = tmp_path / "refs.bib"
    mine = "@misc{mine, title={AgentBench: Evaluating LLMs as Agents}, eprint={2308.03688}, archivePrefix={arXiv}}\n"
    bib.write_text(mine)
    ids = tmp_path / "ids.txt"
    ids.write_text("2308.03688\nhttps://arxiv.org/abs/2210.02414\n")
    result = checker.run("export", str(ids), "--to", "bibtex", "--merge", str(bib), PAPERCITE_ARXIV_API=arxiv.query_url)
    assert result.exit_code == 0, result.stderr
    assert "1 added, 1 already there" in result.stderr
    text = bib.read_text()
    assert text.startswith(mine) and "eprint = {2210.02414}" in text and "Zeng, Aohan" in text


def test_a_record_of_an_id_alone_is_arxivs_record_with_its_links() -> None:
    from papercite.enrichers.arxiv import from_entry

    arxiv_entry = Entry("2308.03688", "AgentBench: Evaluating $\\mathrm{LLMs}$ as Agents",
                        ("Xiao Liu", "Hao Yu", "GLM Team"), dt.date(2023, 8, 7), "cs.AI", "10.1/x", "ICLR 2024",
                        "Code at https://github.com/THUDM/AgentBench.")  # fmt: skip
    paper = from_entry(Paper(title="", arxiv_id="2308.03688"), arxiv_entry)
    assert (paper.title, paper.date_iso, paper.category, paper.journal_ref) == (
        arxiv_entry.title, "2023-08-07", "cs.AI", "ICLR 2024")  # fmt: skip
    assert paper.authors == (Person("Xiao", "Liu"), Person("Hao", "Yu"), Group("GLM Team"))
    assert paper.urls == ("https://github.com/THUDM/AgentBench",)  # checked by --enrich github
