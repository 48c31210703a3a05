"""Every record of the real 26-paper listing, with expected values written by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from papercite.diagnostics import Diagnostics
from papercite.model import Group, Person
from papercite.plugins.types import ReadContext
from papercite.readers.listing import read_listing

FIXTURE = Path(__file__).parents[2] / "fixtures" / "glm-listing.txt"
AS_OF = dt.date(2026, 11, 27)

P = Person
G = Group
TSINGHUA = ("tsinghua",)

# (header line, category, date, has_code, title, authors, et_al, affiliations, urls)
EXPECTED = [
    (
        1,
        "cs.AI",
        "2023-08-07",
        True,
        "AgentBench: Evaluating LLMs as Agents",
        [P("Xiao", "Liu"), P("Hao", "Yu"), P("Hanchen", "Zhang")],
        True,
        ("berkeley", "microsoft-research"),
        ["https://github.com/THUDM/AgentBench"],
    ),
    (
        4,
        "cs.CL",
        "2022-10-05",
        True,
        "GLM-130B: An Open Bilingual Pre-trained Model",
        [P("Aohan", "Zeng"), P("Xiao", "Liu"), P("Zhengxiao", "Du")],
        True,
        TSINGHUA,
        ["https://github.com/THUDM/GLM-130B"],
    ),
    (
        7,
        "cs.CL",
        "2023-08-28",
        True,
        "LongBench: A Bilingual, Multitask Benchmark for Long Context Understanding",
        [P("Yushi", "Bai"), P("Xin", "Lv"), P("Jiajie", "Zhang")],
        True,
        TSINGHUA,
        ["https://github.com/THUDM/LongBench"],
    ),
    (
        10,
        "cs.CL",
        "2023-06-13",
        True,
        "WebGLM: Towards An Efficient Web-Enhanced Question Answering System with Human Preferences",
        [P("Xiao", "Liu"), P("Hanyu", "Lai"), P("Hao", "Yu")],
        True,
        TSINGHUA,
        ["https://github.com/THUDM/WebGLM"],
    ),
    (
        13,
        "cs.AI",
        "2024-08-12",
        True,
        "VisualAgentBench: Towards Large Multimodal Models as Visual Foundation Agents",
        [P("Xiao", "Liu"), P("Tianjie", "Zhang"), P("Yu", "Gu")],
        True,
        ("cmu", "microsoft-research"),
        ["https://github.com/THUDM/VisualAgentBench"],
    ),
    (
        16,
        "cs.LG",
        "2026-02-17",
        True,
        "GLM-5: from Vibe Coding to Agentic Engineering",
        [G("GLM-5 Team"), P("Aohan", "Zeng"), P("Xin", "Lv")],
        True,
        TSINGHUA,
        ["https://github.com/zai-org/GLM-5"],
    ),
    (
        19,
        "cs.CL",
        "2024-09-10",
        True,
        "MathGLM-Vision: Solving Mathematical Problems with Multi-Modal Large Language Model",
        [P("Zhen", "Yang"), P("Jinhao", "Chen"), P("Zhengxiao", "Du")],
        True,
        (),
        [],
    ),
    (
        22,
        "cs.AI",
        "2024-09-10",
        True,
        "VisScience: An Extensive Benchmark for Evaluating K12 Educational Multi-modal Scientific Reasoning",
        [P("Zhihuan", "Jiang"), P("Zhen", "Yang"), P("Jinhao", "Chen")],
        True,
        (),
        [],
    ),
    (
        25,
        "cs.CL",
        "2026-03-12",
        False,
        "IndexCache: Accelerating Sparse Attention via Cross-Layer Index Reuse",
        [P("Yushi", "Bai"), P("Qian", "Dong"), P("Ting", "Jiang")],
        True,
        (),
        [],
    ),
    (
        28,
        "cs.CL",
        "2024-12-03",
        True,
        "GLM-4-Voice: Towards Intelligent and Human-Like End-to-End Spoken Chatbot",
        [P("Aohan", "Zeng"), P("Zhengxiao", "Du"), P("Mingdao", "Liu")],
        True,
        (),
        ["https://github.com/THUDM/GLM-4-Voice", "https://huggingface.co/THUDM/glm-4-voice-9b"],
    ),
    (
        31,
        "cs.CL",
        "2025-08-08",
        True,
        "GLM-4.5: Agentic, Reasoning, and Coding (ARC) Foundation Models",
        [G("GLM-4. 5 Team"), P("Aohan", "Zeng"), P("Xin", "Lv")],
        True,
        (),
        ["https://github.com/zai-org/GLM-4.5"],
    ),
    (
        34,
        "cs.CL",
        "2024-04-03",
        True,
        "ChatGLM-Math: Improving Math Problem-Solving in Large Language Models with a Self-Critique Pipeline",
        [P("Yifan", "Xu"), P("Xiao", "Liu"), P("Xinghan", "Liu")],
        True,
        TSINGHUA,
        ["https://github.com/THUDM/ChatGLM-Math"],
    ),
    (
        37,
        "cs.CV",
        "2025-07-01",
        True,
        "GLM-4.5V and GLM-4.1V-Thinking: Towards Versatile Multimodal Reasoning with Scalable Reinforcement Learning",
        [G("GLM-V Team"), P("Wenyi", "Hong"), P("Wenmeng", "Yu")],
        True,
        (),
        ["https://github.com/zai-org/GLM-V"],
    ),
    (
        40,
        "cs.CL",
        "2024-01-15",
        True,
        "SciInstruct: a Self-Reflective Instruction Annotated Dataset for Training Scientific Language Models",
        [P("Dan", "Zhang"), P("Ziniu", "Hu"), P("Sining", "Zhoubian")],
        True,
        (),
        ["https://github.com/THUDM/SciGLM"],
    ),
    (
        43,
        "cs.CL",
        "2025-01-17",
        True,
        "ComplexFuncBench: Exploring Multi-Step and Constrained Function Calling under Long-Context Scenario",
        [P("Lucen", "Zhong"), P("Zhengxiao", "Du"), P("Xiaohan", "Zhang")],
        True,
        (),
        ["https://github.com/THUDM/ComplexFuncBench"],
    ),
    (
        46,
        "cs.CL",
        "2024-06-18",
        True,
        "ChatGLM: A Family of Large Language Models from GLM-130B to GLM-4 All Tools",
        [G("Team GLM"), P("Aohan", "Zeng"), P("Bin", "Xu")],
        True,
        (),
        ["https://github.com/THUDM", "https://huggingface.co/THUDM"],
    ),
    (
        49,
        "cs.CL",
        "2021-10-14",
        True,
        "P-Tuning v2: Prompt Tuning Can Be Comparable to Fine-tuning Universally Across Scales and Tasks",
        [P("Xiao", "Liu"), P("Kaixuan", "Ji"), P("Yicheng", "Fu")],
        True,
        (),
        ["https://github.com/THUDM/P-tuning-v2"],
    ),
    (
        52,
        "cs.LG",
        "2019-06-13",
        True,
        "Cognitive Knowledge Graph Reasoning for One-shot Relational Learning",
        [P("Zhengxiao", "Du"), P("Chang", "Zhou"), P("Ming", "Ding")],
        True,
        (),
        ["https://github.com/THUDM/CogKR"],
    ),
    (
        55,
        "cs.CL",
        "2024-03-23",
        False,
        "Understanding Emergent Abilities of Language Models from the Loss Perspective",
        [P("Zhengxiao", "Du"), P("Aohan", "Zeng"), P("Yuxiao", "Dong")],
        True,
        (),
        [],
    ),
    (
        58,
        "cs.CL",
        "2024-11-26",
        False,
        "Scaling Speech-Text Pre-training with Synthetic Interleaved Data",
        [P("Aohan", "Zeng"), P("Zhengxiao", "Du"), P("Mingdao", "Liu")],
        True,
        (),
        [],
    ),
    (
        61,
        "cs.CL",
        "2024-04-01",
        False,
        "ChatGLM-RLHF: Practices of Aligning Large Language Models with Human Feedback",
        [P("Zhenyu", "Hou"), P("Yilin", "Niu"), P("Zhengxiao", "Du")],
        True,
        TSINGHUA,
        [],
    ),
    (
        64,
        "cs.CL",
        "2024-12-08",
        False,
        "Does RLHF Scale? Exploring the Impacts From Data, Model, and Method",
        [P("Zhenyu", "Hou"), P("Pengfan", "Du"), P("Yilin", "Niu")],
        True,
        (),
        [],
    ),
    (
        67,
        "cs.CL",
        "2021-03-18",
        False,
        "GPT Understands, Too",
        [P("Xiao", "Liu"), P("Yanan", "Zheng"), P("Zhengxiao", "Du")],
        True,
        (),
        [],
    ),
    (
        70,
        "cs.CL",
        "2021-03-18",
        False,
        "GLM: General Language Model Pretraining with Autoregressive Blank Infilling",
        [P("Zhengxiao", "Du"), P("Yujie", "Qian"), P("Xiao", "Liu")],
        True,
        (),
        [],
    ),
    (
        73,
        "cs.LG",
        "2019-11-19",
        False,
        "Policy-Gradient Training of Fair and Unbiased Ranking Functions",
        [P("Himank", "Yadav"), P("Zhengxiao", "Du"), P("Thorsten", "Joachims")],
        False,
        (),
        [],
    ),
    (
        76,
        "cs.IR",
        "2019-06-02",
        False,
        "Sequential Scenario-Specific Meta Learner for Online Recommendation",
        [P("Zhengxiao", "Du"), P("Xiaowei", "Wang"), P("Hongxia", "Yang")],
        True,
        (),
        [],
    ),
]

# The arXiv identifier of each record (by its header line), copied by hand from
# the papers' own pages (arxiv.org/abs/..., or the authors' repositories and
# citations where those link it).
ARXIV_IDS = {
    1: "2308.03688",  # AgentBench
    4: "2210.02414",  # GLM-130B
    7: "2308.14508",  # LongBench
    10: "2306.07906",  # WebGLM
    13: "2408.06327",  # VisualAgentBench
    16: "2602.15763",  # GLM-5
    19: "2409.13729",  # MathGLM-Vision
    22: "2409.13730",  # VisScience
    25: "2603.12201",  # IndexCache
    28: "2412.02612",  # GLM-4-Voice
    31: "2508.06471",  # GLM-4.5
    34: "2404.02893",  # ChatGLM-Math
    37: "2507.01006",  # GLM-4.5V and GLM-4.1V-Thinking
    40: "2401.07950",  # SciInstruct (first posted as SciGLM)
    43: "2501.10132",  # ComplexFuncBench
    46: "2406.12793",  # ChatGLM: A Family of Large Language Models
    49: "2110.07602",  # P-Tuning v2
    52: "1906.05489",  # CogKR
    55: "2403.15796",  # Emergent abilities from the loss perspective
    58: "2411.17607",  # Scaling speech-text pre-training
    61: "2404.00934",  # ChatGLM-RLHF
    64: "2412.06000",  # Does RLHF Scale?
    67: "2103.10385",  # GPT Understands, Too
    70: "2103.10360",  # GLM
    73: "1911.08054",  # Policy-gradient training of fair and unbiased ranking functions
    76: "1906.00391",  # Sequential scenario-specific meta learner
}


@pytest.fixture(scope="module")
def parsed():
    diagnostics = Diagnostics()
    with FIXTURE.open(encoding="utf-8") as f:
        records = list(read_listing(f, ReadContext("glm-listing.txt", diagnostics, AS_OF)))
    return records, diagnostics


def test_reads_all_26_without_messages(parsed):
    records, diagnostics = parsed
    assert len(records) == 26
    assert diagnostics.items == []
    assert (diagnostics.read, diagnostics.skipped) == (26, 0)


@pytest.mark.parametrize("expected", EXPECTED, ids=[e[4][:30] for e in EXPECTED])
def test_record(parsed, expected):
    line, category, date, has_code, title, authors, et_al, affiliations, urls = expected
    record = {r.source.line: r for r in parsed[0]}[line]
    assert record.title == title
    assert list(record.authors) == authors
    assert record.et_al is et_al
    assert record.affiliations == affiliations
    assert record.category == category
    assert record.date == dt.date.fromisoformat(date)
    assert record.has_code is has_code
    assert list(record.urls) == urls
    assert record.source.file == "glm-listing.txt"
    # The abstract is the third line of the record, kept verbatim.
    assert record.abstract == FIXTURE.read_text(encoding="utf-8").splitlines()[line + 1].strip()


def test_abstract_text_of_latex_records(parsed):
    by_line = {r.source.line: r for r in parsed[0]}
    agent = by_line[1].abstract_text
    assert "quantitatively evaluate LLMs as agents on challenging" in agent
    assert "test over API-based and open-sourced" in agent  # \num has no argument: dropped
    assert "\\" not in agent and "{" not in agent
    assert "on 4×RTX 3090 (24G) or 8×RTX 2080 Ti (11G) GPUs" in by_line[4].abstract_text
    assert "from O(L^2) to O(Lk)" in by_line[25].abstract_text
    assert "up to 1.82× prefill speedup" in by_line[25].abstract_text
    assert "deployed to ChatGLM (https://chatglm.cn), an online serving LLM" in by_line[34].abstract_text
    assert "Deep Prompt Tuning [li2021prefix, qin2021learning] optimized" in by_line[49].abstract_text
    assert "https://github.com/THUDM/WebGLM." in by_line[10].abstract_text  # \url{} unwrapped
    assert "pipeline – a reinforcement learning" in by_line[61].abstract_text  # -- is an en dash


def test_year_inference_follows_as_of():
    diagnostics = Diagnostics()
    with FIXTURE.open(encoding="utf-8") as f:
        records = list(read_listing(f, ReadContext("x", diagnostics, dt.date(2026, 3, 1))))
    by_line = {r.source.line: r for r in records}
    assert by_line[16].date == dt.date(2026, 2, 17)  # Feb 17 is before Mar 1: this year
    assert by_line[25].date == dt.date(2025, 3, 12)  # Mar 12 is after Mar 1: last year
    assert by_line[1].date == dt.date(2023, 8, 7)  # explicit years are kept
