"""`licheck models`: the catalogue queried under a deployment context.

Every catalogue model gets a verdict from the findings `check` gives it under the context:
`blocked` (an unwaived error: which rule ids), `review` (a warning: something could not be
checked or needs review, so it is not usable as far as licheck can tell), `obligations`
(usable if you do what the listed rules say) or `usable`. The verdicts come from the check
pipeline (`evaluate_models`, the one call into it): the same rules, one evaluator.

Tasks: a catalogue entry's `tasks:` say what the model is for. Without them, a task is
derived only from a word in the model's name that names it (`derive_tasks`: "embed",
"whisper", "stable-diffusion", "vision"/"VL"), never from modalities alone (a text-only
model may generate, embed, rerank or classify). Anything else is "not classified": never
given a guessed task, and a `--task` query says how many models it left out for that.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from licheck.catalogue import MODALITIES, TASKS, CatalogueEntry
from licheck.check import run_check
from licheck.env import Env
from licheck.errors import InputError
from licheck.licences import Corpus
from licheck.model import ModelRef
from licheck.report import jsonable
from licheck.sources.catalogue import CatalogueSource
from licheck.sources.registry import RunData, SourceRegistry
from licheck.targets import ModelEntry, Target

VERDICTS = ("usable", "obligations", "review", "blocked")   # best first
VERDICT_WORDS = {"usable": "usable", "obligations": "usable with obligations",
                 "review": "needs review", "blocked": "blocked"}
SORTS = ("name", "verdict", "publisher", "release", "licence")


def catalogue_sources(env: RunData) -> SourceRegistry:
    """The model sources of `models`: the environment's catalogue alone (never the network)."""
    return SourceRegistry([CatalogueSource(env.catalogue)], catalogue=env.catalogue, offline=True)


def evaluate_models(env: Env, model_ids: Sequence[str], *, context_path: str | None) -> Mapping[str, Any]:
    """What `models` reads of the JSON report `check` gives these catalogue ids under the
    context (else the config's, else the defaults, as `check` decides), in the run's
    environment: its rules, licences and catalogue (the one call into the check pipeline).
    Build `env` with `catalogue_sources` so that nothing is fetched.

    The report's `context`, its `findings`, and of each model only `id` and `licences`
    (the same values as in `check --format json`; the lineages, which `models` does not
    show, are left out: rendering them would be a third of the evaluation's time)."""
    target = Target(kind="ref", path=None,
                    entries=[ModelEntry(ref=ModelRef("hub", mid), written=mid) for mid in model_ids])
    report = run_check(env, [target], context_path=context_path)
    return jsonable({"context": report.context,
                     "models": [{"id": m.id, "licences": m.licences} for m in report.models],
                     "findings": [f.to_json() for f in report.findings]})


# (pattern in the model's name, modalities it needs, task): words that name the task, each
# checked against the catalogue's models. Not "instruct" or "chat" for text generation:
# embedding models carry them too (e5-mistral-7b-instruct).
_NAMED_TASKS = (
    (re.compile(r"embed", re.I), "text", "embeddings"),
    (re.compile(r"whisper", re.I), "audio", "speech"),
    (re.compile(r"stable-diffusion", re.I), "image", "image-generation"),
    (re.compile(r"(^|[-_.])(vl|vision)([-_.]|$)", re.I), "image", "vision"),
)


def derive_tasks(entry: CatalogueEntry) -> tuple[tuple[str, ...], str | None]:
    """(tasks, where they come from): the catalogue's `tasks:` ("catalogue"), else the one
    task a word of the name names ("name"), else ((), None): not classified."""
    if entry.tasks:
        return entry.tasks, "catalogue"
    name = entry.id.rsplit("/", 1)[-1]
    for pattern, modality, task in _NAMED_TASKS:
        if pattern.search(name):
            # a name that says one thing and modalities that say another: not classified
            if modality in entry.modalities and "video" not in entry.modalities:
                return (task,), "name"
            return (), None
    return (), None


@dataclass(frozen=True)
class Query:
    tasks: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    licences: tuple[str, ...] = ()      # corpus ids (aliases resolved by `check_query`)
    sort: str = "name"


@dataclass(frozen=True)
class Verdict:
    id: str
    publisher: str | None
    origin: str | None
    modalities: tuple[str, ...]
    tasks: tuple[str, ...]              # () when not classified
    task_source: str | None             # "catalogue", "name" or None
    release_date: str | None
    licences: tuple[str, ...]           # every licence that binds it
    verdict: str
    blocked_by: tuple[str, ...]
    review: tuple[tuple[str, str], ...]          # (finding id, message)
    obligations: tuple[tuple[str, str], ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "publisher": self.publisher, "origin": self.origin,
                "modalities": list(self.modalities), "tasks": list(self.tasks),
                "task_source": self.task_source,
                "release_date": self.release_date, "licences": list(self.licences),
                "verdict": self.verdict, "blocked_by": list(self.blocked_by),
                "review": [{"id": i, "message": m} for i, m in self.review],
                "obligations": [{"id": i, "message": m} for i, m in self.obligations]}


def _pick(value: str, known: Iterable[str], what: str, option: str) -> str:
    """`value` as spelled in `known` (case-insensitive), else exit 2 with the nearest."""
    by_lower = {k.lower(): k for k in known}
    found = by_lower.get(value.strip().lower())
    if found is not None:
        return found
    close = difflib.get_close_matches(value.strip().lower(), list(by_lower), n=1, cutoff=0.5)
    hint = f"; did you mean '{by_lower[close[0]]}'?" if close else ""
    raise InputError(f"{option}: unknown {what} '{value}'{hint} (known: {', '.join(sorted(by_lower.values()))})"
                     if len(by_lower) <= 12 else f"{option}: unknown {what} '{value}'{hint}")


def check_query(entries: Sequence[CatalogueEntry], corpus: Corpus, *, tasks: Iterable[str] = (),
                modalities: Iterable[str] = (), publishers: Iterable[str] = (),
                origins: Iterable[str] = (), licences: Iterable[str] = (), sort: str = "name") -> Query:
    """The query with every value checked against what exists; InputError (exit 2) otherwise."""
    pubs = {e.publisher for e in entries if e.publisher}
    countries = {e.origin for e in entries if e.origin}
    lids = []
    for value in licences:
        lids.append(corpus.lookup(value) or _pick(value, corpus.ids(), "licence", "--licence"))
    return Query(
        tasks=tuple(_pick(t, TASKS, "task", "--task") for t in tasks),
        modalities=tuple(_pick(m, MODALITIES, "modality", "--modality") for m in modalities),
        publishers=tuple(_pick(p, pubs, "publisher", "--publisher") for p in publishers),
        origins=tuple(_pick(o, countries, "publisher country", "--origin") for o in origins),
        licences=tuple(lids),
        sort=_pick(sort, SORTS, "sort key", "--sort"))


def preselect(entries: Sequence[CatalogueEntry], query: Query) -> tuple[list[CatalogueEntry], int]:
    """The entries the catalogue facts admit (before evaluation), and how many were left out
    only because their task is not known."""
    out, untasked = [], 0
    for e in entries:
        if query.modalities and not set(query.modalities) & set(e.modalities):
            continue
        if query.publishers and e.publisher not in query.publishers:
            continue
        if query.origins and e.origin not in query.origins:
            continue
        if query.tasks:
            tasks, _source = derive_tasks(e)
            if not tasks:
                untasked += 1
                continue
            if not set(query.tasks) & set(tasks):
                continue
        out.append(e)
    return out, untasked


def verdicts(entries: Sequence[CatalogueEntry], report: Mapping[str, Any], query: Query) -> list[Verdict]:
    """Each entry's verdict from the report's findings, filtered by licence, sorted."""
    by_model: dict[str, list[Mapping[str, Any]]] = {}
    for f in report.get("findings") or ():
        by_model.setdefault(str(f.get("model")), []).append(f)
    binding = {str(m.get("id")): tuple(m.get("licences") or ()) for m in report.get("models") or ()}
    out = []
    for e in entries:
        found = [f for f in by_model.get(e.id, ()) if not f.get("waived")]
        errors = sorted({str(f["id"]) for f in found if f.get("severity") == "error"})
        review = sorted({(str(f["id"]), str(f["message"])) for f in found if f.get("severity") == "warning"})
        duties = sorted({(str(f["id"]), str(f["message"])) for f in found if f.get("severity") == "obligation"})
        verdict = "blocked" if errors else "review" if review else "obligations" if duties else "usable"
        lics = binding.get(e.id, ())
        if query.licences and not set(query.licences) & set(lics):
            continue
        out.append(Verdict(e.id, e.publisher, e.origin, tuple(e.modalities), *derive_tasks(e),
                           e.release_date, lics, verdict, tuple(errors), tuple(review), tuple(duties)))
    return sort_verdicts(out, query.sort)


def sort_verdicts(items: list[Verdict], key: str) -> list[Verdict]:
    by_name = sorted(items, key=lambda v: v.id.lower())
    if key == "verdict":
        return sorted(by_name, key=lambda v: VERDICTS.index(v.verdict))
    if key == "publisher":
        return sorted(by_name, key=lambda v: (v.publisher or "\uffff").lower())
    if key == "release":   # newest first; unknown dates last
        dated = sorted((v for v in by_name if v.release_date), key=lambda v: v.release_date or "",
                       reverse=True)
        return dated + [v for v in by_name if not v.release_date]
    if key == "licence":
        return sorted(by_name, key=lambda v: (",".join(v.licences) or "\uffff"))
    return by_name


def summary(items: Sequence[Verdict]) -> dict[str, int]:
    out = {"models": len(items)}
    out.update({v: sum(1 for i in items if i.verdict == v) for v in VERDICTS})
    return out


# --- rendering -----------------------------------------------------------------------------


def to_json(items: Sequence[Verdict], query: Query, context: Mapping[str, Any], untasked: int) -> dict[str, Any]:
    return {"schema_version": 1, "context": dict(context),
            "query": {"task": list(query.tasks), "modality": list(query.modalities),
                      "publisher": list(query.publishers), "origin": list(query.origins),
                      "licence": list(query.licences), "sort": query.sort},
            "summary": summary(items), "left_out_without_task": untasked,
            "models": [v.to_json() for v in items]}


def _facts(v: Verdict) -> str:
    who = f"{v.publisher or 'publisher unknown'}" + (f" ({v.origin})" if v.origin else "")
    return (f"{', '.join(v.licences) or 'licence unknown'}; {who}; {'+'.join(v.modalities)}; "
            f"task: {', '.join(v.tasks) or 'not classified'}"
            + (f"; released {v.release_date}" if v.release_date else ""))


def _summary_line(items: Sequence[Verdict], untasked: int) -> str:
    s = summary(items)
    line = (f"{s['models']} model(s): {s['usable']} usable, {s['obligations']} usable with obligations, "
            f"{s['review']} need review, {s['blocked']} blocked")
    if untasked:
        line += f"; {untasked} left out as not classified by task"
    return line


def render_text(items: Sequence[Verdict], untasked: int) -> str:
    out = [_summary_line(items, untasked), ""]
    for v in items:
        out.append(f"{VERDICT_WORDS[v.verdict]:<24} {v.id}")
        out.append(f"{'':<24}   {_facts(v)}")
        if v.blocked_by:
            out.append(f"{'':<24}   blocked by: {', '.join(v.blocked_by)}")
        for fid, msg in v.review:
            out.append(f"{'':<24}   review: {fid}: {msg}")
        for fid, msg in v.obligations:
            out.append(f"{'':<24}   obligation: {fid}: {msg}")
    return "\n".join(out) + "\n"


def render_markdown(items: Sequence[Verdict], untasked: int) -> str:
    from licheck.formats.markdown import code, esc

    out = ["# Models under this context", "", _summary_line(items, untasked) + ".", "",
           "| Model | Verdict | Licences | Publisher | Tasks | Blocked by / to do |", "|---|---|---|---|---|---|"]
    for v in items:
        todo = ", ".join(code(x) for x in v.blocked_by) or ", ".join(
            code(fid) for fid, _ in (*v.review, *v.obligations))
        who = (v.publisher or "") + (f" ({v.origin})" if v.origin else "")
        out.append(f"| {code(v.id)} | {VERDICT_WORDS[v.verdict]} | {esc(', '.join(v.licences) or 'unknown')} | "
                   f"{esc(who)} | {', '.join(v.tasks) or 'not classified'} | {todo} |")
    return "\n".join(out) + "\n"
