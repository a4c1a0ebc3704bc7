"""`--format html`: one self-contained printable page, checked in a real headless Chromium."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from html import escape

import pytest
from fmt_sample import NAMING_QUOTE, make_report, replace_finding

from licheck.formats import render
from licheck.formats.html import CSP
from licheck.report import Report

INJECTED = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def hostile_report() -> Report:
    report = make_report()
    first = report.models[0].findings[0]
    replace_finding(report, first, message=f"{first.message} {INJECTED}")
    return report


def test_is_self_contained(report: Report) -> None:
    page = render(report, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert f'content="{escape(CSP)}"' in page and "script-src" not in CSP and "default-src 'none'" in CSP
    assert not re.search(r"<(script|link|iframe|object|embed|img)\b", page, flags=re.I)
    assert "url(" not in page and "@import" not in page and " src=" not in page
    assert "@media print" in page


def test_data_is_escaped() -> None:
    page = render(hostile_report(), "html")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page


def test_content_of_the_review(report: Report) -> None:
    page = render(report, "html")
    assert f"<blockquote>{NAMING_QUOTE}</blockquote>" in page
    assert '<ul class="checklist">' in page and page.count("<li><strong>") == 2
    assert '<section id="signoff">' in page and "<th>Reviewer</th>" in page
    assert 'href="https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE"' in page
    assert "The Notice file ships in the release tarball" in page
    assert "licheck could not fetch private/missing-model" in page
    assert page.count('<ul class="tree">') == 2


# --- in a real browser -----------------------------------------------------------------

def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Rendered:
    dom: str
    png: bytes


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); HTML not checked in a browser")
    folder = tmp_path_factory.mktemp("html")
    page = folder / "report.html"
    page.write_text(render(hostile_report(), "html"), encoding="utf-8")
    shot = folder / "report.png"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run",
           f"--user-data-dir={folder / 'profile'}", "--window-size=1000,1600",
           f"--screenshot={shot}", "--dump-dom", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.is_file(), proc.stderr[-2000:]
    return Rendered(proc.stdout, shot.read_bytes())


@pytest.mark.slow
def test_browser_dom_shows_findings_and_ran_no_script(rendered: Rendered) -> None:
    dom = rendered.dom
    assert "<title>Licence review report" in dom and "pwned</title>" not in dom
    assert not re.search(r"<script\b|<img\b", dom, flags=re.I)
    assert "&lt;script&gt;document.title=" in dom
    for finding_id in ("llama3.1/naming", "lineage/licence_mismatch", "llama3.1/attribution",
                       "llama3.1/notice", "lineage/unresolved", "waiver/unused"):
        assert finding_id in dom
    assert "Sign-off" in dom


def _png_pixels(png: bytes) -> tuple[int, int, bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(png):
        length, ctype = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            width, height = struct.unpack(">II", data[:8])
        elif ctype == b"IDAT":
            idat += data
        pos += 12 + length
    return width, height, zlib.decompress(idat)


@pytest.mark.slow
def test_browser_screenshot_is_a_real_page(rendered: Rendered) -> None:
    width, height, raw = _png_pixels(rendered.png)
    assert (width, height) == (1000, 1600)
    # A blank or failed render is one colour; a report has text, badges and borders.
    assert len(set(raw)) > 64
