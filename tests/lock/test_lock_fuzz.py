"""A lock file mangled any which way is read, or refused as an input error; never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from licheck.errors import LicheckError
from licheck.lockfile import LockedModel, LockFile, LockNode, read_lock, render_lock
from licheck.model import ModelFacts, ModelRef, ParentLink, Unresolved

BASE = ModelRef("hub", "org/base")


def _lock() -> str:
    base = ModelFacts(ref=BASE, id="org/base", source="hub", commit="a" * 40, declared_licence="llama3.1",
                      gated=True, modalities=["text"], documents={"cardData": "sha256:" + "1" * 64})
    fine = ModelFacts(ref=ModelRef("hub", "org/fine", "v1"), id="org/fine", source="hub",
                      parents=[ParentLink(BASE, "finetune")], relation="finetune",
                      declared_licence="other", licence_files={"LICENSE": "Line one\n\"two\" \\ three\n"},
                      notes=["a note"], documents={"LICENSE": "sha256:" + "2" * 64})
    gone = Unresolved(ModelRef("hub", "org/gone"), "not found on the Hub (or private)")
    lock = LockFile(manifest="licheck.yaml", data={"licences": "sha256:x (1 files)"},
                    models=[LockedModel("hub:org/fine@v1", "org/fine", "hub:org/fine@v1", ("llama3.1",)),
                            LockedModel("hub:org/gone", "org/gone", "hub:org/gone")],
                    nodes=[LockNode("hub:org/base", base, "llama3.1", "card license: llama3.1", "declared licence"),
                           LockNode("hub:org/fine@v1", fine, "mit", "LICENSE identified as mit", "LICENSE text"),
                           LockNode("hub:org/gone", gone)])
    return render_lock(lock)


GOOD = _lock()
LINES = GOOD.splitlines(keepends=True)


def test_the_rendered_lock_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "licheck.lock"
    path.write_text(GOOD, encoding="utf-8")
    lock = read_lock(path)
    assert render_lock(lock) == GOOD
    node = lock.node("hub:ORG/fine@v1")
    assert node is not None and node.facts is not None
    assert node.facts.licence_files == {"LICENSE": "Line one\n\"two\" \\ three\n"}
    assert lock.closure("hub:org/fine@v1") == ["hub:org/fine@v1", "hub:org/base"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(index=st.integers(0, len(LINES) - 1),
       how=st.sampled_from(["drop", "duplicate", "swap", "char", "truncate"]),
       position=st.integers(0, 200), char=st.characters(exclude_categories=("Cs",)))
def test_a_mangled_lock_is_read_or_refused(tmp_path: Path, index: int, how: str, position: int,
                                          char: str) -> None:
    lines = list(LINES)
    if how == "drop":
        del lines[index]
    elif how == "duplicate":
        lines.insert(index, lines[index])
    elif how == "swap" and index + 1 < len(lines):
        lines[index], lines[index + 1] = lines[index + 1], lines[index]
    elif how == "char":
        line = lines[index]
        at = position % max(1, len(line))
        lines[index] = line[:at] + char + line[at + 1:]
    else:
        lines = lines[:index]
    path = tmp_path / "licheck.lock"
    path.write_text("".join(lines), encoding="utf-8")
    try:
        read_lock(path)
    except LicheckError as exc:
        assert str(exc).startswith(f"{path}:") or str(exc).startswith(str(path)), str(exc)
        assert "\n" not in str(exc)
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{type(exc).__name__}: {exc}\n{''.join(lines)}")


@pytest.mark.parametrize(("before", "after"), [
    ('licences = "sha256:x (1 files)"', 'licences = "sha256:y (1 files)"'),
    ('manifest = "licheck.yaml"', 'manifest = "models.yaml"'),
    ('ref = "hub:org/fine@v1"\nid = "org/fine"\nnode', 'ref = "hub:org/fine@v2"\nid = "org/fine"\nnode'),
    ('commit = "' + "a" * 40, 'commit = "' + "b" * 40),
    ("Line one", "Line 1"),
])
def test_every_value_is_under_a_digest(tmp_path: Path, before: str, after: str) -> None:
    assert GOOD.count(before) == 1
    path = tmp_path / "licheck.lock"
    path.write_text(GOOD.replace(before, after), encoding="utf-8")
    with pytest.raises(LicheckError, match="changed by hand"):
        read_lock(path)
