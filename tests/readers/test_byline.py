"""Title/author splitting on bylines beyond the fixture."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papercite.model import Group, Person
from papercite.readers.byline import split_byline
from papercite.text.names import parse_name

P, G = Person, Group

CASES = [
    # non-ASCII names
    ("One Model To Learn Them AllŁukasz Kaiser, Aidan N. Gomez",
     "One Model To Learn Them All", [P("Łukasz", "Kaiser"), P("Aidan N.", "Gomez")], False),
    ("Long Short-Term MemorySepp Hochreiter, Jürgen Schmidhuber",
     "Long Short-Term Memory", [P("Sepp", "Hochreiter"), P("Jürgen", "Schmidhuber")], False),
    ("Neural Generation for CzechOndřej Dušek, Filip Jurčíček",
     "Neural Generation for Czech", [P("Ondřej", "Dušek"), P("Filip", "Jurčíček")], False),
    # hyphens and particles
    ("Robots That Can AdaptJean-Baptiste Mouret, Antoine Cully",
     "Robots That Can Adapt", [P("Jean-Baptiste", "Mouret"), P("Antoine", "Cully")], False),
    ("Dutch Word EmbeddingsVincent van der Berg, Juan de la Cruz, Ludwig von Mises et al.",
     "Dutch Word Embeddings",
     [P("Vincent", "van der Berg"), P("Juan", "de la Cruz"), P("Ludwig", "von Mises")], True),
    # one, two and three authors; three without et al.
    ("Attention Is All You NeedAshish Vaswani", "Attention Is All You Need", [P("Ashish", "Vaswani")], False),
    ("Deep Residual LearningKaiming He, Xiangyu Zhang",
     "Deep Residual Learning", [P("Kaiming", "He"), P("Xiangyu", "Zhang")], False),
    ("Adam: A Method for Stochastic OptimizationDiederik P. Kingma, Jimmy Ba, Ada Lovelace",
     "Adam: A Method for Stochastic Optimization",
     [P("Diederik P.", "Kingma"), P("Jimmy", "Ba"), P("Ada", "Lovelace")], False),
    # team names, first and later
    ("Gemini: A Family of Highly Capable Multimodal ModelsGemini Team, Rohan Anil, Sebastian Borgeaud et al.",
     "Gemini: A Family of Highly Capable Multimodal Models",
     [G("Gemini Team"), P("Rohan", "Anil"), P("Sebastian", "Borgeaud")], True),
    ("Qwen2 Technical ReportAn Yang, Qwen Team", "Qwen2 Technical Report", [P("An", "Yang"), G("Qwen Team")], False),
    # titles ending in an acronym, a digit, a version, a camel-case word
    ("Evaluating Agents with LLMXiao Liu, Hao Yu", "Evaluating Agents with LLM",
     [P("Xiao", "Liu"), P("Hao", "Yu")], False),
    ("Llama 2Hugo Touvron, Louis Martin", "Llama 2", [P("Hugo", "Touvron"), P("Louis", "Martin")], False),
    ("Open Foundation Model v1.5Jane Doe", "Open Foundation Model v1.5", [P("Jane", "Doe")], False),
    ("Towards VisualAgentBenchXiao Liu", "Towards VisualAgentBench", [P("Xiao", "Liu")], False),
    # punctuation in titles: ? : , (...) & $...$
    ("Is Scale All You Need?Ondřej Dušek", "Is Scale All You Need?", [P("Ondřej", "Dušek")], False),
    ("Hello, World: Sparse, Dense, and Hybrid RetrievalAna Lee, Bo Chen",
     "Hello, World: Sparse, Dense, and Hybrid Retrieval", [P("Ana", "Lee"), P("Bo", "Chen")], False),
    ("Agentic, Reasoning, and Coding (ARC)Mary Ann Smith", "Agentic, Reasoning, and Coding (ARC)",
     [P("Mary Ann", "Smith")], False),
    ("Fast & Furious Transformers (FFT)Yann LeCun, Seán O'Brien", "Fast & Furious Transformers (FFT)",
     [P("Yann", "LeCun"), P("Seán", "O'Brien")], False),
    ("Policies for $\\pi_0$Kevin Black, Noah Brown", "Policies for $\\pi_0$",
     [P("Kevin", "Black"), P("Noah", "Brown")], False),
    ("Scaling $O(L^2)$ AttentionAlice Zhang", "Scaling $O(L^2)$ Attention", [P("Alice", "Zhang")], False),
    # the title's last word is not glued to a space-separated name
    ("GPT Understands, TooXiao Liu, Yanan Zheng, Zhengxiao Du et al.", "GPT Understands, Too",
     [P("Xiao", "Liu"), P("Yanan", "Zheng"), P("Zhengxiao", "Du")], True),
]


@pytest.mark.parametrize(("byline", "title", "authors", "et_al"), CASES, ids=[c[1][:32] for c in CASES])
def test_split(byline, title, authors, et_al):
    result = split_byline(byline)
    assert result.title == title
    assert list(result.authors) == authors
    assert result.et_al is et_al
    assert result.warnings == ()


def test_affiliations_after_middle_dot():
    result = split_byline("AgentBench: Evaluating LLMs as AgentsXiao Liu, Hao Yu, Hanchen Zhang et al. · berkeley, microsoft-research")
    assert result.affiliations == ("berkeley", "microsoft-research")
    assert result.et_al


def test_affiliation_that_is_not_a_slug_is_kept_and_reported():
    result = split_byline("A TitleJane Doe · Tsinghua University")
    assert result.affiliations == ("Tsinghua University",)
    assert any("slug" in w for w in result.warnings)


def test_ambiguous_split_warns_and_still_chooses():
    # "AGIGLM Team": the acronym/team boundary could be anywhere.
    result = split_byline("Towards AGIGLM Team")
    assert len(result.authors) == 1 and isinstance(result.authors[0], Group)
    assert any(w.startswith("ambiguous title/author split") for w in result.warnings)


def test_org_author_without_team_word_is_doubtful_but_kept():
    result = split_byline("DeepSeek-V3 Technical ReportDeepSeek-AI, Aixin Liu, Bei Feng et al.")
    assert result.title == "DeepSeek-V3 Technical Report"
    assert result.authors[0] == G("DeepSeek-AI")
    assert result.warnings  # said, never silently


def test_et_al_after_fewer_than_three_names_is_reported():
    result = split_byline("A Study of ThingsJane Doe, John Roe et al.")
    assert result.authors == (P("Jane", "Doe"), P("John", "Roe"))
    assert any("et al." in w for w in result.warnings)


@pytest.mark.parametrize(
    ("byline", "title", "authors"),
    [
        ("A title with no authors at all", "A title with no authors at all", ()),  # no capital to start a name
        ("all lower case title jane doe", "all lower case title jane doe", ()),
        ("Title Ending In Space Jane Doe, ", "Title Ending In Space Jane", ("Doe",)),
        ("Scaling Data for LLMsAmine ben-Salah, Sara ali", "Scaling Data for LLMs",
         ("Amine ben-Salah", "Sara ali")),
    ],
)
def test_no_well_formed_author_list_still_gives_a_record_with_a_warning(byline, title, authors):
    """A record is never lost for the shape of a name (issue 17): the best split is taken and
    said, with the alternatives."""
    result = split_byline(byline)
    assert (result.title, tuple(a.display for a in result.authors)) == (title, authors)
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(("no well-formed title/author split", "no author found"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vincent van der Berg", P("Vincent", "van der Berg")),
        ("Juan de la Cruz", P("Juan", "de la Cruz")),
        ("Jean-Baptiste Mouret", P("Jean-Baptiste", "Mouret")),
        ("J.-B. Mouret", P("J.-B.", "Mouret")),
        ("GLM-4. 5 Team", G("GLM-4. 5 Team")),
        ("Team GLM", G("Team GLM")),
        ("The Research Consortium", G("The Research Consortium")),
    ],
)
def test_parse_name(text, expected):
    shape = parse_name(text)
    assert shape is not None and shape.author == expected


@pytest.mark.parametrize("text", ["van der Berg", "Reasoning with Feedback", "RC) Foundation Models", "Agents: A Survey", ""])
def test_not_a_name(text):
    assert parse_name(text) is None


TITLE_TOKENS = st.sampled_from(["Scaling", "Data", "for", "LLMs", "GANs", "GPT-4V", "with", "VLMs", "Models?",
                                "(ARC)", "v2", "3D", "a", "Study", "{", "$x$", "Ünïcode", "of", "X-Ray"])
NAME_TOKENS = st.sampled_from(["Amine", "Ben", "salah", "HyeonWoo", "Park", "van", "den", "Berg", "O'Neil",
                               "D'Souza", "J.", "R.", "Jr.", "Marie-Claire", "Qwen", "Team", "Cohere", "Li",
                               "di", "Stefano", "ÇELİK", "x"])


@settings(max_examples=300, deadline=None)
@given(title=st.lists(TITLE_TOKENS, min_size=1, max_size=8),
       names=st.lists(st.lists(NAME_TOKENS, min_size=1, max_size=4), min_size=0, max_size=4),
       et_al=st.booleans(), glue=st.booleans())
def test_no_record_is_ever_skipped_for_its_byline(title, names, et_al, glue):
    """Issue 17: a record is skipped only when its header or abstract line is missing."""
    import datetime as dt
    import io

    from papercite.diagnostics import Diagnostics
    from papercite.plugins import ReadContext
    from papercite.readers.listing import read_listing

    byline = " ".join(title) + ("" if glue else " ") + ", ".join(" ".join(n) for n in names)
    byline += " et al." if et_al and names else ""
    text = f"CLMar 1, 2021\n{byline}\nAn abstract.\nCLMar 2, 2021\nA Second PaperJane Doe\nAnother.\n"
    diagnostics = Diagnostics()
    records = list(read_listing(io.StringIO(text), ReadContext("x", diagnostics, dt.date(2026, 11, 27))))
    assert len(records) == 2, [str(d) for d in diagnostics.items]
    assert diagnostics.skipped == 0


@pytest.mark.parametrize(("byline", "title", "authors"), [
    # issue 17's classes: camel-case given names as arXiv spells them, a title ending in a plural
    # acronym glued to an author or a group
    ("Deep Learning with GANsHyeonWoo Park, JiSoo Lee, MinJoon Seo", "Deep Learning with GANs",
     ("HyeonWoo Park", "JiSoo Lee", "MinJoon Seo")),
    ("Reasoning with VLMsQwen Team", "Reasoning with VLMs", ("Qwen Team",)),
    ("Better GANsHyun-Woo Kim, Marie-Claire Dupont", "Better GANs", ("Hyun-Woo Kim", "Marie-Claire Dupont")),
    ("Agents for LLMsJ. R. R. Tolkien, John Smith", "Agents for LLMs", ("J. R. R. Tolkien", "John Smith")),
])
def test_camel_case_given_names_and_plural_acronyms(byline, title, authors):
    result = split_byline(byline)
    assert (result.title, tuple(a.display for a in result.authors)) == (title, authors)


@pytest.mark.parametrize(
    ("byline", "title", "names"),
    [
        # camel-case given names glued to the title, the list's other names spelt alike (real:
        # WWW 2022, NAACL 2024)
        ("Genre-Controllable Story Generation via Supervised Contrastive LearningJinUk Cho, MinSu Jeong, "
         "JinYeong Bak et al.", "Genre-Controllable Story Generation via Supervised Contrastive Learning",
         (("JinUk", "Cho"), ("MinSu", "Jeong"), ("JinYeong", "Bak"))),
        ("PEMA: An Offsite-Tunable Plug-in External Memory Adaptation for Language ModelsHyunJin Kim, "
         "Young Jin Kim, JinYeong Bak", "PEMA: An Offsite-Tunable Plug-in External Memory Adaptation for "
         "Language Models", (("HyunJin", "Kim"), ("Young Jin", "Kim"), ("JinYeong", "Bak"))),
        # a title that would end in a list of name-shaped words (", Ji") is a split made too late
        ("Deep Learning with GANsHyeonWoo Park, JiSoo Lee, MinJoon Seo", "Deep Learning with GANs",
         (("HyeonWoo", "Park"), ("JiSoo", "Lee"), ("MinJoon", "Seo"))),
        # family names as arXiv and DBLP have them: capitalised particles, a lower-case family
        # name after one, a lower-case given syllable, initials without a full stop
        ("Food-101 -- Mining Discriminative Components with Random ForestsLukas Bossard, Matthieu "
         "Guillaumin, Luc Van Gool", "Food-101 -- Mining Discriminative Components with Random Forests",
         (("Lukas", "Bossard"), ("Matthieu", "Guillaumin"), ("Luc", "Van Gool"))),
        ("Scaling Data for LLMsAmine Ben salah, Sara Ali", "Scaling Data for LLMs",
         (("Amine", "Ben salah"), ("Sara", "Ali"))),
        ("Testing Firm ConductYoungjin Hong, In Kyung Kim, Kyoo il Kim", "Testing Firm Conduct",
         (("Youngjin", "Hong"), ("In Kyung", "Kim"), ("Kyoo il", "Kim"))),
        ("C60: buckminsterfullereneHarold W Kroto, James R Heath, Sean C O'Brien et al.",
         "C60: buckminsterfullerene", (("Harold W", "Kroto"), ("James R", "Heath"), ("Sean C", "O'Brien"))),
        # an acronym glued to a group that starts with a letter and a digit; an organisation
        ("Multi-Electron Production at High Transverse Momenta in ep Collisions at HERAH1 Collaboration",
         "Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA", (("", "H1 Collaboration"),)),
        ("Gemma 2: Improving Open Language Models at a Practical SizeGemma Team, Google DeepMind",
         "Gemma 2: Improving Open Language Models at a Practical Size", (("", "Gemma Team"), ("", "Google DeepMind"))),
    ],
)
def test_real_name_shapes_split_right_without_a_warning(byline, title, names):
    """Issue 17's classes on real bylines (tests/data/bylines_eval.tsv and the arXiv recordings)."""
    result = split_byline(byline)
    assert result.title == title
    got = tuple((a.given, a.full_family) if isinstance(a, Person) else ("", a.name) for a in result.authors)
    assert got == names
    assert result.warnings == ()
