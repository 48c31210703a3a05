"""The ``github`` enricher: is each GitHub repository or owner still there?

Only the REST/GraphQL API is asked, never github.com pages (they answer 429
to link checkers, token or not). Without a token: ``GET /repos/{owner}/{repo}``
per repository (``/users/{login}`` per owner), revalidated from the cache
with ``If-None-Match`` (a 304 costs no rate limit). With ``GITHUB_TOKEN``:
one aliased GraphQL query per 100 links. GitHub asks clients to make
requests serially, so one request is in flight at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from papercite.links.check import Verdict, checker_enricher
from papercite.model import Link, LinkKind, LinkReport, LinkStatus
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import EnrichContext, Enricher, LinkChecker, Service, Setting

if TYPE_CHECKING:
    from papercite.http.client import Answer, HttpClient

API = "https://api.github.com"
CONCURRENCY = 1  # "make requests for a single user or client ID serially" (GitHub's REST best practices)
BATCH = 100  # repositories per GraphQL query
_REPO_NOT_FOUND = "repository not found: deleted, private, or never existed"
_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


SETTINGS = (
    Setting(
        "github-api",
        "GitHub API root. GITHUB_TOKEN (or GH_TOKEN) is sent there, and nowhere else.",
        env=("PAPERCITE_GITHUB_API",),
        default=API,
        url=True,
    ),
    Setting("github-token", "GitHub token (GraphQL: 100 repositories a request)", ("GITHUB_TOKEN", "GH_TOKEN"),
            secret=True),
)
SERVICE = Service("GitHub", url="github-api", token="github-token", concurrency=CONCURRENCY)


def api_url(ctx: EnrichContext) -> str:
    return (ctx.settings.get("github-api") or API).rstrip("/")


def graphql_url(api: str) -> str:
    """``/graphql`` beside the REST root (GitHub Enterprise: ``/api/v3`` -> ``/api/graphql``)."""
    return api[: -len("/v3")] + "/graphql" if api.endswith("/api/v3") else api + "/graphql"


def _scope(api: str) -> str:
    """Where the token may go: the API (``https://api.github.com/``; GitHub Enterprise: ``/api/``)."""
    return graphql_url(api).rsplit("/", 1)[0] + "/"


Target = tuple[str, str | None]  # (owner, repository or None for an owner page)


def _target(link: Link) -> Target:
    return (link.owner, link.name) if link.kind is LinkKind.GITHUB_REPO else (link.owner, None)


def check(links: Sequence[Link], ctx: EnrichContext) -> Iterator[LinkReport]:
    assert ctx.http is not None
    api = api_url(ctx)
    by_target: dict[tuple[str, str | None], list[Link]] = {}
    for link in links:
        owner, name = _target(link)
        by_target.setdefault((owner.lower(), name.lower() if name else None), []).append(link)
    targets = [_target(group[0]) for group in by_target.values()]
    token = ctx.settings.get("github-token")
    verdicts = _graphql(ctx.http, api, token, targets) if token else _rest(ctx.http, api, targets)
    for target, verdict in verdicts:
        owner, name = target
        for link in by_target[(owner.lower(), name.lower() if name else None)]:
            yield verdict.report(link)


# -- REST -----------------------------------------------------------------------


def _rest(http: HttpClient, api: str, targets: list[Target]) -> Iterator[tuple[Target, Verdict]]:
    def one(target: Target) -> tuple[Target, Verdict]:
        return target, _ask(lambda: _rest_verdict(http, api, target))

    with ThreadPoolExecutor(http.capacity(api)) as pool:
        yield from pool.map(one, targets)


def _ask(verdict: Callable[[], Verdict]) -> Verdict:
    from papercite.http.client import ServiceError

    try:
        return verdict()
    except ServiceError as exc:
        return Verdict(LinkStatus.ERROR, exc.http_status, exc.detail)


def _rest_verdict(http: HttpClient, api: str, target: Target) -> Verdict:
    owner, name = target
    if name is None:
        answer = http.get(f"{api}/users/{quote(owner, safe='')}", headers=_HEADERS)
        if answer.status == 200:
            login = answer.json().get("login")
            return Verdict(LinkStatus.OK, 200, f"{'organisation' if _is_org(answer) else 'user'} {login}")
        if answer.status == 404:
            return Verdict(LinkStatus.BROKEN, 404, "no such user or organisation")
        return _unexpected(answer)
    answer = http.get(f"{api}/repos/{quote(owner, safe='')}/{quote(name, safe='')}", headers=_HEADERS)
    status = answer.redirects[0][0] if answer.redirects else answer.status
    if answer.status == 200:
        data = answer.json()
        full_name = data.get("full_name") if isinstance(data, dict) else None
        if not isinstance(full_name, str) or full_name.count("/") != 1:
            return Verdict(LinkStatus.ERROR, 200, "unreadable answer: no full_name")
        return _repo_verdict(owner, name, full_name, bool(data.get("archived")), bool(data.get("disabled")), status)
    if answer.status == 404:
        return Verdict(LinkStatus.BROKEN, 404, _REPO_NOT_FOUND)
    if answer.status == 451:
        return Verdict(LinkStatus.BROKEN, 451, "repository unavailable for legal reasons (a takedown)")
    if answer.status == 403:
        block = _json_or_none(answer)
        if isinstance(block, dict) and isinstance(block.get("block"), dict):
            return Verdict(LinkStatus.BROKEN, 403, f"repository access blocked ({block['block'].get('reason')})")
    return _unexpected(answer)


def _is_org(answer: Answer) -> bool:
    data = _json_or_none(answer)
    return isinstance(data, dict) and data.get("type") == "Organization"


def _json_or_none(answer: Answer) -> Any:
    from papercite.http.client import ServiceError

    try:
        return answer.json()
    except ServiceError:
        return None


def _unexpected(answer: Answer) -> Verdict:
    data = _json_or_none(answer)
    message = data.get("message") if isinstance(data, dict) else None
    if answer.status == 401:
        return Verdict(LinkStatus.ERROR, 401, f"GitHub rejected the token ({message or 'Bad credentials'})")
    if answer.status in (301, 302, 307, 308):
        where = answer.headers.get("Location", "?")
        return Verdict(LinkStatus.ERROR, answer.status, f"redirected outside the API, to {where}")
    return Verdict(LinkStatus.ERROR, answer.status, f"unexpected answer: HTTP {answer.status} {message or ''}".strip())


def _repo_verdict(owner: str, name: str, full_name: str, archived: bool, disabled: bool, status: int) -> Verdict:
    if disabled:
        return Verdict(LinkStatus.BROKEN, status, "repository disabled by GitHub")
    if full_name.lower() != f"{owner}/{name}".lower():
        also = "; it is archived" if archived else ""
        return Verdict(LinkStatus.MOVED, status, f"renamed or transferred to {full_name}{also}", full_name)
    if archived:
        return Verdict(LinkStatus.ARCHIVED, status, "archived: read-only")
    return Verdict(LinkStatus.OK, status)


# -- GraphQL --------------------------------------------------------------------

_REPO_FIELDS = "nameWithOwner isArchived isDisabled"


def graphql_query(targets: Sequence[Target]) -> dict[str, Any]:
    """One aliased query for up to :data:`BATCH` targets; names travel as variables, never as query text."""
    params, fields, variables = [], [], {}
    for i, (owner, name) in enumerate(targets):
        variables[f"o{i}"] = owner
        params.append(f"$o{i}: String!")
        if name is None:
            fields.append(f"t{i}: repositoryOwner(login: $o{i}) {{ login __typename }}")
        else:
            variables[f"n{i}"] = name
            params.append(f"$n{i}: String!")
            fields.append(f"t{i}: repository(owner: $o{i}, name: $n{i}) {{ {_REPO_FIELDS} }}")
    query = f"query({', '.join(params)}) {{ {' '.join(fields)} rateLimit {{ remaining resetAt }} }}"
    return {"query": query, "variables": variables}


def _graphql(http: HttpClient, api: str, token: str, targets: list[Target]) -> Iterator[tuple[Target, Verdict]]:
    from papercite.http.client import RateLimited, ServiceError

    url = graphql_url(api)
    for start in range(0, len(targets), BATCH):
        batch = targets[start : start + BATCH]
        answer = None
        try:
            answer = http.post_json(url, graphql_query(batch), headers=_HEADERS, token=token, scope=_scope(api))
            verdicts = _graphql_verdicts(answer, batch)
            if any(v.status is LinkStatus.ERROR for v in verdicts):
                http.forget(answer)  # a 200 carrying errors: the next run asks again
        except RateLimited as exc:  # the rest would be refused too: report them, ask nothing more
            if answer is not None:
                http.forget(answer)
            failed = Verdict(LinkStatus.ERROR, exc.http_status, exc.detail)
            yield from ((target, failed) for target in targets[start:])
            return
        except ServiceError as exc:
            verdicts = [Verdict(LinkStatus.ERROR, exc.http_status, exc.detail)] * len(batch)
        yield from zip(batch, verdicts, strict=True)


def _graphql_verdicts(answer: Answer, batch: Sequence[Target]) -> list[Verdict]:
    from papercite.http.client import RateLimited, origin

    if answer.status != 200:
        return [_unexpected(answer)] * len(batch)
    body = answer.json()
    if not isinstance(body, dict):
        return [Verdict(LinkStatus.ERROR, 200, "unreadable GraphQL answer")] * len(batch)
    errors: dict[str, dict[str, Any]] = {}
    for error in body.get("errors") or ():
        if not isinstance(error, dict):
            continue
        if error.get("type") in ("RATE_LIMIT", "RATE_LIMITED"):  # today's name, and the older one
            reset = answer.headers.get("x-ratelimit-reset", "")
            raise RateLimited(origin(answer.url), float(reset) if reset.isdigit() else None, 200)
        path = error.get("path") or [None]
        errors[str(path[0])] = error
    data = body.get("data")
    if not isinstance(data, dict):
        message = next(iter(errors.values()), {}).get("message", "no data")
        return [Verdict(LinkStatus.ERROR, 200, f"GraphQL: {message}")] * len(batch)
    return [_graphql_verdict(data.get(f"t{i}"), errors.get(f"t{i}"), target) for i, target in enumerate(batch)]


def _graphql_verdict(node: Any, error: dict[str, Any] | None, target: Target) -> Verdict:
    owner, name = target
    if isinstance(node, dict):
        if name is None:
            kind = "organisation" if node.get("__typename") == "Organization" else "user"
            return Verdict(LinkStatus.OK, 200, f"{kind} {node.get('login')}")
        full_name = node.get("nameWithOwner")
        if isinstance(full_name, str) and full_name.count("/") == 1:
            return _repo_verdict(
                owner, name, full_name, bool(node.get("isArchived")), bool(node.get("isDisabled")), 200
            )
        return Verdict(LinkStatus.ERROR, 200, "unreadable GraphQL answer: no nameWithOwner")
    if error is None or error.get("type") == "NOT_FOUND":
        what = (
            "no such user or organisation"
            if name is None
            else "repository not found: deleted, private, or never existed"
        )
        return Verdict(LinkStatus.BROKEN, 200, f"{what} (GraphQL NOT_FOUND)")
    return Verdict(LinkStatus.ERROR, 200, f"GraphQL {error.get('type')}: {error.get('message')}")


def _claims(link: Link) -> bool:
    return link.kind in (LinkKind.GITHUB_REPO, LinkKind.GITHUB_OWNER)


@hookimpl
def papercite_enrichers() -> Iterable[Enricher]:
    yield checker_enricher(
        "github",
        LinkChecker(_claims, check),
        "Check GitHub repository and owner links through the API (GITHUB_TOKEN: GraphQL, 100 per request)",
        SETTINGS,
        (SERVICE,),
    )
