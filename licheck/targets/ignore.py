"""`.gitignore` rules, read in Python: which files of a work tree git would not list.

licheck never runs git: in a checkout one has not vetted, git reads the repository's own
config, which can name programs to run (`core.fsmonitor`). This follows gitignore(5) for
what a search needs: comments and escapes, `!` negation, a trailing `/` for folders only,
patterns anchored by a `/`, `*`, `?`, `[...]` and `**`; the last matching rule wins, and a
file under an ignored folder stays ignored. Rules come from `.git/info/exclude` and every
`.gitignore` from the work tree's root down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from licheck.errors import LicheckError
from licheck.files import read_text


@dataclass(frozen=True)
class Rule:
    base: str          # the folder of the .gitignore, relative to the work-tree root ("" = root)
    regex: re.Pattern[str]
    negated: bool
    folders_only: bool


def parse(text: str, base: str) -> list[Rule]:
    rules: list[Rule] = []
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        line = re.sub(r"(?<!\\)\s+$", "", line)
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        if line.startswith(("\\#", "\\!")):
            line = line[1:]
        folders_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        body = _translate(line)
        regex = re.compile(body if anchored else f"(?:.*/)?{body}")
        rules.append(Rule(base, regex, negated, folders_only))
    return rules


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                out.append(re.escape(c))
                i += 1
                continue
            cls = pattern[i + 1:end].replace("\\", "\\\\")
            out.append("[^" + cls[1:] + "]" if cls.startswith("!") else "[" + cls + "]")
            i = end + 1
        elif c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def work_tree_root(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` holding `.git` (a folder or a file)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


class Ignored:
    """Answers "would git ignore this?" for paths under one work tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._rules: dict[str, list[Rule]] = {}
        exclude = root / ".git" / "info" / "exclude"
        self._base = parse(_read(exclude), "") if exclude.is_file() else []

    def _folder_rules(self, rel_folder: str) -> list[Rule]:
        if rel_folder not in self._rules:
            path = self.root / rel_folder / ".gitignore"
            self._rules[rel_folder] = parse(_read(path), rel_folder) if path.is_file() else []
        return self._rules[rel_folder]

    def __call__(self, path: Path, *, is_dir: bool) -> bool:
        rel = path.resolve().relative_to(self.root.resolve()).as_posix()
        parts = rel.split("/")
        # A file under an ignored folder is ignored, whatever a later rule says.
        for depth in range(1, len(parts)):
            if self._matches("/".join(parts[:depth]), True):
                return True
        return self._matches(rel, is_dir)

    def _matches(self, rel: str, is_dir: bool) -> bool:
        parts = rel.split("/")
        rules = list(self._base)
        for depth in range(len(parts)):
            rules += self._folder_rules("/".join(parts[:depth]))
        ignored = False
        for rule in rules:
            if rule.folders_only and not is_dir:
                continue
            if rule.base and not rel.startswith(rule.base + "/"):
                continue
            sub = rel[len(rule.base) + 1:] if rule.base else rel
            if rule.regex.fullmatch(sub):
                ignored = not rule.negated
        return ignored


def _read(path: Path) -> str:
    try:
        return read_text(path)
    except LicheckError:
        return ""


def head_commit(folder: Path) -> str | None:
    """The commit checked out in the work tree holding `folder`, read from `.git` (a linked
    worktree's `.git` file and a packed ref included); None outside a repository."""
    root = work_tree_root(folder.resolve())
    if root is None:
        return None
    gitdir = root / ".git"
    if gitdir.is_file():   # a linked worktree or a submodule: "gitdir: <path>"
        pointer = _read(gitdir).strip()
        if not pointer.startswith("gitdir:"):
            return None
        gitdir = (root / pointer[len("gitdir:"):].strip()).resolve()
    head = _read(gitdir / "HEAD").strip()
    if not head.startswith("ref:"):
        return head if re.fullmatch(r"[0-9a-f]{40,64}", head) else None
    ref = head[len("ref:"):].strip()
    common = gitdir
    if (gitdir / "commondir").is_file():
        common = (gitdir / _read(gitdir / "commondir").strip()).resolve()
    for base in (gitdir, common):
        value = _read(base / ref).strip()
        if re.fullmatch(r"[0-9a-f]{40,64}", value):
            return value
    for line in _read(common / "packed-refs").splitlines():
        sha, _, name = line.partition(" ")
        if name.strip() == ref and re.fullmatch(r"[0-9a-f]{40,64}", sha):
            return sha
    return None
