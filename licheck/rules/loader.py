"""Reading and validating rule files, and the Rulebook that holds them.

`validate_files` collects every problem (for `licheck rules validate`); a Rulebook stops at
the first one (a bad rule file must never be half-applied).

The bundled rules are one file per licence, `rules/<licence id>.yml`, so a Rulebook reads
only the files of the licences a run meets, when it first meets them, and keeps them for the
run. Users' folders (config `extra_rules`) are read whole when the Rulebook is built.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from licheck import uses as vocabularies
from licheck.countries import country_problem
from licheck.data import data_dir, keep, load_data_yaml, proven
from licheck.errors import LicheckError, RuleFileError
from licheck.kinds import DERIVED_FROM, KINDS, SCALE_FIGURES, TRIGGERS, default_severity
from licheck.licences import Corpus
from licheck.rules.quotes import normalise, quote_in
from licheck.rules.schema import FILE_SCHEMA, MESSAGE_FIELDS, Rule, rule_schema
from licheck.schema import Problem, did_you_mean
from licheck.severity import Severity
from licheck.yamldoc import YamlMap, line_of

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class FileResult:
    path: str
    rules: list[Rule] = field(default_factory=list)
    errors: list[RuleFileError] = field(default_factory=list)

    def error(self, message: str, line: int | None) -> None:
        self.errors.append(RuleFileError(message, path=self.path, line=line))

    def add(self, problems: list[Problem]) -> None:
        self.errors.extend(RuleFileError(p.message, path=self.path, line=p.line) for p in problems)


def rule_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The `.yml`/`.yaml` files named, or inside the folders named (sorted, not recursive)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yml", ".yaml") and q.is_file()))
        elif p.exists():
            out.append(p)
        else:
            raise RuleFileError("no such file or folder", path=os.fspath(raw))
    return out


def parse_file(path: str | os.PathLike[str], corpus: Corpus) -> FileResult:
    """Every rule of one file, with every problem found in it.

    A bundled file (`rules/<licence id>.yml`) the wheel's build checked against the same
    texts of its licence and the same vocabularies is taken as the build left it
    (`licheck.data.proven`)."""
    licence = corpus.get(Path(path).stem)
    checked_against = (*(licence.texts if licence is not None else ()),
                       *(data_dir("vocabularies") / f"{name}.yml" for name in vocabularies.VOCABULARIES))
    rules: tuple[Rule, ...] | None = proven(path, (Rule, Severity), depends=checked_against)
    if rules is not None:
        return FileResult(os.fspath(path), list(rules))
    result = _check_file(path, corpus)
    if not result.errors:
        keep(path, tuple(result.rules), depends=checked_against)
    return result


def _check_file(path: str | os.PathLike[str], corpus: Corpus) -> FileResult:
    result = FileResult(os.fspath(path))
    try:
        doc = load_data_yaml(path)
    except LicheckError as exc:
        result.errors.append(RuleFileError(exc.message, path=result.path, line=exc.line))
        return result
    if not isinstance(doc, YamlMap):
        result.error("a rule file must be a mapping with 'licence' and 'rules'", line_of(doc) or 1)
        return result
    problems = FILE_SCHEMA.problems(doc, line=1)
    result.add(problems)
    if problems:
        return result
    licence_id = doc["licence"]
    licence = corpus.get(licence_id)
    if licence is None:
        result.error(f"unknown licence '{licence_id}' (not in the licence corpus)", doc.line_of("licence"))
        return result
    rules = doc["rules"]
    texts = [normalise(t) for t in licence.read_texts()] if licence.has_text else []
    seen: set[str] = set()
    for i, item in enumerate(rules):
        rule = _parse_rule(item, line_of(rules, i), licence_id, texts, result)
        if rule is None:
            continue
        if rule.id in seen:
            result.error(f"duplicate rule id '{rule.id}'", rule.line)
            continue
        seen.add(rule.id)
        result.rules.append(rule)
    return result


def _parse_rule(item: Any, line: int | None, licence_id: str, texts: list[str],
                result: FileResult) -> Rule | None:
    if not isinstance(item, YamlMap):
        result.error("each rule must be a mapping", line)
        return None
    errors_before = len(result.errors)
    result.add(rule_schema(item.get("kind")).problems(item, line=line))
    if len(result.errors) > errors_before:
        return None
    kind: str = item["kind"]

    rule_id: str = item["id"]
    assert isinstance(kind, str)  # a required key of type str: any other value returned above
    if not rule_id.startswith(licence_id + "/") or len(rule_id) == len(licence_id) + 1:
        result.error(f"rule id '{rule_id}' must begin with '{licence_id}/'", item.line_of("id"))
    for key in ("triggered_by", "only_if"):
        for word in item.get(key) or []:
            if word not in TRIGGERS:
                result.error(f"'{key}': unknown condition '{word}'{did_you_mean(word, TRIGGERS)}",
                             item.line_of(key))
    for fname in _placeholders(item["message"], item.line_of("message"), result):
        if fname not in MESSAGE_FIELDS:
            result.error(f"'message': unknown placeholder '{{{fname}}}' "
                         f"(available: {', '.join(sorted(MESSAGE_FIELDS))})", item.line_of("message"))
    confidence = item.get("confidence", "verified")
    if confidence == "secondary":
        if not item.get("source"):
            result.error("a rule with 'confidence: secondary' must say where its quote comes from ('source')",
                         item.line_of("confidence"))
    elif not texts:
        result.error(f"licence '{licence_id}' has no text, so its rules must be 'confidence: secondary'",
                     item.line_of("quote"))
    elif not quote_in(item["quote"], texts, normalised=True):
        result.error(f"the quote is not in the text of '{licence_id}' (whitespace-normalised comparison)",
                     item.line_of("quote"))
    _check_kind(item, kind, result)
    if len(result.errors) > errors_before:
        return None

    params = {k: item[k] for k in KINDS[kind].params if k in item}
    severity = Severity.parse(item["severity"]) if "severity" in item else default_severity(kind)
    return Rule(
        id=rule_id, licence=licence_id, kind=kind, title=item["title"].strip(),
        section=item["section"], quote=" ".join(item["quote"].split()),
        message=item["message"].strip(), how_to_comply=" ".join(item["how_to_comply"].split()),
        severity=severity, confidence=confidence, source=item.get("source"),
        triggered_by=tuple(item.get("triggered_by") or ()), only_if=tuple(item.get("only_if") or ()),
        models_matching=tuple(m.strip().lower() for m in item.get("models_matching") or ()),
        notes=item.get("notes"), params=params, path=result.path, line=item.line or line,
    )


def _placeholders(template: str, line: int | None, result: FileResult) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        result.error(f"'message': {exc} (write {{{{ and }}}} for literal braces)", line)
        return []
    names = []
    for _, fname, spec, conv in parsed:
        if fname is None:
            continue
        if spec or conv or not fname.isidentifier():
            result.error(f"'message': placeholder '{{{fname}}}' must be a plain name", line)
            continue
        names.append(fname)
    return names


def _check_kind(item: YamlMap, kind: str, result: FileResult) -> None:
    if kind == "mau_cap" and item["measured_at"] == "month_before_release":
        rd = item.get("release_date")
        if not isinstance(rd, str) or not _DATE.match(rd) or not _valid_date(rd):
            result.error("'release_date' (YYYY-MM-DD, quoted) is required when measured_at is "
                         "month_before_release", item.line_of("release_date") or item.line_of("measured_at"))
    if kind in ("mau_cap", "revenue_cap"):
        key = "threshold" if kind == "mau_cap" else "threshold_usd"
        if item[key] <= 0:
            result.error(f"'{key}' must be positive", item.line_of(key))
    if kind == "naming":
        bad = [d for d in item["derived_from"] if d not in DERIVED_FROM]
        if bad:
            result.error(f"'derived_from' items must be among: {', '.join(DERIVED_FROM)}", item.line_of("derived_from"))
    if kind == "jurisdiction":
        for region in item["excluded_regions"]:
            if region != "EU" and (problem := country_problem(region)):
                result.error(f"'excluded_regions': {problem}, nor EU", item.line_of("excluded_regions"))
    if kind == "attribution" and "scale_trigger" in item:
        if not any(f in item["scale_trigger"] for f in SCALE_FIGURES):
            result.error(f"'scale_trigger' needs at least one of: {', '.join(SCALE_FIGURES)}",
                         item.line_of("scale_trigger"))
    if kind == "acceptable_use":
        _check_vocabulary_ids(item, result)


def _check_vocabulary_ids(item: YamlMap, result: FileResult) -> None:
    """An acceptable_use rule names the use and sector ids it covers, exactly as the
    vocabularies spell them (matching is by id, so a misspelt id would never match)."""
    if not (item.get("uses") or item.get("sectors")):
        result.error("an acceptable_use rule needs 'uses' or 'sectors' to match", item.line)
    for key, vocabulary in (("uses", vocabularies.uses()), ("sectors", vocabularies.sectors())):
        for word in item.get(key) or []:
            if vocabulary.get(word) is None:
                result.error(vocabulary.unknown_message(word, key), item.line_of(key))


def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate_files(paths: Iterable[str | os.PathLike[str]], corpus: Corpus
                   ) -> tuple[list[Rule], list[RuleFileError]]:
    """All rules and all problems in these files (or folders); ids must be unique across them."""
    rules: list[Rule] = []
    errors: list[RuleFileError] = []
    owner: dict[str, str] = {}
    for path in rule_files(paths):
        res = parse_file(path, corpus)
        errors.extend(res.errors)
        for rule in res.rules:
            if rule.id in owner and owner[rule.id] != res.path:
                errors.append(RuleFileError(f"rule id '{rule.id}' is also defined in {owner[rule.id]}",
                                            path=res.path, line=rule.line))
                continue
            owner[rule.id] = res.path
            rules.append(rule)
    return rules, errors


class Rulebook:
    """Rules by licence and by id, checked against `corpus` (their quotes against its texts).

    A bundled licence's rules are read from `<bundled>/<licence id>.yml` on first use; the
    rules of `extra_dirs` (read whole, on first use) replace bundled rules of the same id.
    """

    def __init__(self, corpus: Corpus, extra_dirs: Iterable[str | os.PathLike[str]] = (), *,
                 bundled: Path | None = None) -> None:
        self.corpus = corpus
        self._bundled = bundled if bundled is not None else data_dir("rules")
        self._extra_dirs = tuple(extra_dirs)
        self._read: dict[str, list[Rule]] = {}   # licence id -> its bundled rules, once read
        self._users: dict[str, Rule] | None = None
        self._merged: dict[str, list[Rule]] = {}   # licence id -> bundled and user's rules

    def user_rules(self) -> dict[str, Rule]:
        """The rules of the users' folders by id, read (and checked) on the first call."""
        if self._users is None:
            self._users = {}
            for folder in self._extra_dirs:
                for rule in _load([folder], self.corpus):
                    self._users[rule.id] = rule
        return self._users

    def _bundled_rules(self, licence_id: str) -> list[Rule]:
        if licence_id not in self._read:
            path = self._bundled / f"{licence_id}.yml"
            rules = _load([path], self.corpus) if path.is_file() else []
            for rule in rules:
                if rule.licence != licence_id:   # the file name is how it is found
                    raise RuleFileError(f"rules of '{rule.licence}' in the file of '{licence_id}' "
                                        f"(name the file {rule.licence}.yml)", path=rule.path,
                                        line=rule.line)
            self._read[licence_id] = rules
        return self._read[licence_id]

    def rules_for(self, licence_id: str) -> list[Rule]:
        """The rules of a licence: the bundled ones, with the user's replacing or adding to
        them (worked out once: every model of a run under that licence asks)."""
        if licence_id not in self._merged:
            by_id = {r.id: r for r in self._bundled_rules(licence_id)}
            by_id.update((r.id, r) for r in self.user_rules().values() if r.licence == licence_id)
            self._merged[licence_id] = list(by_id.values())
        return list(self._merged[licence_id])

    def get(self, rule_id: str) -> Rule | None:
        licence_id, slash, _ = rule_id.partition("/")
        if not slash:
            return None
        return next((r for r in self.rules_for(licence_id) if r.id == rule_id), None)

    def licences(self) -> list[str]:
        """Every licence with rules (reads every bundled rule file)."""
        bundled = {p.stem for p in self._bundled.glob("*.yml")}
        return sorted(lid for lid in bundled | {r.licence for r in self.user_rules().values()}
                      if self.rules_for(lid))

    def ids(self) -> list[str]:
        return sorted(r.id for r in self)

    def __iter__(self) -> Iterator[Rule]:
        return iter([r for lid in self.licences() for r in self.rules_for(lid)])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _load(paths: Iterable[str | os.PathLike[str]], corpus: Corpus) -> list[Rule]:
    rules, errors = validate_files(paths, corpus)
    if errors:
        raise errors[0]
    return rules
