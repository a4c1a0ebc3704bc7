"""What several formats share: plain words for each finding kind (from `licheck.kinds`),
lineage walking, labels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from licheck.kinds import KINDS
from licheck.model import Finding, Lineage, LineageNode, Location
from licheck.report import ModelReport, Report


def kind_title(kind: str) -> str:
    record = KINDS.get(kind)
    return record.title if record else kind.replace("_", " ").capitalize()


def kind_meaning(kind: str) -> str:
    record = KINDS.get(kind)
    return record.meaning if record else f"A '{kind}' finding."


def advice(finding: Finding) -> str:
    """How to comply: the finding's own advice, else the generic advice for its kind."""
    if finding.how_to_comply:
        return finding.how_to_comply
    record = KINDS.get(finding.kind)
    return record.advice if record else "Review this finding with legal."


def where(finding: Finding, model: ModelReport | None = None) -> Location | None:
    """The file position to point at: the finding's own, else where its model was declared."""
    if finding.location is not None:
        return finding.location
    return model.location if model is not None else None


def where_text(loc: Location | None) -> str:
    if loc is None:
        return ""
    return loc.file if loc.line is None else f"{loc.file}:{loc.line}"


def model_of(report: Report, finding: Finding) -> ModelReport | None:
    # Formatters ask once per finding; scanning every model each time made rendering
    # quadratic (500 models: 0.5 s for SARIF). The index is checked on use, and anything it
    # does not know (the report changed since) takes the full scan as before.
    cached = vars(report).get("_finding_owners")
    if cached is None or cached[0] is not report.models or cached[1] != len(report.models):
        owners: dict[int, ModelReport] = {}
        for m in report.models:
            for g in m.findings:
                owners.setdefault(id(g), m)
        cached = (report.models, len(report.models), owners)
        vars(report)["_finding_owners"] = cached
    owner = cached[2].get(id(finding))
    if owner is not None and any(g is finding for g in owner.findings):
        return owner
    for m in report.models:
        if any(g is finding for g in m.findings):
            return m
    return next((m for m in report.models if finding.model in (m.id, m.ref)), None)


def node_licence_label(node: LineageNode) -> str:
    """`llama3.1`, `llama3.1; declared 'llama3'`, `licence unknown` or `unresolved`."""
    if not node.resolved:
        return "unresolved"
    label = ", ".join(node.licences) or "licence unknown"
    if node.declared_licence and node.declared_licence != node.licence:
        label += f"; declared '{node.declared_licence}'"
    if not node.binds:
        label += "; not inherited: its licensor relicensed a descendant"
    return label


class TreeRow(NamedTuple):
    depth: int
    id: str
    node: LineageNode | None   # None: a parent named by a node but absent from the lineage
    repeat: bool               # already shown above (a shared ancestor in a merge)


def lineage_rows(lineage: Lineage) -> Iterator[TreeRow]:
    """Depth-first from the model to its bases; each node expanded once, in parent order."""
    seen: set[str] = set()

    def walk(node_id: str, depth: int) -> Iterator[TreeRow]:
        node = lineage.node(node_id)
        if node_id in seen:
            yield TreeRow(depth, node_id, node, True)
            return
        seen.add(node_id)
        yield TreeRow(depth, node_id, node, False)
        for parent in node.parents if node else []:
            yield from walk(parent, depth + 1)

    yield from walk(lineage.nodes[0].id, 0)
    for node in lineage.nodes:  # nodes no path reaches (should not happen; never hide them)
        if node.id not in seen:
            yield from walk(node.id, 1)


def linear_path(lineage: Lineage) -> list[LineageNode] | None:
    """The lineage as one chain model -> parent -> base, or None when it branches."""
    rows = list(lineage_rows(lineage))
    if any(r.repeat or r.node is None or r.depth != i for i, r in enumerate(rows)):
        return None
    return [r.node for r in rows if r.node is not None]


def waiver_text(waiver: dict[str, Any] | None) -> str:
    """One line: reason, approver, expiry."""
    if not waiver:
        return "waived"
    parts = [str(waiver.get("reason") or "no reason given")]
    if waiver.get("approved_by"):
        parts.append(f"approved by {waiver['approved_by']}")
    if waiver.get("expires"):
        parts.append(f"expires {waiver['expires']}")
    return "; ".join(parts)


def waiver_scope(waiver: dict[str, Any]) -> str:
    target = waiver.get("rule") or (f"kind {waiver['kind']}" if waiver.get("kind") else "any finding")
    scope = f"{target} for {waiver.get('model') or '*'}"
    loc = waiver.get("location")
    if isinstance(loc, dict) and loc.get("file"):
        scope += f" ({loc['file']}{':' + str(loc['line']) if loc.get('line') else ''})"
    return scope


def summary_line(report: Report) -> str:
    s = report.summary()

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return (f"{n(s['models'], 'model')} checked: {n(s['error'], 'error')}, "
            f"{n(s['warning'], 'warning')}, {n(s['obligation'], 'obligation')}, {s['info']} info; "
            f"{s['waived']} waived, {s['unresolved']} unresolved")

