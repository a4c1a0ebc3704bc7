"""A loopback mock of the Hugging Face Hub, for driving the real huggingface_hub client.

A stdlib `ThreadingHTTPServer` on 127.0.0.1 (ephemeral port) serving repos held as data
(the Hub API routes the client uses): `GET /api/models/{id}[/revision/{rev}]` (with `expand`/`expand[]`)
and `HEAD`/`GET /{id}/resolve/{rev}/{file}`, with the Hub's error headers
(`X-Error-Code`, `X-Error-Message`, `X-Request-Id`), gating, renames, and fault injection:
latency, a queue of canned failures (429 with `RateLimit`/`Retry-After`, 5xx, ...), broken
responses (`mangle()`: a truncated body, invalid JSON, a wrong `Content-Length`, a dropped
or hung request), renames answered with a 301 or 307, a black hole that accepts
connections and never answers, and `closed_port_url()` for a refused connection.

Use the `mock_hub` fixture (it sets `HF_ENDPOINT`, `HF_HUB_CACHE` and `HF_TOKEN_PATH` for
the test), or `MockHub()` directly (benchmarks). Repos come from `tests/fixtures/hub/
<org>/<name>/` (README.md front matter becomes `cardData`; an optional `_repo.yml` sets
`gated`, `api_gated`, `open_files`, `renamed_from`, `sha`) or from `add_repo()`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hub"
_FRONT = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")


@dataclass
class Repo:
    id: str
    card: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    sha: str = ""
    gated: bool | str = False          # False | "auto" | "manual": files need a granted token
    api_gated: bool = False            # the API itself refuses (no card data at all)
    open_files: tuple[str, ...] = ("README.md",)   # readable even when gated
    extra_tags: list[str] = field(default_factory=list)
    revisions: dict[str, str] = field(default_factory=dict)   # branch or tag -> the commit it names

    def commit(self, revision: str | None) -> str | None:
        """The commit a revision names here, or None when the repo has no such revision."""
        if revision in (None, "main", self.sha):
            return self.sha
        return self.revisions.get(revision or "")

    def relation(self) -> str | None:
        bases = _as_list(self.card.get("base_model"))
        if not bases:
            return None
        rel = self.card.get("base_model_relation")
        if rel:
            return str(rel)
        if "adapter_config.json" in self.files:
            return "adapter"
        if any(f.endswith(".gguf") for f in self.files):
            return "quantized"
        return "merge" if len(bases) > 1 else "finetune"


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


@dataclass
class Fault:
    pattern: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str]
    mode: str = "status"   # or one of MANGLES: the real answer, broken on the wire


# What `mangle()` can do to the answer a request would have had:
MANGLES = frozenset({
    "truncate",      # Content-Length of the whole body, half of it sent, then close
    "bad_json",      # a 200 whose body is not JSON (Content-Length right)
    "long_length",   # the whole body, Content-Length 100 bytes more, then close
    "short_length",  # the whole body, Content-Length half of it (the rest spills on the socket)
    "drop",          # close the connection without any answer
    "hang",          # accept the request, never answer (a black hole for this request only)
})


def closed_port_url() -> str:
    """An http://127.0.0.1 URL on which nothing listens: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class MockHub:
    """The server plus its data, request log and fault switches."""

    def __init__(self, *, fixtures: Path | None = FIXTURES) -> None:
        self.repos: dict[str, Repo] = {}
        self.renames: dict[str, str] = {}     # old id -> new id, served under the new id
        self.redirects: dict[str, str] = {}   # old id -> new id, answered with a 307 (as the Hub does)
        self.redirect_status: dict[str, int] = {}   # old id -> 301/302/307/308 (default 307)
        self.tokens: set[str] = set()         # tokens granted access to gated repos
        self.latency = 0.0
        self.black_hole = False
        self.requests: list[tuple[str, str]] = []
        self.seen_auth: list[str | None] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        if fixtures is not None and fixtures.is_dir():
            self.load_fixtures(fixtures)

    # -- data --
    def add_repo(self, repo_id: str, card: Mapping[str, Any] | None = None, *,
                 files: Mapping[str, str | bytes] | None = None, **kwargs: Any) -> Repo:
        data = {k: (v.encode() if isinstance(v, str) else v) for k, v in (files or {}).items()}
        card = dict(card or {})
        if "README.md" not in data:
            front = yaml.safe_dump(card, sort_keys=False) if card else ""
            data["README.md"] = (f"---\n{front}---\n# {repo_id}\n" if card else f"# {repo_id}\n").encode()
        sha = kwargs.pop("sha", None) or hashlib.sha1(repo_id.encode()).hexdigest()
        repo = Repo(id=repo_id, card=card, files=data, sha=sha, **kwargs)
        self.repos[repo_id.lower()] = repo
        return repo

    def rename(self, old: str, new: str, *, redirect: bool = False, status: int = 307) -> None:
        (self.redirects if redirect else self.renames)[old.lower()] = new
        if redirect:
            self.redirect_status[old.lower()] = status

    def load_fixtures(self, root: Path) -> None:
        for readme in sorted(root.glob("*/*/README.md")):
            folder = readme.parent
            repo_id = f"{folder.parent.name}/{folder.name}"
            text = readme.read_text(encoding="utf-8")
            m = _FRONT.match(text)
            card = (yaml.safe_load(m.group(2)) or {}) if m else {}
            files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "_repo.yml"}
            opts: dict[str, Any] = {}
            meta = folder / "_repo.yml"
            if meta.is_file():
                opts = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
            renamed_from = opts.pop("renamed_from", None)
            if "open_files" in opts:
                opts["open_files"] = tuple(opts["open_files"])
            self.add_repo(repo_id, card, files=files, **opts)
            if renamed_from:
                self.rename(renamed_from, repo_id)

    # -- faults --
    def fail(self, pattern: str, status: int, *, times: int = 1, headers: Mapping[str, str] | None = None) -> None:
        """The next `times` requests whose path matches `pattern` get `status`."""
        with self._lock:
            self._faults.append(Fault(re.compile(pattern), status, times, dict(headers or {})))

    def mangle(self, pattern: str, mode: str, *, times: int = 1) -> None:
        """The next `times` requests whose path matches `pattern` get a broken answer (MANGLES)."""
        if mode not in MANGLES:
            raise ValueError(f"unknown mangle mode {mode!r}; one of {sorted(MANGLES)}")
        with self._lock:
            self._faults.append(Fault(re.compile(pattern), 200, times, {}, mode))

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.pattern.search(path):
                    fault.times -= 1
                    return fault
        return None

    # -- counting --
    def count(self, prefix: str = "") -> int:
        with self._lock:
            return sum(1 for _m, p in self.requests if p.startswith(prefix))

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- server --
    @property
    def url(self) -> str:
        assert self._server is not None, "MockHub not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> MockHub:
        hub = self

        class Handler(_Handler):
            mock = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         name="mockhub", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> MockHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- responses --
    def model_json(self, repo: Repo, expand: list[str]) -> dict[str, Any]:
        bases = _as_list(repo.card.get("base_model"))
        rel = repo.relation()
        tags = ["region:us"]
        licence = repo.card.get("license")
        for lic in _as_list(licence):
            tags.append(f"license:{lic}")
        for base in bases:
            tags += [f"base_model:{base}", f"base_model:{rel}:{base}"]
        tags += [t for t in _as_list(repo.card.get("tags")) if t not in tags] + repo.extra_tags
        if any(f.endswith(".gguf") for f in repo.files):
            tags.append("gguf")
        full: dict[str, Any] = {
            "_id": hashlib.md5(repo.id.encode()).hexdigest()[:24],
            "id": repo.id, "modelId": repo.id, "author": repo.id.split("/")[0],
            "sha": repo.sha, "lastModified": "2024-10-24T15:07:40.000Z",
            "createdAt": "2024-09-18T15:23:48.000Z", "private": False, "disabled": False,
            "gated": repo.gated, "downloads": 1, "likes": 0, "tags": tags,
            "cardData": repo.card,
            "siblings": [{"rfilename": name} for name in sorted(repo.files)],
        }
        if bases:
            full["baseModels"] = {"relation": rel, "models": [{"_id": "x", "id": b} for b in bases]}
        if not expand:
            return full
        return {k: v for k, v in full.items() if k in expand or k in ("_id", "id")}


class _Handler(BaseHTTPRequestHandler):
    mock: MockHub
    _mangle: str | None = None
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # headers and body are separate writes: avoid 40 ms stalls

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep tests quiet
        pass

    # -- helpers --
    def _send(self, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None,
              *, content_type: str = "application/json") -> None:
        sent, length = body, len(body)
        mode = self._mangle if status < 300 else None
        if mode == "bad_json":
            sent = body = b'{"id": "broken", "cardData": {"license": '
            length = len(body)
        elif mode == "truncate":
            sent = body[: len(body) // 2]
        elif mode == "long_length":
            length = len(body) + 100
        elif mode == "short_length":
            length = len(body) // 2
        if mode in ("truncate", "long_length"):
            self.close_connection = True   # the client waits for bytes that never come, then EOF
        self.send_response(status)
        self.send_header("X-Request-Id", f"mock-{next(self.mock._ids)}")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and sent:
            self.wfile.write(sent)

    def _error(self, status: int, code: str | None, message: str,
               headers: Mapping[str, str] | None = None) -> None:
        hdrs = dict(headers or {})
        if code:
            hdrs["X-Error-Code"] = code
        hdrs["X-Error-Message"] = message
        self._send(status, json.dumps({"error": message}).encode(), hdrs)

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        return auth[7:] if auth.startswith("Bearer ") else None

    def _repo(self, repo_id: str) -> Repo | None:
        repo_id = unquote(repo_id)
        canonical = self.mock.renames.get(repo_id.lower(), repo_id)
        return self.mock.repos.get(canonical.lower())

    # -- dispatch --
    def do_HEAD(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        with self.mock._lock:
            self.mock.requests.append((self.command, split.path))
            self.mock.seen_auth.append(self.headers.get("Authorization"))
        if self.mock.black_hole:
            self.close_connection = True
            self.mock._stop.wait(120)   # accept, never answer
            return
        if self.mock.latency:
            time.sleep(self.mock.latency)
        fault = self.mock._take_fault(split.path)
        self._mangle = fault.mode if fault is not None and fault.mode != "status" else None
        if self._mangle == "drop":
            self.close_connection = True
            return
        if self._mangle == "hang":
            self.close_connection = True
            self.mock._stop.wait(120)
            return
        if fault is not None and self._mangle is None:
            self._error(fault.status, None, f"injected {fault.status}", fault.headers)
            return
        m = re.fullmatch(r"/api/models/(.+?)(?:/revision/([^/]+))?", split.path)
        if m:
            query = parse_qs(split.query)
            self._api(m.group(1), unquote(m.group(2)) if m.group(2) else None,
                      query.get("expand", []) + query.get("expand[]", []))
            return
        m = re.fullmatch(r"/(.+?)/resolve/([^/]+)/(.+)", split.path)
        if m:
            self._resolve(m.group(1), unquote(m.group(2)), unquote(m.group(3)))
            return
        self._error(404, None, "no such route")

    def _api(self, repo_id: str, revision: str | None, expand: list[str]) -> None:
        target = self.mock.redirects.get(unquote(repo_id).lower())
        if target is not None:
            query = urlsplit(self.path).query
            location = f"/api/models/{target}" + (f"/revision/{revision}" if revision else "")
            status = self.mock.redirect_status.get(unquote(repo_id).lower(), 307)
            self._send(status, b"", {"Location": location + (f"?{query}" if query else "")})
            return
        repo = self._repo(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", f"Repository Not Found for url: {self.path}.")
            return
        if repo.commit(revision) is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            return
        if repo.api_gated and self._token() not in self.mock.tokens:
            self._error(401 if self._token() is None else 403, "GatedRepo",
                        f"Access to model {repo.id} is restricted.")
            return
        body = json.dumps({**self.mock.model_json(repo, expand), **(
            {"sha": repo.commit(revision)} if "sha" in expand or not expand else {})}).encode()
        self._send(200, body)

    def _resolve(self, repo_id: str, revision: str, filename: str) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", "Repository Not Found")
            return
        if repo.commit(revision) is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            return
        if (repo.gated or repo.api_gated) and filename not in repo.open_files \
                and self._token() not in self.mock.tokens:
            self._error(401 if self._token() is None else 403, "GatedRepo",
                        f"Access to model {repo.id} is restricted. You must have access to it.")
            return
        data = repo.files.get(filename)
        if data is None:
            self._error(404, "EntryNotFound", f"{filename} does not exist", {"X-Repo-Commit": repo.sha})
            return
        etag = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        self._send(200, data, {"X-Repo-Commit": repo.sha, "ETag": f'"{etag}"'},
                   content_type="text/plain; charset=utf-8")


@pytest.fixture
def mock_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[MockHub]:
    """A started MockHub with the fixture repos, and the client pointed at it for this test."""
    hub = MockHub().start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-hub-cache"))
    monkeypatch.setenv("HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    try:
        yield hub
    finally:
        hub.stop()
