"""`licheck notice`: the artefacts the binding licences require for a context, and only those.

From a `check` report (its JSON form), the rules behind its findings and the licence corpus,
this builds:

* `NOTICE`: every notice sentence a licence requires in distributed copies (a `notice`
  rule's `notice_text`), verbatim, once each;
* `LICENSES/<id>.txt`: a copy of each licence with a notice duty and of the policies it
  incorporates (the REUSE layout), verbatim;
* `CHECKLIST.md`: what to display and where (`attribution` rules' `display_text` and
  `where`), then every remaining duty with its rule id and clause: conflicts to resolve
  first (renaming, ...), registration, the parts of a notice duty no file can fulfil
  (marking modified files, a model's own NOTICE contents), and what could not be checked.

Only findings decide: a rule that does not apply to the context (e.g. a notice rule when
nothing is distributed) gives no finding, hence no artefact. Everything here is pure and
deterministic; `evaluate_targets` is the one call into the check pipeline.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from licheck.check import run_check
from licheck.env import Env
from licheck.errors import InputError
from licheck.licences import Corpus
from licheck.rules.loader import Rulebook

NOTICE_FILE = "NOTICE"
CHECKLIST_FILE = "CHECKLIST.md"
LICENSES_DIR = "LICENSES"
# What an existing output folder may hold for licheck to replace it: its own earlier output.
OWN_NAMES = frozenset({NOTICE_FILE, CHECKLIST_FILE, LICENSES_DIR})
# Kinds that mean the declared use is not allowed as is: artefacts alone cannot fix them.
_UNCHECKED_KINDS = ("unresolved", "licence_unknown")


def evaluate_targets(env: Env, targets: Sequence[str], *, context_path: str | None) -> Mapping[str, Any]:
    """The JSON report of `check` on the targets under the context, in the run's environment
    (the one call into the check pipeline; `build` takes the same environment's rulebook and
    corpus)."""
    return run_check(env, list(targets), context_path=context_path).to_json()


@dataclass(frozen=True)
class Duty:
    """One rule's finding(s), merged over the models it binds."""

    rule_id: str
    kind: str
    severity: str
    licence: str | None
    section: str | None
    quote: str | None
    models: tuple[str, ...]
    message: str
    how_to_comply: str | None
    waiver: str | None = None    # why it is waived, by whom, until when; None when it is not


@dataclass(frozen=True)
class Display:
    rule_id: str
    licence: str
    section: str
    texts: tuple[str, ...]       # any one of them
    where: str | None
    models: tuple[str, ...]
    how_to_comply: str
    waiver: str | None = None


@dataclass
class Bundle:
    """The artefacts, as relative path -> content, plus what they were built from."""

    notices: list[tuple[str, str, str]] = field(default_factory=list)   # (licence, section, sentence)
    licences: list[str] = field(default_factory=list)
    displays: list[Display] = field(default_factory=list)
    conflicts: list[Duty] = field(default_factory=list)
    duties: list[tuple[Duty, str, bool]] = field(default_factory=list)   # (duty, what, done here)
    unchecked: list[Duty] = field(default_factory=list)
    # Notice sentences licheck knows only from third-party quotations: never put in NOTICE as
    # if verbatim, but left open on the checklist (licence, rule id, sentence as quoted).
    unverified: list[tuple[str, str, str]] = field(default_factory=list)
    carried: list[tuple[str, str]] = field(default_factory=list)   # (model, its own NOTICE contents)
    waived: list[Duty] = field(default_factory=list)   # conflicts and unchecked models, waived
    files: dict[str, str] = field(default_factory=dict)

    @property
    def missing_texts(self) -> list[str]:
        """Licences to ship of which licheck has no verbatim text."""
        return [lid for lid in self.licences if f"{LICENSES_DIR}/{lid}.txt" not in self.files]

    @property
    def complete(self) -> bool:
        """True when nothing blocks the use, every model could be checked, and every file
        the licences ask for is here, verbatim."""
        return not (self.conflicts or self.unchecked or self.unverified or self.missing_texts)


def _waiver_text(waiver: Any) -> str:
    if not isinstance(waiver, Mapping):
        return "waived"
    parts = [str(waiver.get("reason") or "no reason given")]
    if waiver.get("approved_by"):
        parts.append(f"approved by {waiver['approved_by']}")
    if waiver.get("expires"):
        parts.append(f"until {waiver['expires']}")
    return ", ".join(parts)


def _merge(findings: Iterable[Mapping[str, Any]]) -> list[Duty]:
    """Findings grouped by rule id and waiver (messages differ per model only by its name).

    A waiver accepts a finding; it does not remove the duty behind it, so waived duties are
    kept (their files are still written) and shown as waived."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for f in findings:
        waiver = _waiver_text(f.get("waiver")) if f.get("waived") else ""
        groups.setdefault((str(f["id"]), waiver), []).append(f)
    out = []
    for rule_id, waiver in sorted(groups):
        items = groups[(rule_id, waiver)]
        first = items[0]
        clause = first.get("clause") or {}
        out.append(Duty(
            rule_id=rule_id, kind=str(first["kind"]), severity=str(first["severity"]),
            licence=first.get("licence"), section=clause.get("section"), quote=clause.get("quote"),
            models=tuple(sorted({str(f["model"]) for f in items})), message=str(first["message"]),
            how_to_comply=first.get("how_to_comply"), waiver=waiver or None))
    return out


def build(report: Mapping[str, Any], rulebook: Rulebook, corpus: Corpus, *,
          shipped: Mapping[str, str] | None = None) -> Bundle:
    """The artefacts the findings of `report` call for (deterministic: same input, same bytes).

    `shipped` maps a model id to the contents of the NOTICE file the model itself ships
    (`shipped_notices`): with a notice duty, those contents are carried into NOTICE, as
    Apache-2.0 4(d) asks."""
    bundle = Bundle()
    copied: set[str] = set()
    shipped = shipped or {}
    for duty in _merge(report.get("findings") or ()):
        rule = rulebook.get(duty.rule_id)
        if duty.waiver is not None and (duty.kind in _UNCHECKED_KINDS or duty.severity == "error"):
            bundle.waived.append(duty)
        elif duty.kind in _UNCHECKED_KINDS:
            bundle.unchecked.append(duty)
        elif duty.kind == "notice" and rule is not None:
            sentence = rule.param("notice_text")
            lic = corpus.get(rule.licence)
            if sentence and rule.confidence == "verified" and lic is not None and lic.has_text:
                bundle.notices.append((rule.licence, rule.section, sentence))
            elif sentence:
                bundle.unverified.append((rule.licence, rule.id, sentence))
            copied.add(rule.licence)
            carried = [m for m in duty.models if m in shipped]
            for model in carried:
                if (model, shipped[model]) not in bundle.carried:
                    bundle.carried.append((model, shipped[model]))
            for req in rule.param("requirements") or ():
                if _about_notice_file(req) and carried:
                    # done for the models whose NOTICE was read; open for the others
                    rest = tuple(m for m in duty.models if m not in carried)
                    bundle.duties.append((replace(duty, models=tuple(carried)), req, True))
                    if rest:
                        bundle.duties.append((replace(duty, models=rest), req, False))
                else:
                    bundle.duties.append((duty, req, _is_fulfilled(req) or duty.waiver is not None))
        elif duty.kind == "attribution" and rule is not None:
            bundle.displays.append(Display(
                rule_id=rule.id, licence=rule.licence, section=rule.section,
                texts=tuple(rule.param("display_text") or ()), where=rule.param("where"),
                models=duty.models, how_to_comply=rule.how_to_comply, waiver=duty.waiver))
        elif duty.severity == "error":
            bundle.conflicts.append(duty)
        elif duty.severity in ("obligation", "warning"):
            bundle.duties.append((duty, duty.how_to_comply or duty.message, duty.waiver is not None))
    for lid in sorted(copied):
        lic = corpus.get(lid)
        for inc in (lid, *(lic.incorporates if lic else ())):
            if inc not in bundle.licences:
                bundle.licences.append(inc)
    bundle.licences.sort()
    bundle.notices = sorted(set(bundle.notices))
    bundle.carried.sort()
    bundle.files = _files(bundle, corpus, report)
    return bundle


def _is_fulfilled(requirement: str) -> bool:
    """Whether NOTICE / LICENSES fulfil a notice rule's requirement (a copy of the licence,
    the Notice file itself); anything more (marking modified files, a model's own NOTICE
    contents) stays open on the checklist."""
    text = requirement.lower()
    return text.startswith(("a copy of the", 'a "notice" text file containing the notice_text',
                            'a "notice" text file with the notice_text (')) and ";" not in text


def _about_notice_file(requirement: str) -> bool:
    """A requirement to carry the Work's own NOTICE file contents (Apache-2.0 4(d))."""
    return "notice file" in requirement.lower() and "notice_text" not in requirement.lower()


def shipped_notices(report: Mapping[str, Any], max_bytes: int = 256 * 1024) -> dict[str, str]:
    """The NOTICE file each local model folder of the report ships (model id -> contents).

    Hub models' files are not fetched here: for them the duty stays open on the checklist."""
    from licheck.files import read_text

    out: dict[str, str] = {}
    for model in report.get("models") or ():
        lineage = model.get("lineage") or []
        if not lineage or lineage[0].get("source") != "local":
            continue
        folder = Path(str(model.get("id")))
        for name in ("NOTICE", "NOTICE.txt", "NOTICE.md"):
            if (folder / name).is_file():
                out[str(model["id"])] = read_text(folder / name, max_bytes=max_bytes).strip("\n") + "\n"
                break
    return out


def _files(bundle: Bundle, corpus: Corpus, report: Mapping[str, Any]) -> dict[str, str]:
    files: dict[str, str] = {}
    if bundle.notices or bundle.carried:
        sentences: list[str] = []
        for _lid, _section, sentence in bundle.notices:
            if sentence not in sentences:
                sentences.append(sentence)
        parts = ["\n\n".join(sentences) + "\n"] if sentences else []
        parts += [f"Notices of {model} (from its NOTICE file):\n\n{text}" for model, text in bundle.carried]
        files[NOTICE_FILE] = "\n".join(parts)
    for lid in bundle.licences:
        lic = corpus.get(lid)
        if lic is not None and lic.has_text:
            text = lic.read_text(0)
            files[f"{LICENSES_DIR}/{lid}.txt"] = text if text.endswith("\n") else text + "\n"
    files[CHECKLIST_FILE] = checklist(bundle, corpus, report)
    return dict(sorted(files.items()))


def _models(models: Sequence[str]) -> str:
    from licheck.formats.markdown import code

    return ", ".join(code(m) for m in models)


def _e(text: object) -> str:
    """Data escaped for Markdown (it renders literally)."""
    from licheck.formats.markdown import esc

    return esc(text)


def _clause(duty: Duty) -> str:
    from licheck.formats.markdown import code

    if duty.licence and duty.section:
        return f"{code(duty.rule_id)}, {_e(duty.licence)} section {_e(duty.section)}"
    return code(duty.rule_id)


def checklist(bundle: Bundle, corpus: Corpus, report: Mapping[str, Any]) -> str:
    """CHECKLIST.md: what to display, then every duty the files do not fulfil."""
    from licheck.formats.markdown import code

    models = [str(m.get("id")) for m in report.get("models") or ()]
    out = ["# Licence obligations checklist", "",
           f"Models: {_models(models) if models else 'none'}.", "",
           "Produced by `licheck notice` from the licences that bind these models under the declared "
           "deployment context. It is not legal advice.", ""]
    if bundle.conflicts:
        out += ["## Conflicts to resolve first", "",
                "The declared use is not allowed as is; the files here do not change that.", ""]
        out += [f"- [ ] **{_e(d.message)}** ({_clause(d)}; {_models(d.models)}). {_e(d.how_to_comply or '')}".rstrip()
                for d in bundle.conflicts]
        out.append("")
    if bundle.unchecked:
        out += ["## Could not be checked", "",
                "These models' licences are not all known, so this list may be incomplete.", ""]
        out += [f"- [ ] {_e(d.message)} ({code(d.rule_id)}; {_models(d.models)})" for d in bundle.unchecked]
        out.append("")
    if bundle.waived:
        out += ["## Waived", "", "Accepted by a waiver; shown so the reviewer sees what was accepted.", ""]
        out += [f"- [x] {_e(d.message)} ({_clause(d)}; {_models(d.models)}). Waived: {_e(d.waiver)}"
                for d in bundle.waived]
        out.append("")
    out += ["## Display", ""]
    if bundle.displays:
        for disp in bundle.displays:
            texts = " or ".join(f"“{_e(t)}”" for t in disp.texts)
            out.append(f"- [{'x' if disp.waiver else ' '}] Display {texts} on "
                       f"{_e(disp.where or 'a place the licence names')} "
                       f"({code(disp.rule_id)}, {_e(disp.licence)} section {_e(disp.section)}; "
                       f"{_models(disp.models)}). To comply: {_e(disp.how_to_comply)}"
                       + (f" Waived: {_e(disp.waiver)}" if disp.waiver else ""))
    else:
        out.append("Nothing to display under this context.")
    out += ["", "## Files to give with every copy (distributed weights, or hosted where the licence says so)", ""]
    if bundle.notices or bundle.licences or bundle.unverified or bundle.carried:
        if bundle.notices:
            out.append(f"- [x] `{NOTICE_FILE}` with the notice sentence(s) of: "
                       + ", ".join(f"{_e(lid)} section {_e(sec)}" for lid, sec, _ in bundle.notices))
        for model, _text in bundle.carried:
            out.append(f"- [x] `{NOTICE_FILE}` carries the contents of the NOTICE file {code(model)} ships")
        for lid in bundle.licences:
            lic = corpus.get(lid)
            if lic is not None and lic.has_text:
                out.append(f"- [x] {code(f'{LICENSES_DIR}/{lid}.txt')}: {_e(lic.name)}")
            else:
                out.append(f"- [ ] {_e(lid)}: licheck has no verbatim text of it; obtain the text from "
                           "the licensor and ship it")
    else:
        out.append("Nothing: under this context no licence asks for its text or a Notice file.")
    for lid, rule_id, sentence in bundle.unverified:
        out.append(f"- [ ] a Notice sentence for {_e(lid)} ({code(rule_id)}): licheck knows it only from "
                   f"third-party quotations, so it is not in `{NOTICE_FILE}`; copy it from the licence text "
                   f"itself. As quoted: “{_e(sentence)}”")
    out += ["", "## Other obligations", ""]
    if bundle.duties:
        out += [f"- [{'x' if done else ' '}] {_e(what)}"
                + (f" (waived: {_e(d.waiver)})" if d.waiver else " (the files here)" if done else "")
                + f" ({_clause(d)}; {_models(d.models)})" for d, what, done in bundle.duties]
    else:
        out.append("None.")
    return "\n".join(out) + "\n"


# --- writing ---------------------------------------------------------------------------------


def check_output_dir(output: str, inputs: Iterable[str]) -> Path:
    """The folder to write, refused when writing it could touch an input or someone's files."""
    target = Path(output)
    resolved = target.resolve()
    for raw in inputs:
        if not raw:
            continue
        src = Path(raw).resolve()
        if not Path(raw).exists():
            continue
        if src == resolved or resolved in src.parents or src in resolved.parents:
            raise InputError("the output folder must not be, contain or lie inside an input "
                             f"({raw})", path=output)
    if target.exists():
        if not target.is_dir() or target.is_symlink():
            raise InputError("exists and is not a folder", path=output)
        foreign = sorted(p.name for p in target.iterdir() if p.name not in OWN_NAMES)
        if foreign:
            raise InputError(f"the folder holds files licheck did not write ({', '.join(foreign[:3])}); "
                             "give a new or earlier `licheck notice` folder", path=output)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError("the parent folder does not exist", path=output)
    return target


def write_bundle(target: Path, files: Mapping[str, str]) -> None:
    """Write all files into a temporary sibling folder, then swap it in: a reader sees the old
    folder or the new one, never half of one."""
    import tempfile

    parent = target.parent if str(target.parent) else Path(".")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    old: Path | None = None
    try:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=parent))
            os.replace(target, old / "previous")
        os.replace(tmp, target)
    except BaseException:
        if old is not None and not target.exists():
            os.replace(old / "previous", target)   # put the earlier output back
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def render_text(bundle: Bundle) -> str:
    """Every file, one after the other, for stdout."""
    parts = []
    for rel, text in bundle.files.items():
        if rel.startswith(LICENSES_DIR + "/"):
            continue
        parts.append(f"==> {rel} <==\n{text}")
    if bundle.licences:
        parts.append(f"==> {LICENSES_DIR}/ <==\n" + "".join(
            f"{LICENSES_DIR}/{lid}.txt\n" for lid in bundle.licences)
            + "(give --output DIR to write them)\n")
    return "\n".join(parts)
