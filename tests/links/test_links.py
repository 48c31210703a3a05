"""GitHub and Hugging Face links found in abstracts."""

from __future__ import annotations

import pytest

from papercite.links.urls import classify, find_links
from papercite.model import LinkKind


@pytest.mark.parametrize(
    ("text", "url", "kind"),
    [
        ("code at https://github.com/THUDM/GLM-130B/.", "https://github.com/THUDM/GLM-130B", LinkKind.GITHUB_REPO),
        (r"\url{https://github.com/THUDM/WebGLM}.", "https://github.com/THUDM/WebGLM", LinkKind.GITHUB_REPO),
        ("(https://github.com/a/b.git)", "https://github.com/a/b", LinkKind.GITHUB_REPO),
        ("see https://github.com/zai-org/GLM-4.5.", "https://github.com/zai-org/GLM-4.5", LinkKind.GITHUB_REPO),
        ("http://www.github.com/a/b/tree/main/x,", "https://github.com/a/b/tree/main/x", LinkKind.GITHUB_REPO),
        ("org https://github.com/THUDM;", "https://github.com/THUDM", LinkKind.GITHUB_OWNER),
        ("https://huggingface.co/THUDM/glm-4-voice-9b.", "https://huggingface.co/THUDM/glm-4-voice-9b", LinkKind.HF_MODEL),
        ("https://huggingface.co/datasets/THUDM/LongBench)", "https://huggingface.co/datasets/THUDM/LongBench",
         LinkKind.HF_DATASET),
        ("https://huggingface.co/spaces/THUDM/CogVideoX-5B}", "https://huggingface.co/spaces/THUDM/CogVideoX-5B",
         LinkKind.HF_SPACE),
        ("https://huggingface.co/THUDM.", "https://huggingface.co/THUDM", LinkKind.HF_OWNER),
        ("https://wikipedia.org/wiki/(a)_(b)", None, None),
        ("https://github.com/features/copilot", None, None),
        ("https://huggingface.co/docs/hub", None, None),
        ("https://chatglm.cn}}", None, None),
    ],
)
def test_find_links(text, url, kind):
    links = list(find_links(text))
    if url is None:
        assert links == []
    else:
        assert [(link.url, link.kind) for link in links] == [(url, kind)]


def test_owner_and_name_and_deduplication():
    links = list(find_links("https://github.com/a/b and again https://github.com/a/b/ and https://hf.co/c/d"))
    assert [(link.owner, link.name) for link in links] == [("a", "b"), ("c", "d")]


def test_balanced_parentheses_stay():
    assert [link.url for link in find_links("(see https://github.com/a/b_(c))")] == ["https://github.com/a/b_(c)"]
    assert classify("https://example.org/a/b") is None
