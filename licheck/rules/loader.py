"""Reading and validating rule files, and the Rulebook that holds them.

`validate_files` collects every problem (for `licheck rules validate`); `load_rulebook`
stops at the first one (a bad rule file must never be half-applied).
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from licheck import datacache
from licheck import uses as vocabularies
from licheck.data import data_dir
from licheck.datacache import load_data_yaml
from licheck.errors import LicheckError, RuleFileError
from licheck.kinds import DERIVED_FROM, KINDS, TRIGGERS, default_severity
from licheck.licences import Corpus, default_corpus
from licheck.model import Severity
from licheck.rules.quotes import normalise, quote_in
from licheck.rules.schema import FILE_SCHEMA, MESSAGE_FIELDS, Rule, rule_schema
from licheck.schema import Problem, did_you_mean
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
    """Every rule of one file, with every problem found in it."""
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


@datacache.batch()   # one write of the parsed-data store for all the files
def validate_files(paths: Iterable[str | os.PathLike[str]], corpus: Corpus | None = None
                   ) -> tuple[list[Rule], list[RuleFileError]]:
    """All rules and all problems in these files (or folders); ids must be unique across them."""
    corpus = corpus or default_corpus()
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
    """Rules by licence and by id."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._by_id: dict[str, Rule] = {}
        for rule in rules:
            self._by_id[rule.id] = rule   # later sources (users' folders) replace bundled rules
        self._by_licence: dict[str, list[Rule]] = {}
        for rule in self._by_id.values():
            self._by_licence.setdefault(rule.licence, []).append(rule)

    def rules_for(self, licence_id: str) -> list[Rule]:
        return list(self._by_licence.get(licence_id, ()))

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def licences(self) -> list[str]:
        return sorted(self._by_licence)

    def ids(self) -> list[str]:
        return sorted(self._by_id)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)


def _load(paths: Iterable[str | os.PathLike[str]], corpus: Corpus) -> list[Rule]:
    rules, errors = validate_files(paths, corpus)
    if errors:
        raise errors[0]
    return rules


def load_rulebook(extra_dirs: Iterable[str | os.PathLike[str]] = (), *,
                  corpus: Corpus | None = None) -> Rulebook:
    """The bundled rules plus users' folders; a user rule with a bundled id replaces it."""
    corpus = corpus or default_corpus()
    rules = list(_bundled_rules()) if corpus is default_corpus() else _load([data_dir("rules")], corpus)
    for folder in extra_dirs:
        rules.extend(_load([folder], corpus))
    return Rulebook(rules)


@cache
def _bundled_rules() -> tuple[Rule, ...]:
    return tuple(_load([data_dir("rules")], default_corpus()))


@cache
def default_rulebook() -> Rulebook:
    return Rulebook(_bundled_rules())
