"""The ``hf`` enricher: is each Hugging Face model, dataset, space or owner still there?

Asks the Hub API (``/api/models/…``, ``/api/datasets/…``, ``/api/spaces/…``,
``/api/organizations/{name}/overview``), never the web pages. A renamed
repository or organisation answers 307 with a relative ``Location``: that is
``moved``. An anonymous request cannot tell a missing repository from a
private one (both 401 ``RepoNotFound``); the report says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from papercite.links.check import Verdict, checker_enricher
from papercite.model import Link, LinkKind, LinkReport, LinkStatus
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import EnrichContext, Enricher, LinkChecker, Service, Setting

if TYPE_CHECKING:
    from papercite.http.client import Answer, HttpClient

ENDPOINT = "https://huggingface.co"
CONCURRENCY = 4
_API_KIND = {LinkKind.HF_MODEL: "models", LinkKind.HF_DATASET: "datasets", LinkKind.HF_SPACE: "spaces"}
_NOUN = {LinkKind.HF_MODEL: "model", LinkKind.HF_DATASET: "dataset", LinkKind.HF_SPACE: "space"}


SETTINGS = (
    Setting(
        "hf-endpoint",
        "Hugging Face Hub. HF_TOKEN is sent there, and nowhere else.",
        env=("PAPERCITE_HF_ENDPOINT", "HF_ENDPOINT"),
        default=ENDPOINT,
        url=True,
    ),
    Setting("hf-token", "Hugging Face token (gated repositories)", ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"), secret=True),
)
SERVICE = Service("Hugging Face Hub", url="hf-endpoint", token="hf-token", concurrency=CONCURRENCY)


def check(links: Sequence[Link], ctx: EnrichContext) -> Iterator[LinkReport]:
    assert ctx.http is not None
    http, token = ctx.http, ctx.settings.get("hf-token")
    base = (ctx.settings.get("hf-endpoint") or ENDPOINT).rstrip("/")
    groups: dict[tuple[LinkKind, str], list[Link]] = {}
    for link in links:
        name = f"{link.owner}/{link.name}" if link.name else link.owner
        groups.setdefault((link.kind, name.lower()), []).append(link)

    def one(group: list[Link]) -> list[LinkReport]:
        from papercite.http.client import ServiceError

        try:
            verdict = _verdict(http, base, token, group[0])
        except ServiceError as exc:
            verdict = Verdict(LinkStatus.ERROR, exc.http_status, exc.detail)
        return [verdict.report(link) for link in group]

    with ThreadPoolExecutor(http.capacity(base)) as pool:
        for reports in pool.map(one, groups.values()):
            yield from reports


def _verdict(http: HttpClient, base: str, token: str | None, link: Link) -> Verdict:
    if link.kind is LinkKind.HF_OWNER:
        # huggingface.co/gpt2, /bert-base-uncased: legacy canonical models without an owner,
        # common in papers (the Hub renames them with a 307); else a user or organisation.
        verdict = _repo_verdict(http, base, token, LinkKind.HF_MODEL, link.owner)
        if verdict.status is not LinkStatus.BROKEN:
            return verdict
        return _owner_verdict(http, base, token, link.owner)
    repo_id = f"{link.owner}/{link.name}" if link.name else link.owner  # datasets/squad: no owner
    return _repo_verdict(http, base, token, link.kind, repo_id)


def _repo_verdict(http: HttpClient, base: str, token: str | None, kind_of: LinkKind, repo_id: str) -> Verdict:
    kind = _API_KIND[kind_of]
    answer = http.get(f"{base}/api/{kind}/{quote(repo_id)}", token=token, scope=f"{base}/api/")
    status = answer.redirects[0][0] if answer.redirects else answer.status
    noun = _NOUN[kind_of]
    if answer.status == 200:
        data = answer.json()
        if not isinstance(data, dict):
            return Verdict(LinkStatus.ERROR, 200, "unreadable answer")
        new_id = _moved_id(answer, f"/api/{kind}/", repo_id, data.get("id"))
        if data.get("disabled"):
            return Verdict(LinkStatus.BROKEN, status, f"{noun} disabled", new_id)
        gated = data.get("gated")
        if new_id:
            also = f"; it is gated ({gated})" if gated else ""
            return Verdict(LinkStatus.MOVED, status, f"renamed to {new_id}{also}", new_id)
        if gated:
            return Verdict(LinkStatus.GATED, status, f"gated ({gated}): access must be requested")
        return Verdict(LinkStatus.OK, status)
    return _failure(answer, noun, token)


def _owner_verdict(http: HttpClient, base: str, token: str | None, owner: str) -> Verdict:
    answer = http.get(f"{base}/api/organizations/{quote(owner, safe='')}/overview", token=token, scope=f"{base}/api/")
    noun = "organisation"
    if answer.status in (401, 404):  # not an organisation: perhaps a user
        answer = http.get(f"{base}/api/users/{quote(owner, safe='')}/overview", token=token, scope=f"{base}/api/")
        noun = "user"
    status = answer.redirects[0][0] if answer.redirects else answer.status
    if answer.status == 200:
        data = answer.json()
        name = data.get("name") if isinstance(data, dict) else None
        prefix = "/api/organizations/" if noun == "organisation" else "/api/users/"
        new_name = _moved_id(answer, prefix, owner, name, suffix="/overview")
        if new_name:
            return Verdict(LinkStatus.MOVED, status, f"{noun} renamed to {new_name}", new_name)
        return Verdict(LinkStatus.OK, status, noun)
    return _failure(answer, "user or organisation", token)


def _moved_id(answer: Answer, prefix: str, asked: str, reported: Any, suffix: str = "") -> str | None:
    """The new id when the answer came through a redirect to another name, else None."""
    if not answer.redirects:
        return None
    path = urlsplit(answer.redirects[-1][1]).path
    new = path[len(prefix) :] if path.startswith(prefix) else ""
    new = new[: -len(suffix)] if suffix and new.endswith(suffix) else new
    if isinstance(reported, str) and reported.count("/") == asked.count("/"):
        new = reported  # the JSON's own id is the authority when it has one
    return new if new and new.lower() != asked.lower() else None


def _failure(answer: Answer, noun: str, token: str | None) -> Verdict:
    code = answer.headers.get("X-Error-Code", "")
    message = answer.headers.get("X-Error-Message", "")
    status = answer.status
    if status in (401, 403) and code == "GatedRepo":  # 401 without a token, 403 with one not granted access
        return Verdict(LinkStatus.GATED, status, f"gated: {message or 'access must be requested'}")
    if status == 401 and token and code != "RepoNotFound":
        # Only a request with a token can have it rejected (expired, revoked, mistyped).
        return Verdict(LinkStatus.ERROR, status, f"the Hub rejected the token ({message or code or 'unauthorized'})")
    if status in (401, 404) and not token:
        # Missing or private: the Hub answers an anonymous request 401 (RepoNotFound, or no code at
        # all), as huggingface_hub reads it.
        return Verdict(
            LinkStatus.BROKEN, status, f"{noun} not found, or private (an anonymous request cannot tell which)"
        )
    if status in (401, 404):
        return Verdict(LinkStatus.BROKEN, status, f"{noun} not found, or private and not shared with this token")
    if status == 403 and code == "GatedRepo":
        return Verdict(LinkStatus.GATED, status, f"gated: {message or 'access must be requested'}")
    if status in (403, 410, 451) and ("disabled" in (code + message).lower() or status != 403):
        return Verdict(LinkStatus.BROKEN, status, f"{noun} {message or 'disabled or removed'}")
    if status in (301, 302, 307, 308):
        return Verdict(LinkStatus.ERROR, status, f"redirected off the Hub, to {answer.headers.get('Location')}")
    return Verdict(LinkStatus.ERROR, status, f"unexpected answer: HTTP {status} {code} {message}".strip())


def _claims(link: Link) -> bool:
    return link.kind.service == "huggingface"


@hookimpl
def papercite_enrichers() -> Iterable[Enricher]:
    yield checker_enricher(
        "hf",
        LinkChecker(_claims, check),
        "Check Hugging Face model, dataset, space and owner links through the Hub API",
        SETTINGS,
        (SERVICE,),
    )
