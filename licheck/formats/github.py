"""`--format github`: GitHub Actions workflow annotations (docs/formats.md section 6).

Errors and warnings become `::error` / `::warning`, obligations and info `::notice`, each on
the manifest line of its model. GitHub shows at most 10 annotations of each level per step,
so the most severe come first and the rest are printed as plain log lines (never dropped).
Waived findings are accepted risks: they are listed as plain log lines, not annotated.
Plain lines always start with `licheck:` and carry no newline, so data cannot smuggle in a
workflow command. The CLI should also write the Markdown report to `$GITHUB_STEP_SUMMARY`.
"""

from __future__ import annotations

from licheck.formats._common import model_of, summary_line, waiver_text, where, where_text
from licheck.model import Finding, Severity
from licheck.report import Report, sort_findings

ANNOTATIONS_PER_LEVEL = 10
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning",
            Severity.OBLIGATION: "notice", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message after `::` (as @actions/core escapes it)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `key=value` parameter: the message escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def annotation(finding: Finding, report: Report) -> str:
    loc = where(finding, model_of(report, finding))
    props: list[tuple[str, str]] = []
    if loc is not None:
        props.append(("file", loc.file.replace("\\", "/")))
        if loc.line:
            props.append(("line", str(loc.line)))
    props.append(("title", f"licheck {finding.id} ({finding.severity})"))
    message = finding.message
    if finding.model and finding.model not in message:
        message = f"{finding.model}: {message}"
    params = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{_COMMAND[finding.severity]} {params}::{escape_data(message)}"


def _plain(prefix: str, finding: Finding, report: Report) -> str:
    loc = where_text(where(finding, model_of(report, finding)))
    at = f"{loc}: " if loc else ""
    about = f"{finding.model}: " if finding.model else ""
    return _one_line(f"licheck: {prefix} {at}{finding.id}: {about}{finding.message}")


def render(report: Report, *, color: bool = False) -> str:
    lines: list[str] = []
    shown: dict[str, int] = {}
    for f in sort_findings(report.unwaived):
        command = _COMMAND[f.severity]
        shown[command] = shown.get(command, 0) + 1
        if shown[command] <= ANNOTATIONS_PER_LEVEL:
            lines.append(annotation(f, report))
        else:
            lines.append(_plain(str(f.severity), f, report))
    for command, count in shown.items():
        if count > ANNOTATIONS_PER_LEVEL:   # GitHub drops annotations beyond its limit: say so
            lines.append(f"licheck: {count - ANNOTATIONS_PER_LEVEL} more {command} finding(s) than "
                         f"GitHub shows as annotations ({ANNOTATIONS_PER_LEVEL} per level per step): "
                         "listed above as log lines, and in the job summary")
    for f in sort_findings(report.waived):
        lines.append(_one_line(f"{_plain('waived', f, report)} ({waiver_text(f.waiver)})"))
    for note in report.notes:
        lines.append(_one_line(f"licheck: note: {note}"))
    lines.append(f"licheck: {summary_line(report)}")
    return "\n".join(lines) + "\n"
