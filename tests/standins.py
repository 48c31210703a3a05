"""Stand-ins for the GitHub API and the Hugging Face Hub, served by pytest-httpserver.

They answer the way the services do (status codes, redirect bodies and
headers, rate-limit headers, ETags and 304s), from a small in-memory world
that each test sets up. ``script`` queues one-off answers for a path (a 429,
a 503, a slow or truncated answer) before the normal one.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

Scripted = Callable[[Request], Response]


def json_response(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, headers=headers or {}, content_type="application/json")


def slow(seconds: float, then: Response) -> Scripted:
    def answer(request: Request) -> Response:
        time.sleep(seconds)
        return then

    return answer


def truncated(request: Request) -> Response:
    """Promises more bytes than it sends, then closes: an interrupted transfer."""
    response = Response('{"full_name": "a/b", "archi', status=200, content_type="application/json")
    response.headers["Content-Length"] = "500"
    return response


class StandIn:
    """Common parts: the server, scripted answers, a log of what was asked."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self.log: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        self.delay = 0.0  # seconds before each answer (the benchmark's 50 ms)
        self.web_pages = False  # answer non-API paths with a page (for link checkers that fetch URLs)
        self._lock = threading.Lock()
        server.expect_request(re.compile(".*")).respond_with_handler(self._dispatch)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def script(self, path: str, *answers: Scripted | Response) -> None:
        for answer in answers:
            self.scripts[path].append((lambda request, a=answer: a) if isinstance(answer, Response) else answer)

    def requests(self, path_prefix: str = "") -> list[tuple[str, str, dict[str, str]]]:
        return [entry for entry in self.log if entry[1].startswith(path_prefix)]

    def _dispatch(self, request: Request) -> Response:
        with self._lock:
            self.log.append((request.method, request.path, dict(request.headers)))
            scripted = self.scripts[request.path].popleft() if self.scripts.get(request.path) else None
        if self.delay:
            time.sleep(self.delay)
        if scripted is not None:
            return scripted(request)
        if self.web_pages and not request.path.startswith(self.api_paths):
            return Response("<html><body>a repository page</body></html>", 200, content_type="text/html")
        return self.answer(request)

    api_paths: tuple[str, ...] = ()

    def answer(self, request: Request) -> Response:  # pragma: no cover - overridden
        raise NotImplementedError


def _etag(data: object) -> str:
    return '"' + hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest() + '"'


@dataclass
class Repo:
    full_name: str
    id: int
    archived: bool = False
    disabled: bool = False


@dataclass
class GitHubWorld:
    repos: dict[str, Repo] = field(default_factory=dict)  # lower-case full name -> repo
    renamed: dict[str, int] = field(default_factory=dict)  # lower-case old full name -> repo id
    taken_down: set[str] = field(default_factory=set)
    owners: dict[str, str] = field(default_factory=dict)  # lower-case login -> "User" | "Organization"
    token: str | None = None  # accepted token
    remaining: int = 5000


class GitHubAPI(StandIn):
    """``/repos/{o}/{r}``, ``/repositories/{id}``, ``/users/{login}``, ``/graphql`` as api.github.com answers."""

    api_paths = ("/repos/", "/repositories/", "/users/", "/graphql")

    def __init__(self, server: HTTPServer) -> None:
        self.world = GitHubWorld()
        super().__init__(server)

    def add_repo(self, full_name: str, *, archived: bool = False, disabled: bool = False) -> Repo:
        repo = Repo(full_name, 1000 + len(self.world.repos), archived, disabled)
        self.world.repos[full_name.lower()] = repo
        self.world.owners.setdefault(full_name.split("/")[0].lower(), "Organization")
        return repo

    def rename(self, old: str, new: str) -> None:
        repo = self.world.repos.get(new.lower()) or self.add_repo(new)
        self.world.renamed[old.lower()] = repo.id

    def _headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": "60",
            "x-ratelimit-remaining": str(max(self.world.remaining, 0)),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-resource": "core",
        }

    def _repo_json(self, repo: Repo) -> dict[str, object]:
        owner = repo.full_name.split("/")[0]
        return {
            "id": repo.id,
            "name": repo.full_name.split("/")[1],
            "full_name": repo.full_name,
            "owner": {"login": owner, "type": self.world.owners.get(owner.lower(), "User")},
            "html_url": f"https://github.com/{repo.full_name}",
            "archived": repo.archived,
            "disabled": repo.disabled,
        }

    def _ok(self, request: Request, data: object) -> Response:
        etag = _etag(data)
        headers = {**self._headers(), "ETag": etag, "Cache-Control": "public, max-age=60, s-maxage=60"}
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=headers)  # a 304 does not count against the limit
        self.world.remaining -= 1
        return json_response(data, 200, headers)

    def _not_found(self) -> Response:
        self.world.remaining -= 1
        body = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}
        return json_response(body, 404, self._headers())

    def answer(self, request: Request) -> Response:
        auth = request.headers.get("Authorization")
        if auth and auth != f"Bearer {self.world.token}":
            return json_response({"message": "Bad credentials", "status": "401"}, 401)
        if self.world.remaining <= 0:
            body = {"message": "API rate limit exceeded for 127.0.0.1.", "documentation_url": "https://docs.github.com"}
            return json_response(body, 403, self._headers())
        if request.path == "/graphql" and request.method == "POST":
            return self._graphql(request)
        parts = request.path.strip("/").split("/")
        if parts[0] == "repos" and len(parts) == 3:
            name = f"{parts[1]}/{parts[2]}".lower()
            if name in self.world.taken_down:
                body = {"message": "Repository access blocked", "block": {"reason": "dmca"}}
                return json_response(body, 451, self._headers())
            if name in self.world.repos:
                return self._ok(request, self._repo_json(self.world.repos[name]))
            if name in self.world.renamed:
                url = f"{self.url}/repositories/{self.world.renamed[name]}"
                body = {"message": "Moved Permanently", "url": url, "documentation_url": "https://docs.github.com"}
                return json_response(body, 301, {**self._headers(), "Location": url})
            return self._not_found()
        if parts[0] == "repositories" and len(parts) == 2:
            for repo in self.world.repos.values():
                if str(repo.id) == parts[1]:
                    return self._ok(request, self._repo_json(repo))
            return self._not_found()
        if parts[0] == "users" and len(parts) == 2:
            kind = self.world.owners.get(parts[1].lower())
            if kind:
                return self._ok(request, {"login": parts[1], "type": kind})
            return self._not_found()
        return self._not_found()

    def _graphql(self, request: Request) -> Response:
        if not request.headers.get("Authorization"):
            return json_response({"message": "This endpoint requires you to be authenticated."}, 401)
        payload = json.loads(request.get_data())
        variables = payload.get("variables", {})
        data: dict[str, object] = {}
        errors = []
        for alias, field_name, args in re.findall(r"(\w+): (repository|repositoryOwner)\(([^)]*)\)", payload["query"]):
            values = {k: variables[v] for k, v in re.findall(r"(\w+): \$(\w+)", args)}
            if field_name == "repositoryOwner":
                kind = self.world.owners.get(values["login"].lower())
                data[alias] = {"login": values["login"], "__typename": kind} if kind else None
                continue
            name = f"{values['owner']}/{values['name']}".lower()
            repo = self.world.repos.get(name)
            if repo is None and name in self.world.renamed:  # GraphQL follows renames silently
                repo = next(r for r in self.world.repos.values() if r.id == self.world.renamed[name])
            if repo is None:
                data[alias] = None
                errors.append({
                    "type": "NOT_FOUND",
                    "path": [alias],
                    "locations": [{"line": 1, "column": 1}],
                    "message": f"Could not resolve to a Repository with the name '{values['owner']}/{values['name']}'.",
                })
            else:
                data[alias] = {"nameWithOwner": repo.full_name, "isArchived": repo.archived, "isDisabled": repo.disabled}
        data["rateLimit"] = {"remaining": 4999, "resetAt": "2026-11-28T05:00:00Z"}
        body: dict[str, object] = {"data": data}
        if errors:
            body["errors"] = errors
        return json_response(body, 200, self._headers())


@dataclass
class HubWorld:
    repos: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)  # (kind, lower id) -> info
    renamed: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, lower old id) -> new id
    private: set[tuple[str, str]] = field(default_factory=set)
    orgs: dict[str, str] = field(default_factory=dict)  # lower name -> name
    renamed_orgs: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    token: str | None = None


class HubAPI(StandIn):
    """``/api/{models,datasets,spaces}/{id}`` and ``/api/{organizations,users}/{name}/overview``."""

    api_paths = ("/api/",)

    def __init__(self, server: HTTPServer) -> None:
        self.world = HubWorld()
        super().__init__(server)

    def add(self, repo_id: str, kind: str = "models", **info: object) -> None:
        self.world.repos[(kind, repo_id.lower())] = {"id": repo_id, "private": False, "gated": False, **info}
        owner = repo_id.split("/")[0]
        self.world.orgs.setdefault(owner.lower(), owner)

    def _missing(self, request: Request, what: str = "Repository") -> Response:
        status = 404 if request.headers.get("Authorization") else 401
        headers = {"X-Error-Code": "RepoNotFound", "X-Error-Message": f"{what} Not Found"}
        return json_response({"error": f"{what} Not Found"}, status, headers)

    def answer(self, request: Request) -> Response:
        auth = request.headers.get("Authorization")
        if auth and auth != f"Bearer {self.world.token}":
            headers = {"X-Error-Message": "Invalid credentials in Authorization header"}
            return json_response({"error": "Invalid credentials in Authorization header"}, 401, headers)
        parts = request.path.strip("/").split("/")
        if parts[:1] != ["api"] or len(parts) < 3:
            return json_response({"error": "Sorry, we can't find the page you are looking for."}, 404)
        kind = parts[1]
        if kind in ("organizations", "users") and len(parts) == 4 and parts[3] == "overview":
            name = parts[2].lower()
            if kind == "organizations" and name in self.world.renamed_orgs:
                new = self.world.renamed_orgs[name]
                return Response(f"Temporary Redirect. Redirecting to /api/organizations/{new}/overview", 307,
                                {"Location": f"/api/organizations/{new}/overview"})
            known = self.world.orgs if kind == "organizations" else self.world.users
            if name in known:
                return json_response({"name": known[name], "fullname": known[name]})
            return json_response({"error": f"{kind[:-1].title()} not found"}, 404)
        if kind not in ("models", "datasets", "spaces") or len(parts) not in (3, 4):
            return json_response({"error": "Sorry, we can't find the page you are looking for."}, 404)
        key = (kind, "/".join(parts[2:]).lower())  # one part: a legacy canonical repository (gpt2)
        if key in self.world.renamed:
            new = self.world.renamed[key]
            return Response(f"Temporary Redirect. Redirecting to /api/{kind}/{new}", 307,
                            {"Location": f"/api/{kind}/{new}"})
        info = self.world.repos.get(key)
        if info is None:
            return self._missing(request)
        if key in self.world.private and auth != f"Bearer {self.world.token}":
            return self._missing(request)
        data = {**info, "_id": "abc", "modelId": info["id"]}
        etag = _etag(data)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return json_response(data, 200, {"ETag": etag, "RateLimit": '"api";r=999;t=200',
                                         "RateLimit-Policy": '"fixed window";"api";q=1000;w=300'})


@dataclass
class Paper:
    """One arXiv entry of the stand-in's world."""

    arxiv_id: str
    title: str
    authors: list[str]
    published: str  # YYYY-MM-DD of the first version
    category: str = "cs.CL"
    version: int = 1
    doi: str | None = None
    journal_ref: str | None = None
    summary: str = "An abstract."


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


class ArxivAPI(StandIn):
    """``/api/query`` with ``search_query`` (``ti:"..."`` clauses OR-ed) or ``id_list``, answering
    in arXiv's Atom format: ids with versions, titles broken over lines with double spaces."""

    api_paths = ("/api/",)

    def __init__(self, server: HTTPServer) -> None:
        self.papers: list[Paper] = []
        self.exact = False  # True: as arXiv's engine, a phrase must stand in the title as it is
        self.queries: list[str] = []  # every search_query asked, in order
        super().__init__(server)

    @property
    def query_url(self) -> str:
        return f"{self.url}/api/query"

    def _exact(self, query: str) -> list[Paper]:
        """arXiv's own matching: ``ti:"a b"`` needs the words side by side, ``ti:a AND ti:b``
        all of them anywhere in the title."""
        phrases = [" ".join(_words(p)) for p in re.findall(r'ti:"([^"]*)"', query)]
        groups = [re.findall(r"ti:([a-z0-9]+)", g) for g in query.split(" OR ")] if not phrases else []

        def hit(paper: Paper) -> bool:
            title = " " + " ".join(_words(paper.title)) + " "
            if phrases:
                return any(f" {ph} " in title for ph in phrases if ph)
            return any(terms and all(f" {t} " in title for t in terms) for terms in groups)

        return [p for p in self.papers if hit(p)]

    def add(self, *papers: Paper) -> None:
        self.papers.extend(papers)

    def answer(self, request: Request) -> Response:
        if request.path != "/api/query":
            return Response("not found", 404)
        ids = [i for i in request.args.get("id_list", "").split(",") if i]
        query = request.args.get("search_query", "")
        self.queries.append(query)
        if ids:
            found = [p for i in ids for p in self.papers if p.arxiv_id == i.split("v")[0]]
        elif self.exact:
            found = self._exact(query)
        else:
            phrases = [_words(p) for p in re.findall(r'ti:"([^"]*)"', query)]

            def relevance(paper: Paper) -> float:
                title = _words(paper.title)
                return max((sum(w in title for w in ph) / len(ph) for ph in phrases if ph), default=0.0)

            # like a search engine: near-twins come back too (most of the words are there), best first
            found = sorted((p for p in self.papers if relevance(p) >= 0.6), key=relevance, reverse=True)
        limit = int(request.args.get("max_results", "10"))
        return Response(self.feed(found[:limit]), 200, content_type="application/atom+xml; charset=utf-8")

    @staticmethod
    def feed(papers: list[Paper]) -> str:
        from xml.sax.saxutils import escape

        entries = []
        for p in papers:
            words = p.title.split(" ")
            cut = max(1, len(words) // 2)
            title = " ".join(words[:cut]) + "\n  " + " ".join(words[cut:])  # as arXiv wraps them
            extra = ""
            if p.doi:
                extra += f'\n    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">{escape(p.doi)}</arxiv:doi>'
            if p.journal_ref:
                extra += (f'\n    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">'
                          f"{escape(p.journal_ref)}</arxiv:journal_ref>")
            authors = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in p.authors)
            entries.append(f"""  <entry>
    <id>http://arxiv.org/abs/{p.arxiv_id}v{p.version}</id>
    <updated>{p.published}T17:59:01Z</updated>
    <published>{p.published}T17:59:01Z</published>
    <title>{escape(title)}</title>
    <summary>  {escape(p.summary)}
</summary>{authors}{extra}
    <link href="http://arxiv.org/abs/{p.arxiv_id}v{p.version}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{p.arxiv_id}v{p.version}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{p.category}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="{p.category}" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
""")
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query</title>
  <id>http://arxiv.org/api/stand-in</id>
  <updated>2026-11-28T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(papers)}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(papers)}</opensearch:itemsPerPage>
{"".join(entries)}</feed>
"""
