"""The Hugging Face Hub source: one API call per model, files only when metadata falls short.

What is asked of the Hub, in order (docs/hub.md):

1. `GET /api/models/{id}[/revision/{rev}]?expand=cardData,tags,gated,sha,siblings,baseModels`,
   read into the client's own `ModelInfo` (as `HfApi.model_info` does). This answers even
   for gated repos, so a gated repo's licence comes from its card data before any file is
   tried.
2. Only when that is not enough, a file from `/resolve/`, each at most once:
   * a `LICENSE*` file when the card says `license: other` (or nothing) and its
     `license_name` / `license_link` name no known licence;
   * `adapter_config.json` / `mergekit_config.yml` when the card names no parent and the
     repo holds one of them;
   * `README.md` when the API returned no card data but the repo has a card;
   * `config.json`, then `tokenizer_config.json`, when the card leaves the base open or
     contradicts itself: the weights' structure, for the fingerprint table
     (`licheck.sources.hubstructure`; never a weight file).
   Files are fetched with the client's own session, URL builder and error mapping, but not
   through `hf_hub_download`: that retries a failed HEAD with a 60 s timeout and up to five
   back-offs, which no overall deadline survives.

Every request goes through `_get` (the structure files too): our headers (user agent and
token only; the client's header builder asks the endpoint for `/api/agent-harnesses` and
writes under `$HF_HOME`), and a body read to a cap after decompression (16 MiB for metadata,
512 KiB for a file), so a gzip bomb costs the cap, not what it inflates to.

Timeouts and retries are ours, so one deadline holds for the whole run: every request gets
`min(per-request timeout, time left)`; 429 and 5xx are retried with back-off (honouring
`Retry-After` / `RateLimit ... t=`), never past the deadline, and not at all when the
server asks for more than `MAX_RETRY_WAIT`; after a few consecutive connection failures or
timeouts the Hub is taken as down for the rest of the run, so a dead or black-holed Hub
costs one timeout, not one per model. So is a Hub whose 429s outlast our retries (a rate
limit is per client) or whose 5xx do twice in a row: no retry storm. Answers cut off or
not parsable (a wrong Content-Length, a proxy's page, a file not matching its ETag) are
retried twice. A model whose files could not be read for such a transient reason is
answered but not cached.

`HF_ENDPOINT`, `HF_TOKEN` and `HF_HUB_OFFLINE` are read when the source is built (not when
huggingface_hub was imported), so they can change between runs and tests. The token is
never put in a message. No code from a repo is ever run and nothing is unpickled: only
JSON and YAML are parsed, through safe loaders.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import platform
import re
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlsplit

from licheck.cache import Cache
from licheck.cardmeta import MAX_PARENTS, card_facts, parse_base_models, read_card
from licheck.errors import InputError, LicheckError
from licheck.hubid import is_hub_id
from licheck.licences import Corpus
from licheck.model import (
    ModelFacts,
    ModelRef,
    ParentLink,
    StructuralFacts,
    Unresolved,
    sha256_digest,
)
from licheck.refs import hub_ref
from licheck.repofiles import apply_adapter_config, apply_merge_recipe
from licheck.yamlload import parse_yaml

if TYPE_CHECKING:
    from licheck.fingerprints import FingerprintTable

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_TIMEOUT = 6.0          # per request; LICHECK_HUB_TIMEOUT overrides
MAX_RETRIES = 3                # on 429 / 5xx
MAX_RETRY_WAIT = 10.0          # never sleep longer than this for one retry
BROKEN_RETRIES = 2             # on answers cut off or not parsable
BREAKER_THRESHOLD = 2          # consecutive transport failures before the Hub counts as down
                               # (1 while the Hub has not answered once this run)
MAX_FILE_BYTES = 512 * 1024    # licence texts and small configs only
MAX_API_BYTES = 16 * 1024 * 1024   # one model's metadata (siblings of a 100 000-file repo fit)
MAX_ERROR_BYTES = 64 * 1024    # an error answer's body, for its message
NOT_FOUND_TTL = 3600.0         # how long "no such repo / revision" is remembered
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Transport errors that mean the answer was cut off after the server was reached.
_BROKEN_ANSWER = frozenset({"RemoteProtocolError", "ReadError", "WriteError", "CloseError"})
EXPAND = ["cardData", "tags", "gated", "sha", "siblings", "baseModels"]
LICENCE_FILES = ("LICENSE-MODEL", "LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md",
                 "LICENCE.txt", "LICENSE-MODEL.md", "LICENSE-MODEL.txt")
_TRUTHY = {"1", "on", "yes", "true"}

T = TypeVar("T")


def env_offline() -> bool:
    """HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) as huggingface_hub reads it, but read now."""
    return any(os.environ.get(v, "").strip().lower() in _TRUTHY
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def env_endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def _env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


class _MalformedMetadata(Exception):
    """The Hub answered, but huggingface_hub could not build its ModelInfo from the answer."""


class _Oversized(Exception):
    """An answer larger than licheck reads; `head` holds what was read up to the cap."""

    def __init__(self, head: bytes) -> None:
        super().__init__(f"more than {len(head)} bytes")
        self.head = head


class _HubDown(Exception):
    """The Hub could not be reached (or the deadline passed); message is user-facing."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out   # the run's deadline, not the Hub, ended the request


# --- ModelFacts <-> JSON for the cache -------------------------------------------------------

def facts_to_json(facts: ModelFacts) -> dict[str, Any]:
    return {
        "ref": {"kind": facts.ref.kind, "name": facts.ref.name, "revision": facts.ref.revision},
        "id": facts.id, "source": facts.source,
        "declared_licence": facts.declared_licence, "licence_name": facts.licence_name,
        "licence_link": facts.licence_link, "licence_files": dict(facts.licence_files),
        "licence_hint": facts.licence_hint,
        "parents": [{"kind": p.ref.kind, "name": p.ref.name, "revision": p.ref.revision,
                     "relation": p.relation} for p in facts.parents],
        "relation": facts.relation, "publisher": facts.publisher, "origin": facts.origin,
        "modalities": list(facts.modalities), "release_date": facts.release_date,
        "name": facts.name, "revision": facts.revision, "gated": facts.gated,
        "notes": list(facts.notes), "commit": facts.commit, "documents": dict(facts.documents),
        "structure": facts.structure.to_json() if facts.structure is not None else None,
    }


_CACHED_TEXT = ("declared_licence", "licence_name", "licence_link", "relation", "publisher",
                "origin", "release_date", "name", "revision")
_CACHED_KEYS = frozenset({"ref", "id", "source", "licence_files", "licence_hint", "parents",
                          "modalities", "gated", "notes", "commit", "documents", "structure",
                          *_CACHED_TEXT})
_COMMIT = re.compile(r"[0-9a-f]{7,64}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_RELATIONS = frozenset({"base", "finetune", "adapter", "merge", "quantized", "unknown"})


def _cached_ref(doc: Any, what: str) -> ModelRef:
    if not isinstance(doc, Mapping) or doc.get("kind") != "hub" or not isinstance(doc.get("name"), str):
        raise ValueError(f"{what}: not a Hub reference")
    revision = doc.get("revision")
    if revision is not None and not isinstance(revision, str):
        raise ValueError(f"{what}: revision is not a string")
    try:
        return hub_ref(doc["name"], revision)   # the one id grammar: no `../`, no paths
    except InputError as exc:
        raise ValueError(f"{what}: {exc.message}") from None


def _strings(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what}: not a list of strings")
    return list(value)


def facts_from_json(doc: Any, ref: ModelRef | None = None) -> ModelFacts:
    """Inverse of facts_to_json, for an entry read back from the cache folder.

    The cache folder is outside licheck's installed data and anyone able to write there
    could plant an entry, so an entry is read as untrusted input: exactly the shape
    facts_to_json writes (Hub facts about `ref`, Hub parents only, no catalogue hint: a cached
    answer never stands in for installed data), else ValueError (a miss)."""
    if not isinstance(doc, Mapping) or not set(doc) <= _CACHED_KEYS:
        raise ValueError("not a cached Hub answer")
    facts_ref = _cached_ref(doc.get("ref"), "ref")
    if ref is not None and facts_ref != ref:
        raise ValueError("an answer about another model")
    if doc.get("source") != "hub" or doc.get("licence_hint") is not None:
        raise ValueError("not a Hub answer")
    model_id = doc.get("id")
    if not isinstance(model_id, str) or not is_hub_id(model_id):
        raise ValueError("id is not a Hub id")
    facts = ModelFacts(ref=facts_ref, id=model_id, source="hub")
    for key in _CACHED_TEXT:
        value = doc.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key} is not a string")
        setattr(facts, key, value)
    if facts.relation is not None and facts.relation not in _RELATIONS:
        raise ValueError("unknown relation")
    files = doc.get("licence_files")
    if not isinstance(files, Mapping) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in files.items()):
        raise ValueError("licence_files is not a mapping of texts")
    facts.licence_files = dict(files)
    parents = doc.get("parents")
    if not isinstance(parents, list) or len(parents) > MAX_PARENTS:
        raise ValueError("parents is not a list")
    links: list[ParentLink] = []
    for parent in parents:
        relation = parent.get("relation") if isinstance(parent, Mapping) else None
        if relation not in _RELATIONS:
            raise ValueError("a parent has no known relation")
        links.append(ParentLink(_cached_ref(parent, "parent"), relation))
    facts.parents = links
    facts.modalities = _strings(doc.get("modalities"), "modalities")
    facts.notes = _strings(doc.get("notes"), "notes")
    if not isinstance(doc.get("gated"), bool):
        raise ValueError("gated is not true or false")
    facts.gated = doc["gated"]
    commit = doc.get("commit")
    if commit is not None and not (isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        raise ValueError("commit is not a commit id")
    facts.commit = commit
    documents = doc.get("documents", {})
    if not isinstance(documents, Mapping) or not all(
            _safe_filename(k) and isinstance(v, str) and _DIGEST.fullmatch(v) for k, v in documents.items()):
        raise ValueError("documents is not a mapping of file names to digests")
    facts.documents = dict(documents)
    if doc.get("structure") is not None:
        facts.structure = StructuralFacts.from_json(doc["structure"])   # ValueError if not one
    return facts


# --- The source ------------------------------------------------------------------------------

class _NotFound(Unresolved):
    """The Hub said the repo or revision does not exist: worth remembering for a while, so
    warm runs (pre-commit) need no network for an ancestor that is gone."""


class HubSource:
    """Models on the Hugging Face Hub (or any endpoint speaking its API)."""

    name = "hub"

    def __init__(self, *, endpoint: str | None = None, token: str | None = None,
                 cache: Cache | None = None, offline: bool | None = None,
                 timeout: float | None = None, max_retries: int = MAX_RETRIES,
                 backoff: float = 0.25, corpus: Corpus | None = None,
                 fingerprints: Callable[[], FingerprintTable] | None = None) -> None:
        self.corpus = corpus   # the run's licences, to tell whether a LICENSE file must decide
        self.fingerprints = fingerprints   # the table of base shapes, read when first needed
        self.endpoint = (endpoint or env_endpoint()).rstrip("/")
        # None lets huggingface_hub find the token as it always does (HF_TOKEN, token file).
        self._token = token
        self.cache = cache
        self.offline = env_offline() if offline is None else offline
        self.timeout = timeout if timeout is not None else _env_float("LICHECK_HUB_TIMEOUT", DEFAULT_TIMEOUT)
        self.max_retries = max_retries
        self.backoff = backoff
        self.deadline_at: float | None = None
        self._lock = threading.Lock()
        self._failures = 0
        self._exhausted = 0    # consecutive requests that ran out of retries on 429/5xx
        self._answered = False
        self._down_reason: str | None = None
        self._unreachable: str | None = None   # why the Hub failed to answer, the first time
        # Per fetch (one thread each): why a file could not be read for a transient reason.
        self._local = threading.local()

    def __repr__(self) -> str:   # never shows the token
        return f"HubSource(endpoint={_shown(self.endpoint)!r}, offline={self.offline})"

    @property
    def unreachable(self) -> str | None:
        """Why the Hub could not answer in this run (down, hanging, past the deadline), or
        None when it answered every request it was sent."""
        with self._lock:
            return self._unreachable

    # -- run control --
    def set_deadline(self, deadline_at: float | None) -> None:
        """A `time.monotonic()` instant after which no request is started or waited for."""
        self.deadline_at = deadline_at

    def _remaining(self) -> float:
        if self.deadline_at is None:
            return float("inf")
        return self.deadline_at - time.monotonic()

    def accepts(self, ref: ModelRef) -> bool:
        return ref.kind == "hub"

    def cache_key(self, ref: ModelRef) -> str:
        # The version tag changes whenever what is extracted from the Hub changes.
        return f"hub-facts-v2:{self.endpoint}:{ref.name}@{ref.revision or ''}"

    # -- fetch --
    def fetch(self, ref: ModelRef) -> ModelFacts | Unresolved:
        key = self.cache_key(ref)
        if self.cache is not None:
            entry = self.cache.get(key, allow_stale=self.offline)
            if entry is not None:
                hit = self._from_cache(entry.value, ref, stale=entry.stale or self.offline)
                if hit is not None:
                    return hit
                self.cache.delete(key)
        remembered = self._remembered_missing(ref)
        if remembered is not None:
            return remembered
        if self.offline:
            return Unresolved(ref, "offline (--offline or HF_HUB_OFFLINE) and not in the cache")
        self._local.incomplete = None
        try:
            result = self._fetch_online(ref)
        except _HubDown as exc:
            with self._lock:
                self._unreachable = self._unreachable or str(exc)
            stale = self.cache.get(key, allow_stale=True) if self.cache is not None else None
            if stale is not None:
                cached = self._from_cache(stale.value, ref, stale=True)
                if cached is not None:
                    cached.notes.append(f"Hub unreachable ({exc}); used the cached copy")
                    return cached
            return Unresolved(ref, str(exc), timed_out=exc.timed_out)
        if isinstance(result, ModelFacts) and self.cache is not None and not self._local.incomplete:
            self.cache.put(key, facts_to_json(result))
        if isinstance(result, _NotFound) and self._remembers_missing():
            self.cache.put(self._missing_key(ref), result.reason)  # type: ignore[union-attr]
        return Unresolved(result.ref, result.reason, missing=True) if isinstance(result, _NotFound) \
            else result

    # -- "not found", remembered --
    def _missing_key(self, ref: ModelRef) -> str:
        return f"hub-missing-v1:{self.endpoint}:{ref.name}@{ref.revision or ''}"

    def _remembers_missing(self) -> bool:
        # With a token, "not found" may mean "private to someone else": never remember it
        # then, so a token granted a minute ago is used at once.
        return self.cache is not None and not (self._token or os.environ.get("HF_TOKEN"))

    def _remembered_missing(self, ref: ModelRef) -> Unresolved | None:
        if not self._remembers_missing():
            return None
        entry = self.cache.get(self._missing_key(ref), allow_stale=True)  # type: ignore[union-attr]
        if entry is None or not isinstance(entry.value, str):
            return None
        age = time.time() - entry.stored_at
        if (entry.stale or age > NOT_FOUND_TTL) and not self.offline:
            return None
        when = datetime.fromtimestamp(min(entry.stored_at, time.time()), timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC")
        return Unresolved(ref, f"{entry.value} (the Hub's answer at {when}, remembered for "
                               f"{NOT_FOUND_TTL / 3600:g} h)", missing=True)

    @staticmethod
    def _from_cache(value: Any, ref: ModelRef, *, stale: bool) -> ModelFacts | None:
        try:
            facts = facts_from_json(value, ref)
        except ValueError:   # not the shape we write: a miss, fetched again
            return None
        if stale:
            # Only then is it worth saying: a fresh entry is the Hub's answer, and noting it
            # would make a run's output depend on which concurrent run filled the cache first.
            facts.source = "cache"
            facts.notes.append("from licheck's cache (stale or offline)")
        return facts

    # -- HTTP plumbing --
    def _call(self, what: str, fn: Callable[[float], T]) -> T:
        """Run one request with our timeout, retries and breaker. Raises hub errors or _HubDown."""
        from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

        transport_errors = _transport_errors()
        attempt = 0
        broken = 0   # answers cut short or unparsable: retried, they are usually transient
        while True:
            with self._lock:
                down = self._down_reason
            if down:
                raise _HubDown(down)
            remaining = self._remaining()
            if remaining <= 0.05:
                raise _HubDown("the run's deadline (LICHECK_DEADLINE) passed before the Hub "
                               "answered: its licence was not checked", timed_out=True)
            try:
                result = fn(min(self.timeout, remaining))
            except OfflineModeIsEnabled:
                raise _HubDown("huggingface_hub is in offline mode (HF_HUB_OFFLINE)") from None
            except HfHubHTTPError as exc:
                status = exc.response.status_code if exc.response is not None else None
                self._note_success(served=status not in RETRY_STATUSES)
                if status in RETRY_STATUSES:
                    wait = _retry_wait(exc.response, attempt, self.backoff)
                    # A server that asks for more than MAX_RETRY_WAIT will not answer within
                    # our patience: waiting the capped time would only buy a second refusal.
                    asked = _retry_wait(exc.response, attempt, self.backoff, cap=float("inf"))
                    if attempt < self.max_retries and asked <= MAX_RETRY_WAIT \
                            and wait < self._remaining() - 0.05:
                        time.sleep(wait)
                        attempt += 1
                        continue
                    label = "rate-limited (429)" if status == 429 else f"HTTP {status}"
                    asked_note = f", asking to wait {asked:g} s" if asked > MAX_RETRY_WAIT else ""
                    tries = f"{attempt + 1} {'try' if attempt == 0 else 'tries'}"
                    reason = f"the Hub answered {label} for {what} after {tries}{asked_note}"
                    with self._lock:
                        # A rate limit is per client, not per model; a Hub that keeps failing
                        # model after model is down. Asking on would only feed a retry storm.
                        self._exhausted += 1
                        if status == 429 or self._exhausted >= BREAKER_THRESHOLD:
                            self._down_reason = f"{reason} (giving up on the Hub for this run)"
                    raise _HubDown(reason) from None
                raise
            except (ValueError, RecursionError) as exc:
                if type(exc).__name__ == "HFValidationError":   # our argument, not their answer
                    raise
                # A 200 whose body is not the JSON promised (cut short, a proxy's page, or
                # nested deeper than json can decode).
                self._note_success(served=False)
                if broken < BROKEN_RETRIES:
                    broken += 1
                    continue
                raise _HubDown(f"the Hub sent a malformed answer for {what}") from None
            except transport_errors as exc:
                if type(exc).__name__ == "TooManyRedirects":
                    # A loop, on the API or a file: this answer, not the Hub, is broken.
                    raise _HubDown(f"the Hub redirected {what} in a loop") from None
                failed_at = _host_of(exc)
                if failed_at is not None and failed_at != _host_of_url(self.endpoint):
                    # A redirect to another host (a LICENSE served from a dead mirror): that
                    # file is unreadable, the Hub itself is not down for the run.
                    raise _HubDown(f"{what} redirects to {failed_at}, which could not be "
                                   "reached") from None
                cut = type(exc).__name__ in _BROKEN_ANSWER
                if cut and broken < BROKEN_RETRIES:
                    # The server was reached but the answer was cut off: another try is cheap,
                    # unlike a timeout. Two, because the first may reuse a connection that
                    # the broken answer left garbage on.
                    broken += 1
                    continue
                kind = "timed out" if "Timeout" in type(exc).__name__ else "connection failed"
                if kind == "timed out" and self._remaining() <= 0.05:
                    raise _HubDown("the run's deadline (LICHECK_DEADLINE) passed before the Hub "
                                   "answered: its licence was not checked", timed_out=True) from None
                reason = f"could not reach the Hub at {_shown(self.endpoint)}: {kind}"
                if cut:
                    reason = f"the Hub at {_shown(self.endpoint)} cut its answers off"
                with self._lock:
                    self._failures += 1
                    if self._failures >= BREAKER_THRESHOLD or not self._answered:
                        self._down_reason = reason + " (giving up on the Hub for this run)"
                raise _HubDown(reason + "; use --offline with a cache") from None
            self._note_success()
            return result

    def _note_success(self, *, served: bool = True) -> None:
        """The Hub answered; `served`: with something other than a retryable error."""
        with self._lock:
            self._failures = 0
            self._answered = True
            if served:
                self._exhausted = 0

    def _headers(self) -> dict[str, str]:
        """The headers of every request: our user agent and the token, nothing else.

        Not `build_hf_headers`: in huggingface_hub 2.x building the user agent asks the
        endpoint for `/api/agent-harnesses` (served slowly it hung the run; served as 2 GB it
        took 4 GB of memory) and writes `$HF_HOME/.agent_harnesses.json`. licheck makes only
        the requests it decides to make and writes only its own cache."""
        import huggingface_hub

        headers = {"user-agent": f"licheck/{_licheck_version()}; hf_hub/{huggingface_hub.__version__}; "
                                 f"python/{platform.python_version()}",
                   "accept-encoding": "gzip, identity"}
        token = self._token
        if token is None and os.environ.get("HF_HUB_DISABLE_IMPLICIT_TOKEN", "").strip().lower() \
                not in _TRUTHY:
            token = huggingface_hub.get_token()   # HF_TOKEN, then the token file
        if token:
            headers["authorization"] = f"Bearer {token}"
        return headers

    def _get(self, url: str, timeout: float, cap: int, *, params: Mapping[str, Any] | None = None,
             check_etag: bool = False) -> bytes:
        """One GET through the client's session and error mapping, read to at most `cap`
        bytes after decompression (a 2 MB gzip answer must not inflate to 2 GiB in memory);
        raises _Oversized beyond it, and ValueError for a file not matching its ETag."""
        from huggingface_hub.utils import get_session, hf_raise_for_status

        with get_session().stream("GET", url, params=params, headers=self._headers(),
                                  timeout=timeout, follow_redirects=True) as resp:
            if resp.status_code >= 400:
                _read_capped(resp, MAX_ERROR_BYTES, stop_at=self.deadline_at, _drain=True)
                hf_raise_for_status(resp)
            data = _read_capped(resp, cap, stop_at=self.deadline_at)
            if check_etag and not _matches_etag(resp.headers, data):
                # A wrong Content-Length cuts the text silently: only the ETag tells.
                raise ValueError("file does not match its ETag")
            return data

    def _model_info(self, ref: ModelRef) -> Any:
        from huggingface_hub.hf_api import ModelInfo

        path = f"{self.endpoint}/api/models/{ref.name}"
        if ref.revision is not None:
            path += f"/revision/{quote(ref.revision, safe='')}"

        def ask(timeout: float) -> Any:
            data = json.loads(self._get(path, timeout, MAX_API_BYTES, params={"expand": EXPAND}))
            if not isinstance(data, dict):
                raise _MalformedMetadata()
            try:
                return ModelInfo(**data)
            except (TypeError, AttributeError, KeyError, ValueError):
                # The client builds ModelCardData from the card's YAML as the repo wrote it:
                # `tags: false` in a card makes it raise TypeError. The repo's fault, not ours.
                raise _MalformedMetadata() from None

        return self._call(f"model {ref.name}", ask)

    def _download(self, repo_id: str, filename: str, revision: str | None) -> str | None:
        """A small text file from the repo, or None if absent, gated or unreadable."""
        from huggingface_hub import hf_hub_url
        from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError

        url = hf_hub_url(repo_id, filename, revision=revision, endpoint=self.endpoint)

        def get(timeout: float) -> bytes:
            try:
                return self._get(url, timeout, MAX_FILE_BYTES, check_etag=True)
            except _Oversized as exc:
                return exc.head   # licence texts and configs past the cap: the head is enough

        try:
            data = self._call(f"{repo_id}/{filename}", get)
        except (EntryNotFoundError, HfHubHTTPError):
            # Missing or gated (401/403): not evidence, and not a reason to lose what the API
            # already said about the model.
            return None
        except _HubDown as exc:
            # Unreachable, failing or garbled: the same, but the answer is incomplete, so it
            # must not be cached as if the file did not exist.
            self._local.incomplete = str(exc)
            return None
        return data.decode("utf-8", "replace")

    # -- building facts --
    def _fetch_online(self, ref: ModelRef) -> ModelFacts | Unresolved:
        from huggingface_hub.errors import (
            DisabledRepoError,
            GatedRepoError,
            HfHubHTTPError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )

        try:
            info = self._model_info(ref)
        except GatedRepoError:   # a subclass of RepositoryNotFoundError: catch it first
            return Unresolved(ref, "gated on the Hub and its metadata is not readable without "
                                   "access; set HF_TOKEN to a token that was granted access")
        except RepositoryNotFoundError:
            return _NotFound(ref, "not found on the Hub (or private)")
        except RevisionNotFoundError:
            return _NotFound(ref, f"revision '{ref.revision}' not found on the Hub")
        except DisabledRepoError:
            return Unresolved(ref, "disabled on the Hub")
        except _MalformedMetadata:
            return Unresolved(ref, "its metadata on the Hub is malformed (the card's YAML has "
                                   "values of the wrong type)")
        except _Oversized:
            return Unresolved(ref, f"the Hub's answer about it is larger than the "
                                   f"{MAX_API_BYTES // (1024 * 1024)} MiB licheck reads")
        except HfHubHTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "?"
            hint = "; set HF_TOKEN if it is private or gated" if status in (401, 403) else ""
            return Unresolved(ref, f"the Hub refused the request (HTTP {status}){hint}")
        return self._facts_from_info(ref, info)

    def _facts_from_info(self, ref: ModelRef, info: Any) -> ModelFacts:
        card: Mapping[str, Any] = {}
        card_data = getattr(info, "card_data", None)
        notes: list[str] = []
        to_dict = getattr(card_data, "to_dict", None)
        if callable(to_dict):
            card = to_dict()
        elif isinstance(card_data, Mapping):
            card = dict(card_data)
        elif card_data is not None:   # a list or a string where the card's mapping belongs
            notes.append("the Hub's cardData is not a mapping; ignored")
        tags = [t for t in (getattr(info, "tags", None) or []) if isinstance(t, str)]
        # File names and ids come from the endpoint: checked before any URL is built from them.
        siblings = [name for name in (getattr(s, "rfilename", "") for s in (getattr(info, "siblings", None) or []))
                    if _safe_filename(name)]
        canonical = getattr(info, "id", None) or ref.name
        if not is_hub_id(canonical, namespaced="/" in ref.name):
            notes.append(f"the Hub answered with an id that is not a Hub id ({_shown_id(canonical)}); "
                         f"kept '{ref.name}'")
            canonical = ref.name
        # The API gives the card's front matter parsed: its digest is of that data as JSON.
        documents = {"cardData": sha256_digest(json.dumps(card, sort_keys=True, default=str))} if card else {}
        if canonical != ref.name:
            notes.append(f"the Hub calls '{ref.name}' '{canonical}'")

        if not card and "README.md" in siblings:
            text = self._download(canonical, "README.md", ref.revision)
            if text is not None:
                documents["README.md"] = sha256_digest(text)
                try:
                    card = read_card(text, f"{canonical}/README.md")
                    notes.append("card metadata read from README.md")
                except LicheckError:   # a broken card on someone else's repo is not our error
                    notes.append("README.md front matter is not valid YAML; ignored")

        facts = card_facts(card, ref, source="hub", tags=tags)
        facts.id = canonical
        facts.revision = ref.revision
        sha = getattr(info, "sha", None)
        # The commit is recorded in locks and cache entries: only a commit id, never any text.
        facts.commit = sha if isinstance(sha, str) and _COMMIT.fullmatch(sha) else None
        if sha and facts.commit is None:
            notes.append(f"the Hub's commit id is not one ({_shown_id(sha)}); not recorded")
        facts.documents.update(documents)
        facts.notes[:0] = notes
        gated = getattr(info, "gated", False)
        facts.gated = bool(gated) and gated != "false"

        # The Hub's own view of the bases, when the card and tags named none.
        base_models = getattr(info, "base_models", None) or getattr(info, "baseModels", None)
        if isinstance(base_models, Mapping):
            ids = [m.get("id") for m in base_models.get("models") or [] if isinstance(m, Mapping)]
            rel = base_models.get("relation") if isinstance(base_models.get("relation"), str) else None
            if not facts.parents:
                refs = parse_base_models([i for i in ids if isinstance(i, str)])
                facts.parents = [ParentLink(r, rel or "unknown") for r in refs]
                if refs:
                    facts.notes.append("parents from the Hub's baseModels")
            if facts.relation is None and rel in ("finetune", "adapter", "merge", "quantized"):
                facts.relation = rel
                facts.parents = [ParentLink(p.ref, rel) for p in facts.parents]

        if not facts.parents and "adapter_config.json" in siblings:
            self._parents_from_adapter(facts, canonical, ref.revision)
        if not facts.parents and any(s in siblings for s in ("mergekit_config.yml", "mergekit_config.yaml")):
            name = "mergekit_config.yml" if "mergekit_config.yml" in siblings else "mergekit_config.yaml"
            self._parents_from_mergekit(facts, canonical, name, ref.revision)
        if facts.relation is None and facts.parents:
            facts.relation = _relation_from_files(siblings, tags, len(facts.parents))
            if facts.relation:
                facts.parents = [ParentLink(p.ref, facts.relation) for p in facts.parents]

        if _needs_licence_text(facts, self.corpus):
            self._licence_text(facts, canonical, siblings, ref.revision)
        self._structure(facts, canonical, tags, siblings, ref.revision)
        return facts

    def _structure(self, facts: ModelFacts, repo_id: str, tags: list[str], siblings: list[str],
                   revision: str | None) -> None:
        # The structure readers and the fingerprint table load only for a model fetched from
        # the Hub (never for one answered from the cache or the catalogue).
        from licheck.sources.hubstructure import read_hub_structure, structure_wanted

        why = structure_wanted(facts, tags, siblings, self.fingerprints()) if self.fingerprints else None
        if why is None:
            return
        notes: list[str] = []

        def download(name: str) -> str | None:
            text = self._download(repo_id, name, revision)
            if text is not None:
                facts.documents[name] = sha256_digest(text)
            return text

        facts.structure = read_hub_structure(repo_id, siblings, download, notes)
        files = " and ".join(f for f in ("config.json", "tokenizer_config.json") if f in siblings)
        facts.notes.append(f"structure read from {files} ({why})"
                           + (": " + "; ".join(notes) if notes else ""))

    def _parents_from_adapter(self, facts: ModelFacts, repo_id: str, revision: str | None) -> None:
        text = self._download(repo_id, "adapter_config.json", revision)
        if text is None:
            return
        facts.documents["adapter_config.json"] = sha256_digest(text)
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):   # a hostile repo can nest [[[... past the limit
            facts.notes.append("adapter_config.json is not valid JSON; ignored")
            return
        apply_adapter_config(facts, doc, "adapter_config.json", _hub_only)
        if facts.parents:
            facts.notes.append("parent from adapter_config.json base_model_name_or_path")

    def _parents_from_mergekit(self, facts: ModelFacts, repo_id: str, name: str,
                               revision: str | None) -> None:
        text = self._download(repo_id, name, revision)
        if text is None:
            return
        facts.documents[name] = sha256_digest(text)
        try:
            doc = parse_yaml(text, f"{repo_id}/{name}")
        except LicheckError:
            facts.notes.append(f"{name} is not valid YAML; ignored")
            return
        apply_merge_recipe(facts, doc, name, _hub_only)

    def _licence_text(self, facts: ModelFacts, repo_id: str, siblings: list[str],
                      revision: str | None) -> None:
        wanted: list[str] = []
        link = facts.licence_link
        if link and not link.lower().startswith(("http://", "https://")):
            rel = link.strip().lstrip("./")
            if rel in siblings:
                wanted.append(rel)
        wanted += [f for f in LICENCE_FILES if f in siblings and f not in wanted]
        wanted += [s for s in siblings if re.fullmatch(r"(?i)licen[cs]e[^/]*", s) and s not in wanted]
        for name in wanted[:2]:
            text = self._download(repo_id, name, revision)
            if text is None:
                why = getattr(self._local, "incomplete", None) or "gated or missing"
                facts.notes.append(f"{name} could not be read ({why})")
                continue
            facts.licence_files[name] = text
            facts.documents[name] = sha256_digest(text)
            break


def _hub_only(text: str) -> ModelRef | None:
    """A Hub repository's files can only lead to other Hub models (a path means nothing there)."""
    refs = parse_base_models(text)
    return refs[0] if refs else None


def _relation_from_files(siblings: list[str], tags: list[str], n_parents: int) -> str | None:
    if any(s.endswith(".gguf") for s in siblings) or "gguf" in tags:
        return "quantized"
    if "adapter_config.json" in siblings:
        return "adapter"
    if "mergekit_config.yml" in siblings or "mergekit_config.yaml" in siblings or n_parents > 1:
        return "merge"
    return None


def _needs_licence_text(facts: ModelFacts, corpus: Corpus | None) -> bool:
    """Whether the card leaves the licence open enough that the LICENSE file must decide
    (without a corpus to read `license_name` / `license_link` by, it always does)."""
    declared = (facts.declared_licence or "").strip().lower()
    # A name several licences share (`modified-mit`) leaves the licence open too.
    shared = corpus is not None and bool(corpus.ambiguous(declared))
    if declared and declared not in ("other", "unknown") and not shared:
        return False
    for spelling in (facts.licence_name, facts.licence_link):
        if spelling and corpus is not None and corpus.lookup(spelling):
            return False
    return True


def _read_capped(resp: Any, cap: int, *, stop_at: float | None = None, _drain: bool = False) -> bytes:
    """The body of a streamed answer, decompressed by us with a bound on the output, so no
    answer costs more than `cap` bytes of memory whatever it claims or inflates to. Raises
    _Oversized past the cap (with the first `cap` bytes); ValueError for an encoding we did
    not ask for; _HubDown once `stop_at` (a monotonic instant) has passed: a timeout bounds
    each read, and an answer trickled a byte a second would otherwise never time out.
    `_drain`: an error body, kept for the client's error message."""
    encoding = (resp.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflate: Any = zlib.decompressobj(wbits=47)   # gzip or zlib header, told apart by zlib
    elif encoding in ("", "identity"):
        inflate = None
    elif _drain:
        resp._content = b""   # see the end: the client reads the error text from it
        return b""
    else:
        raise ValueError(f"an answer in the '{encoding}' encoding, which licheck did not ask for")
    out = bytearray()
    try:
        for raw in resp.iter_raw():
            if stop_at is not None and time.monotonic() > stop_at:
                raise _HubDown("the run's deadline (LICHECK_DEADLINE) passed while the Hub was "
                               "still answering: its licence was not checked", timed_out=True)
            pending = raw
            while pending:
                room = cap + 1 - len(out)
                if inflate is None:
                    out += pending[:room]
                    pending = b""
                else:
                    out += inflate.decompress(pending, room)
                    pending = inflate.unconsumed_tail
                if len(out) > cap:
                    if _drain:
                        resp._content = bytes(out[:cap])
                        return resp._content   # type: ignore[no-any-return]
                    raise _Oversized(bytes(out[:cap]))
    except zlib.error:
        if _drain:
            resp._content = b""
            return b""
        raise ValueError("an answer that does not decompress") from None
    if _drain:
        # hf_raise_for_status reads the error text from the response: give it what we read.
        resp._content = bytes(out)
    return bytes(out)


def _licheck_version() -> str:
    # From the installed distribution: importing the package root would reach above sources.
    import importlib.metadata

    try:
        return importlib.metadata.version("licheck")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _safe_filename(name: object) -> bool:
    """A repo file name fit for a /resolve/ URL: relative, no `.`/`..` segment, no control."""
    if not isinstance(name, str) or not name or len(name) > 1024 or name.startswith(("/", "\\")):
        return False
    if any(ord(c) < 32 or c in "\\%?#" for c in name):
        return False
    return not any(part in ("", ".", "..") for part in name.split("/"))


def _shown_id(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _matches_etag(headers: Mapping[str, str], data: bytes) -> bool:
    """Whether `data` is the file the Hub's ETag names, when that ETag is a git blob id.

    The Hub's ETag for a file kept in git is the blob's SHA-1; LFS files carry a SHA-256
    (64 hex) and compressed answers may not be comparable: those are not checked."""
    etag = (headers.get("ETag") or "").strip()
    if headers.get("Content-Encoding", "identity").lower() not in ("", "identity"):
        return True
    m = re.fullmatch(r'"?([0-9a-f]{40})"?', etag)
    if m is None:
        return True
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    return blob == m.group(1)


def _shown(url: str) -> str:
    """A URL fit for messages: any user:password@ part is dropped."""
    return re.sub(r"//[^/@]*@", "//", url)


def _retry_wait(response: Any, attempt: int, backoff: float = 0.25,
                cap: float = MAX_RETRY_WAIT) -> float:
    """Seconds to wait before retry `attempt + 1`: the server's word if any, else back-off."""
    headers = getattr(response, "headers", None) or {}
    wait: float | None = None
    ratelimit = headers.get("RateLimit") or headers.get("ratelimit")
    if ratelimit:
        m = re.search(r"\bt=(\d+(?:\.\d+)?)", ratelimit)
        if m and re.search(r"\br=0\b", ratelimit):
            wait = float(m.group(1))
    retry_after = headers.get("Retry-After")
    if wait is None and retry_after:
        try:
            wait = float(retry_after)
        except ValueError:
            import email.utils  # only for an HTTP-date Retry-After; costs ~5 ms to import

            try:
                wait = email.utils.parsedate_to_datetime(retry_after).timestamp() - time.time()
            except (TypeError, ValueError, IndexError):
                wait = None
    if wait is None:
        wait = backoff * (2 ** attempt)
    return max(0.0, min(wait, cap))


def _host_of_url(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}" if parts.hostname else None


def _host_of(exc: BaseException) -> str | None:
    """`host:port` a failed request was sent to (after redirects), when the error says."""
    try:
        url = exc.request.url   # type: ignore[attr-defined]  # httpx: raises if unset
        return f"{url.host}:{url.port or ''}" if url.host else None
    except (AttributeError, RuntimeError):
        return None


def _transport_errors() -> tuple[type[BaseException], ...]:
    # Whichever HTTP stack this huggingface_hub uses: httpx2 (2.x), httpx (1.x), requests (0.x).
    # RequestError: transport failures, and a redirect loop (TooManyRedirects).
    errors: list[type[BaseException]] = []
    for module, names in (("httpx2", ("RequestError",)), ("httpx", ("RequestError",)),
                          ("requests.exceptions", ("ConnectionError", "Timeout"))):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            continue
        mod = importlib.import_module(module)
        errors.extend(getattr(mod, name) for name in names)
    return tuple(errors) or (OSError,)
