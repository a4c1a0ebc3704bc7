"""The Hugging Face Hub source: one API call per model, files only when metadata falls short.

What is asked of the Hub, in order (docs/hub.md):

1. `HfApi(endpoint=...).model_info(id, revision=..., expand=[cardData, tags, gated, sha,
   siblings, baseModels], timeout=...)`. This answers even for gated repos, so a gated
   repo's licence comes from its card data before any file is tried.
2. Only when that is not enough, a file from `/resolve/`, each at most once:
   * a `LICENSE*` file when the card says `license: other` (or nothing) and its
     `license_name` / `license_link` name no known licence;
   * `adapter_config.json` / `mergekit_config.yml` when the card names no parent and the
     repo holds one of them;
   * `README.md` when the API returned no card data but the repo has a card;
   * `config.json`, then `tokenizer_config.json`, when the card leaves the base open or
     contradicts itself: the weights' structure, for the fingerprint table
     (`licheck.sources.hubstructure`; never a weight file).
   Files are fetched with the client's own session, URL builder, headers (token, user
   agent) and error mapping, but not through `hf_hub_download`: that retries a failed HEAD
   with a 60 s timeout and up to five back-offs, which no overall deadline survives.

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
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, TypeVar

from licheck.cache import Cache
from licheck.cardmeta import card_facts, parse_base_models, read_card
from licheck.errors import LicheckError
from licheck.fingerprints import FingerprintTable
from licheck.licences import Corpus
from licheck.model import (
    ModelFacts,
    ModelRef,
    ParentLink,
    StructuralFacts,
    Unresolved,
    sha256_digest,
)
from licheck.repofiles import apply_adapter_config, apply_merge_recipe
from licheck.sources.hubstructure import read_hub_structure, structure_wanted
from licheck.yamlload import parse_yaml

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_TIMEOUT = 6.0          # per request; LICHECK_HUB_TIMEOUT overrides
MAX_RETRIES = 3                # on 429 / 5xx
MAX_RETRY_WAIT = 10.0          # never sleep longer than this for one retry
BROKEN_RETRIES = 2             # on answers cut off or not parsable
BREAKER_THRESHOLD = 2          # consecutive transport failures before the Hub counts as down
                               # (1 while the Hub has not answered once this run)
MAX_FILE_BYTES = 512 * 1024    # licence texts and small configs only
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


class _HubDown(Exception):
    """The Hub could not be reached (or the deadline passed); message is user-facing."""


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


def facts_from_json(doc: Mapping[str, Any]) -> ModelFacts:
    """Inverse of facts_to_json; raises KeyError/TypeError/ValueError on a malformed doc."""
    ref_doc = doc["ref"]
    facts = ModelFacts(ref=ModelRef(str(ref_doc["kind"]), str(ref_doc["name"]), ref_doc.get("revision")),
                       id=str(doc["id"]), source=str(doc["source"]))
    for key in ("declared_licence", "licence_name", "licence_link", "licence_hint", "relation",
                "publisher", "origin", "release_date", "name", "revision", "commit"):
        value = doc.get(key)
        setattr(facts, key, str(value) if value is not None else None)
    facts.licence_files = {str(k): str(v) for k, v in dict(doc.get("licence_files") or {}).items()}
    facts.parents = [ParentLink(ModelRef(str(p["kind"]), str(p["name"]), p.get("revision")),
                                str(p.get("relation") or "unknown")) for p in doc.get("parents") or []]
    facts.modalities = [str(m) for m in doc.get("modalities") or []]
    facts.gated = bool(doc.get("gated"))
    facts.notes = [str(n) for n in doc.get("notes") or []]
    facts.documents = {str(k): str(v) for k, v in dict(doc.get("documents") or {}).items()}
    if doc.get("structure") is not None:
        facts.structure = StructuralFacts.from_json(doc["structure"])
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
                hit = self._from_cache(entry.value, stale=entry.stale or self.offline)
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
                cached = self._from_cache(stale.value, stale=True)
                if cached is not None:
                    cached.notes.append(f"Hub unreachable ({exc}); used the cached copy")
                    return cached
            return Unresolved(ref, str(exc))
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
        if age > NOT_FOUND_TTL and not self.offline:
            return None
        when = datetime.fromtimestamp(entry.stored_at, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        return Unresolved(ref, f"{entry.value} (the Hub's answer at {when}, remembered for "
                               f"{NOT_FOUND_TTL / 3600:g} h)", missing=True)

    @staticmethod
    def _from_cache(value: Any, *, stale: bool) -> ModelFacts | None:
        try:
            facts = facts_from_json(value)
        except (KeyError, TypeError, ValueError, AttributeError):
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
                raise _HubDown("deadline reached before the Hub answered")
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
                cut = type(exc).__name__ in _BROKEN_ANSWER
                if cut and broken < BROKEN_RETRIES:
                    # The server was reached but the answer was cut off: another try is cheap,
                    # unlike a timeout. Two, because the first may reuse a connection that
                    # the broken answer left garbage on.
                    broken += 1
                    continue
                kind = "timed out" if "Timeout" in type(exc).__name__ else "connection failed"
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

    def _model_info(self, ref: ModelRef) -> Any:
        from huggingface_hub import HfApi

        api = HfApi(endpoint=self.endpoint, token=self._token)

        def ask(timeout: float) -> Any:
            try:
                return api.model_info(ref.name, revision=ref.revision, timeout=timeout,
                                      expand=EXPAND)  # type: ignore[arg-type]
            except (TypeError, AttributeError, KeyError):
                # The client builds ModelCardData from the card's YAML as the repo wrote it:
                # `tags: false` in a card makes it raise TypeError. The repo's fault, not ours.
                raise _MalformedMetadata() from None

        return self._call(f"model {ref.name}", ask)

    def _download(self, repo_id: str, filename: str, revision: str | None) -> str | None:
        """A small text file from the repo, or None if absent, gated or unreadable."""
        from huggingface_hub import hf_hub_url
        from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        url = hf_hub_url(repo_id, filename, revision=revision, endpoint=self.endpoint)

        def get(timeout: float) -> bytes:
            headers = build_hf_headers(token=self._token)
            with get_session().stream("GET", url, headers=headers, timeout=timeout,
                                      follow_redirects=True) as resp:
                if resp.status_code >= 400:
                    resp.read()
                    hf_raise_for_status(resp)
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > MAX_FILE_BYTES:
                        break
                    chunks.append(chunk)
                data = b"".join(chunks)
                if size <= MAX_FILE_BYTES and not _matches_etag(resp.headers, data):
                    # A wrong Content-Length cuts the text silently: only the ETag tells.
                    raise ValueError("file does not match its ETag")
                return data

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
        except HfHubHTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "?"
            hint = "; set HF_TOKEN if it is private or gated" if status in (401, 403) else ""
            return Unresolved(ref, f"the Hub refused the request (HTTP {status}){hint}")
        return self._facts_from_info(ref, info)

    def _facts_from_info(self, ref: ModelRef, info: Any) -> ModelFacts:
        card: Mapping[str, Any] = {}
        card_data = getattr(info, "card_data", None)
        if card_data is not None:
            card = card_data.to_dict() if hasattr(card_data, "to_dict") else dict(card_data)
        tags = [t for t in (getattr(info, "tags", None) or []) if isinstance(t, str)]
        siblings = [getattr(s, "rfilename", "") for s in (getattr(info, "siblings", None) or [])]
        canonical = str(getattr(info, "id", None) or ref.name)
        notes: list[str] = []
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
        facts.commit = str(getattr(info, "sha", None) or "") or None
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


def _transport_errors() -> tuple[type[BaseException], ...]:
    # Whichever HTTP stack this huggingface_hub uses: httpx2 (2.x), httpx (1.x), requests (0.x).
    errors: list[type[BaseException]] = []
    for module, names in (("httpx2", ("TransportError",)), ("httpx", ("TransportError",)),
                          ("requests.exceptions", ("ConnectionError", "Timeout"))):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            continue
        mod = importlib.import_module(module)
        errors.extend(getattr(mod, name) for name in names)
    return tuple(errors) or (OSError,)
