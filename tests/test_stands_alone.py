"""The repository stands alone: what it cites, it carries.

licheck was built from reference notes kept outside the repository. A comment or a page that
cites one of them sends a maintainer to a file they do not have, so every tracked file must cite
the project's own `docs/` instead, and every `docs/...md` that the code or the tests cite must be
a tracked file. Both tests read the tracked files (`git ls-files`) and skip outside a git
checkout (an unpacked sdist has no history to ask).
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The outside notes' names are written in pieces so that this file does not match its own
# search (nor a maintainer's `git grep` for them).
_NOTES = [n + ".md" for n in ("ecosystem", "hf" + "-hub", "peers", "CON" + "TRACT")] + [
    "licence" + "-clauses", "style" + "-anchors"]
_OUTSIDE = re.compile("|".join(re.escape(n) for n in _NOTES))
_FORMATS = re.compile(r"(?<![\w/.-])" + "formats" + r"\.md")   # bare, not docs/formats.md
_FORMATS_LINK = re.compile(r"\]\(" + "formats" + r"\.md\b")    # a docs page's relative link
_EXEMPT = {"docs/contract.md"}   # the project's copy of the contract may name its own sections
_DOC_CITATION = re.compile(r"(?<![\w/.-])docs/(?:\w[\w.-]*/)*\w[\w.-]*\.md\b")


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        pytest.skip("not a git checkout (or git is not installed)")
    files = [name for name in out.decode("utf-8").split("\0") if name]
    if not files:
        pytest.skip("git lists no tracked files here")
    return files


def _text(name: str) -> str | None:
    """A tracked file's text, or None for a binary file (or one deleted but not yet staged)."""
    try:
        data = (ROOT / name).read_bytes()
    except FileNotFoundError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def outside_citations(name: str, text: str) -> list[str]:
    """`line: match` for each mention, in the file `name`, of a note kept outside the repository."""
    found = []
    in_docs = name.startswith("docs/")
    for number, line in enumerate(text.splitlines(), 1):
        hits = [m.group() for m in _OUTSIDE.finditer(line)]
        bare = len(_FORMATS.findall(line)) - (len(_FORMATS_LINK.findall(line)) if in_docs else 0)
        hits += ["formats" + ".md (write docs/formats.md)"] * bare
        found += [f"{number}: {hit}" for hit in hits]
    return found


def python_prose(source: str) -> str:
    """The comments and docstrings of a Python file: where a test cites; its string literals
    are data (a test may feed a `docs/...md` path that is missing on purpose)."""
    parts = [tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
             if tok.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                parts.append(doc)
    return "\n".join(parts)


def test_no_tracked_file_cites_a_note_outside_the_repository() -> None:
    problems = []
    for name in _tracked():
        text = None if name in _EXEMPT else _text(name)
        if text is not None:
            problems += [f"{name}:{hit}" for hit in outside_citations(name, text)]
    assert not problems, "cite the project's own docs/ instead:\n" + "\n".join(problems)


def test_every_docs_page_the_code_and_tests_cite_exists() -> None:
    tracked = _tracked()
    present = set(tracked)
    missing = []
    for name in tracked:
        if not (name.startswith("licheck/") or name.startswith("tests/") or name == "README.md"):
            continue
        text = _text(name)
        if text is None:
            continue
        if name.startswith("tests/"):
            if not name.endswith(".py"):
                continue   # fixtures are data
            text = python_prose(text)
        missing += [f"{name}: {cited}" for cited in sorted(set(_DOC_CITATION.findall(text)))
                    if cited not in present]
    assert not missing, "cited but not in the repository:\n" + "\n".join(missing)


@pytest.mark.parametrize(("name", "line", "flagged"), [
    ("licheck/x.py", "# the trap (" + "formats" + ".md 1.3)", True),
    ("licheck/x.py", "# see docs/formats.md section 1.4", False),
    ("licheck/x.py", '"""SARIF (' + "ecosystem" + '.md section 2.1)."""', True),
    ("README.md", "the contract (" + "CON" + "TRACT.md)", True),
    ("README.md", "the contract (docs/contract.md)", False),
    ("tests/x.py", "# quotes from licence" + "-clauses-2.md", True),
    ("docs/lock.md", "see [the formats page](" + "formats" + ".md#5-sarif)", False),
    ("docs/lock.md", "as " + "formats" + ".md 2.2 says", True),
    ("licheck/x.py", "[the formats page](" + "formats" + ".md)", True),   # only docs/ links are relative
])
def test_the_search_tells_a_citation_of_an_outside_note(name: str, line: str, flagged: bool) -> None:
    assert bool(outside_citations(name, line)) is flagged


def test_test_prose_is_comments_and_docstrings_not_data() -> None:
    source = ('"""Module docstring citing docs/a.md."""\n'
              "def f():\n"
              '    """docs/b.md"""\n'
              '    return open("docs/c.md")  # docs/d.md\n')
    assert sorted(_DOC_CITATION.findall(python_prose(source))) == [
        "docs/a.md", "docs/b.md", "docs/d.md"]
