"""`licheck resolve MODEL`: show a model's lineage, the licences that bind, and findings.

Informational: exit 0 whenever it ran (findings are shown, not judged); 2 on bad input.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from licheck.cli._env import command_env, config_option
from licheck.formats._common import strip_controls
from licheck.lineage import resolve as resolve_lineage
from licheck.model import Lineage, LineageNode
from licheck.sources.registry import standard_sources


@click.command()
@click.argument("model")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--offline", is_flag=True, help="No network: use the cache, local files and the catalogue.")
@config_option
def resolve(model: str, fmt: str, offline: bool, config_path: str | None) -> int:
    """Resolve MODEL to its base models and the licences it inherits.

    MODEL is a Hub id (org/name, org/name@rev, hf:org/name, a huggingface.co URL),
    ollama:NAME, a model directory or a .gguf file.
    """
    env = command_env(config_path, offline=offline, sources=standard_sources)
    lineage = resolve_lineage(model, sources=env.sources, corpus=env.corpus, base_dir=Path.cwd(),
                              fingerprints=lambda: env.fingerprints)
    click.echo(strip_controls(render_json(lineage) if fmt == "json" else render_text(lineage)))
    return 0


def to_json(lineage: Lineage) -> dict[str, object]:
    return {
        "schema_version": 1,
        "model": lineage.model.id,
        "ref": lineage.ref,
        "lineage": [n.to_json() for n in lineage.nodes],
        "licences": lineage.licences,
        "findings": [f.to_json() for f in lineage.findings],
    }


def render_json(lineage: Lineage) -> str:
    return json.dumps(to_json(lineage), indent=2, ensure_ascii=False)


def _line(node: LineageNode) -> str:
    licence = node.licence or ("unresolved" if not node.resolved else "unknown")
    parts = [node.id, f"[{node.relation}]", f"licence: {licence}"]
    if node.declared_licence and node.declared_licence != node.licence:
        parts.append(f"(declared: {node.declared_licence})")
    parts.append(f"source: {node.source}")
    return "  ".join(parts)


def _structure_lines(node: LineageNode) -> list[str]:
    """The fingerprint of a node's weights, its candidates, and the bases it points to that
    nothing declares (marked `?~`: an edge from structure, not a declared parent)."""
    match = node.structure or {}
    lines = [f"structure: {match.get('summary', '')}"]
    for cand in match.get("candidates", []):
        evidence = ", ".join(cand.get("evidence", []))
        differs = "; ".join(cand.get("differences", []))
        lines.append(f"  candidate: {cand['name']} ({', '.join(cand['licences']) or 'licence not recorded'})"
                     + (f": {evidence}" if evidence else "") + (f"; differs: {differs}" if differs else ""))
    also = [cand["name"] for cand in match.get("also_possible", [])]
    if also:
        lines.append(f"  also possible: {', '.join(also)}")
    for edge in node.structure_parents:
        lines.append(f"?~ {edge['id']}  [by structure, not declared]  "
                     f"licence: {', '.join(edge['licences']) or 'not recorded'}")
    return lines


def render_text(lineage: Lineage) -> str:
    out: list[str] = []
    shown: set[str] = set()

    def walk(node_id: str, depth: int, on_path: tuple[str, ...]) -> None:
        node = lineage.node(node_id)
        pad = "    " * depth + ("└─ " if depth else "")
        if node is None:
            out.append(f"{pad}{node_id}")
            return
        if node_id in on_path:
            out.append(f"{pad}{node_id}  (cycle)")
            return
        if node_id in shown:
            out.append(f"{pad}{node_id}  (see above)")
            return
        shown.add(node_id)
        out.append(pad + _line(node))
        indent = "    " * depth + ("   " if depth else "") + "   "
        if node.evidence:
            out.append(f"{indent}evidence: {node.evidence}")
        if node.not_inherited:
            out.append(f"{indent}not inherited: {node.not_inherited}")
        if node.policies:
            out.append(f"{indent}policies: {', '.join(node.policies)}")
        if node.structure is not None:
            out.extend(f"{indent}{line}" for line in _structure_lines(node))
        for parent in node.parents:
            walk(parent, depth + 1, (*on_path, node_id))

    walk(lineage.model.id, 0, ())
    out.append("")
    out.append("Licences that bind: " + (", ".join(lineage.licences) or "none determined"))
    if lineage.findings:
        out.append("")
        out.append("Findings:")
        for f in lineage.findings:
            out.append(f"  {f.severity}: {f.id}: {f.message}")
    return "\n".join(out)
