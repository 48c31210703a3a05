"""Find GitHub and Hugging Face links in text and normalise them.

A URL found in an abstract ends before white space, a brace (``\\url{...}``)
or a closing angle bracket; trailing punctuation that belongs to the sentence
(``.``, ``,``, an unbalanced ``)``) and a trailing ``/`` or ``.git`` are cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from papercite.model import Link, LinkKind

_URL = re.compile(r"""https?://[^\s{}<>"\\]+""")
_HOST_PATH = re.compile(r"https?://([^/?#]+)(/[^?#]*)?", re.IGNORECASE)
_TRAILING = ".,;:!?'*"
_GITHUB_HOSTS = {"github.com", "www.github.com"}
_HF_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co"}
# Hugging Face paths that are site pages, not owners.
_HF_RESERVED = {
    "docs",
    "blog",
    "papers",
    "models",
    "datasets",
    "spaces",
    "collections",
    "pricing",
    "login",
    "join",
    "settings",
    "organizations",
    "learn",
    "tasks",
    "posts",
    "chat",
    "api",
}
_HF_KINDS = {"datasets": LinkKind.HF_DATASET, "spaces": LinkKind.HF_SPACE}  # path prefix -> kind
_GITHUB_RESERVED = {
    "orgs",
    "topics",
    "features",
    "marketplace",
    "explore",
    "settings",
    "sponsors",
    "about",
    "pricing",
    "login",
    "join",
    "collections",
    "trending",
    "apps",
    "site",
}


_OPENERS = {")": "(", "]": "["}


def _trim(url: str) -> str:
    """``url`` without the punctuation after it that belongs to the sentence, and without
    closing brackets that it did not open. The brackets are counted once and the counts
    updated as characters come off, so a URL followed by a long run of ``)`` costs time in
    proportion to its length."""
    end = len(url)
    unopened: dict[str, int] = {}  # closer -> closers minus openers in url[:end], once counted
    while end:
        c = url[end - 1]
        if c in _TRAILING:
            end -= 1
            continue
        opener = _OPENERS.get(c)
        if opener is None:
            break
        if c not in unopened:
            unopened[c] = url.count(c, 0, end) - url.count(opener, 0, end)
        if unopened[c] <= 0:
            break
        unopened[c] -= 1
        end -= 1
    return url[:end]


def has_dot_segments(path: str) -> bool:
    """Does a URL path hold a ``.`` or ``..`` segment, also percent-encoded (``%2e%2E``)?"""
    for _ in range(3):  # %252e decodes to %2e, then to "."
        if any(segment in (".", "..") for segment in path.split("/")):
            return True
        decoded = unquote(path)
        if decoded == path:
            return False
        path = decoded
    return True  # encoded more deeply than any service decodes: refuse


def classify(url: str) -> Link | None:
    """Return the :class:`Link` for a GitHub or Hugging Face URL, else ``None``."""
    m = _HOST_PATH.match(url)
    if not m:
        return None
    host, path = m.groups()
    host = host.lower()
    parts = path.strip("/").split("/") if path else []
    if "" in parts:  # "a//b" or a bare "/"
        parts = [p for p in parts if p]
    if path and ("." in path or "%" in path) and has_dot_segments(path):  # "datasets/../x" leaves the repo API
        return None
    if host in _GITHUB_HOSTS:
        if len(parts) >= 2 and parts[0].lower() == "orgs":  # an organisation's page
            return Link(f"https://github.com/orgs/{parts[1]}", LinkKind.GITHUB_OWNER, parts[1])
        if not parts or parts[0].lower() in _GITHUB_RESERVED:
            return None
        if len(parts) >= 2 and parts[1].lower().endswith(".git"):
            parts[1] = parts[1][:-4]
        if len(parts) == 1:
            return Link(f"https://github.com/{parts[0]}", LinkKind.GITHUB_OWNER, parts[0])
        path = "/".join(parts)
        return Link(f"https://github.com/{path}", LinkKind.GITHUB_REPO, parts[0], parts[1])
    if host in _HF_HOSTS:
        if not parts:
            return None
        if parts[0] in _HF_KINDS:
            prefix, kind, parts = parts[0] + "/", _HF_KINDS[parts[0]], parts[1:]
            if not parts:
                return None  # a listing page
            if len(parts) == 1:  # a legacy canonical dataset without owner: datasets/squad
                return Link(f"https://huggingface.co/{prefix}{parts[0]}", kind, parts[0])
        elif parts[0].lower() in _HF_RESERVED:
            return None
        else:
            prefix, kind = "", LinkKind.HF_MODEL
        if len(parts) == 1:
            return Link(f"https://huggingface.co/{parts[0]}", LinkKind.HF_OWNER, parts[0])
        path = "/".join(parts)
        return Link(f"https://huggingface.co/{prefix}{path}", kind, parts[0], parts[1])
    return None


def find_links(text: str) -> Iterator[Link]:
    """Yield each GitHub/Hugging Face link in ``text`` once, in order of appearance."""
    if text.startswith("http") and _URL.fullmatch(text):  # the text is one URL (a URL field)
        link = classify(_trim(text))
        if link is not None:
            yield link
        return
    seen: set[str] = set()
    pos = text.find("http")
    while pos >= 0:  # str.find is much faster than a regex scan over a long abstract
        m = _URL.match(text, pos)
        if m is None:
            pos = text.find("http", pos + 4)
            continue
        link = classify(_trim(m.group()))
        if link is not None and link.url not in seen:
            seen.add(link.url)
            yield link
        pos = text.find("http", m.end())


def relocate(link: Link, full_name: str) -> str:
    """``link.url`` with its ``owner[/name]`` replaced by ``full_name``, keeping any path below
    (``github.com/old/repo/tree/main/src`` -> ``github.com/new/repo/tree/main/src``)."""
    head, _, path = link.url.partition("://")
    host, *parts = path.split("/")
    at = parts.index(link.owner)  # after a "datasets/", "spaces/" or "orgs/" prefix
    width = 1 if link.name is None else 2
    parts[at : at + width] = full_name.split("/")
    return f"{head}://{host}/" + "/".join(parts)
