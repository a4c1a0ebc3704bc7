"""`--format cyclonedx`: a CycloneDX 1.6 ML-BOM in JSON (docs/formats.md section 7).

Plain JSON built here (no runtime dependency on cyclonedx-python-lib; the tests validate it
with that library). Each checked model is a `machine-learning-model` component; its bases
nest under `pedigree.ancestors`. Licences carry `license.id` only for real SPDX ids;
model licences (Llama, Gemma, ...) are not on the SPDX list and go in as `name` plus `url`.
Per licence: `acknowledgement: declared` for what the model's metadata says, `concluded`
for what licheck determined binds it (its own licence and every inherited one).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any
from urllib.parse import quote

from licheck.formats._common import summary_line
from licheck.hubid import is_hub_id
from licheck.model import Lineage, LineageNode
from licheck.report import ModelReport, Report, jsonable, sort_findings

SPEC_VERSION = "1.6"
SCHEMA_URI = "http://cyclonedx.org/schema/bom-1.6.schema.json"
# licheck licence id -> SPDX id, only where the licence IS that SPDX licence.
SPDX_IDS: dict[str, str] = {
    "apache-2.0": "Apache-2.0",
    "mit": "MIT",
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-nc-4.0": "CC-BY-NC-4.0",
}
_HUB_SOURCES = ("hub", "cache", "catalogue")
_SHA = re.compile(r"^[0-9a-fA-F]{40}$")


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": f"licheck:{name}", "value": value if isinstance(value, str) else json.dumps(jsonable(value))}


def licence_entry(report: Report, spelling: str, acknowledgement: str) -> dict[str, Any]:
    """A `licenses[]` item: SPDX id when there is one, else the licence's name and URL."""
    lic_id = spelling if report.licence(spelling) else None
    if lic_id is None:
        lic_id = report.corpus.lookup(spelling)
    body: dict[str, Any]
    if lic_id in SPDX_IDS:
        body = {"id": SPDX_IDS[lic_id]}
    else:
        lic = report.licence(lic_id)
        body = {"name": lic.name if lic else spelling}
        if lic is not None and lic.url:
            body["url"] = lic.url
    body["acknowledgement"] = acknowledgement
    if lic_id and lic_id not in SPDX_IDS:
        body["properties"] = [_prop("licence_id", lic_id)]
    return {"license": body}


def _ancestor_licences(lineage: Lineage, node: LineageNode) -> list[str]:
    """Sorted licence ids binding `node`: its own and those of every ancestor it reaches,
    but for an ancestor whose licence does not carry down (`not_inherited`: its publisher
    relicensed a model below it), as the lineage decided."""
    found: set[str] = set()
    stack, seen = [node.id], set()
    while stack:
        cur = lineage.node(stack.pop())
        if cur is None or cur.id in seen:
            continue
        seen.add(cur.id)
        if cur is node or cur.binds:
            found.update(cur.licences)
        stack.extend(cur.parents)
    return sorted(found)


def purl(node: LineageNode) -> str | None:
    """`pkg:huggingface/<namespace>/<name>[@<lower-case commit sha>]` for Hub models."""
    if node.source not in _HUB_SOURCES or not is_hub_id(node.id, namespaced=True):
        return None
    namespace, name = node.id.split("/", 1)
    out = f"pkg:huggingface/{quote(namespace, safe='')}/{quote(name, safe='')}"
    if node.revision and _SHA.match(node.revision):
        out += "@" + node.revision.lower()
    return out


class _Builder:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.dependencies: list[dict[str, Any]] = []

    def component(self, lineage: Lineage, node: LineageNode, prefix: str,
                  expanded: set[str], top: ModelReport | None = None) -> dict[str, Any]:
        ref = f"{prefix}:{node.id}"
        first = node.id not in expanded
        comp: dict[str, Any] = {"type": "machine-learning-model"}
        if first:
            comp["bom-ref"] = ref
            expanded.add(node.id)
        if is_hub_id(node.id, namespaced=True):   # a Hub id: its namespace is the group, as in the purl
            group, name = node.id.split("/", 1)
            comp["group"], comp["name"] = group, name
        elif top is not None and top.display_name and node is lineage.nodes[0]:
            comp["name"] = top.display_name   # your own card: the model's name, not its folder
        else:
            comp["name"] = node.id
        if node.revision:  # a commit sha is lower-cased, as in the purl
            comp["version"] = node.revision.lower() if _SHA.match(node.revision) else node.revision
        if node.publisher:
            comp["publisher"] = node.publisher
        licences = [licence_entry(self.report, lid, "concluded") for lid in _ancestor_licences(lineage, node)]
        if node.declared_licence:
            licences.append(licence_entry(self.report, node.declared_licence, "declared"))
        if licences:
            comp["licenses"] = licences
        p = purl(node)
        if p:
            comp["purl"] = p
            comp["externalReferences"] = [
                {"type": "distribution", "url": f"https://huggingface.co/{node.id}"},
                {"type": "model-card", "url": f"https://huggingface.co/{node.id}/blob/main/README.md"},
            ]
        props = [_prop("relation", node.relation), _prop("source", node.source)]
        if node.evidence:
            props.append(_prop("evidence", node.evidence))
        if node.origin:
            props.append(_prop("origin", node.origin))
        if node.release_date:
            props.append(_prop("release_date", node.release_date))
        if node.not_inherited:
            props.append(_prop("not_inherited", node.not_inherited))
        if not node.resolved:
            props.append(_prop("unresolved", "lineage could not be followed here; not checked"))
        elif node.licence is None:
            props.append(_prop("licence_unknown", "no licence could be determined; not checked"))
        if not first:
            props.append(_prop("see", ref))   # a shared ancestor, described in full above
        if top is not None:
            props += self.verdict(top)
        comp["properties"] = props
        if node.modalities:
            comp["modelCard"] = {"properties": [_prop("modalities", ",".join(node.modalities))]}
        if first and node.parents:
            ancestors = []
            for parent_id in node.parents:
                parent = lineage.node(parent_id) or LineageNode(id=parent_id)
                ancestors.append(self.component(lineage, parent, prefix, expanded))
            relations = ", ".join(f"{node.relation} of {pid}" for pid in node.parents)
            comp["pedigree"] = {"ancestors": ancestors, "notes": f"{node.id}: {relations}"}
            if node.relation == "adapter":  # an adapter needs its base's weights to run
                self.dependencies.append({"ref": ref, "dependsOn": [f"{prefix}:{pid}" for pid in node.parents]})
        return comp

    def verdict(self, model: ModelReport) -> list[dict[str, str]]:
        findings = sort_findings(model.findings)
        props = [_prop("ref", model.ref)]
        if model.location is not None:
            props.append(_prop("location", model.location.to_json()))
        props.append(_prop("binding_licences", ", ".join(model.licences)))
        props += [_prop("finding", f"{f.severity}{' (waived)' if f.waived else ''} {f.id}: {f.message}")
                  for f in findings]
        return props


def build(report: Report) -> dict[str, Any]:
    builder = _Builder(report)
    components = []
    for i, model in enumerate(report.models):
        comp = builder.component(model.lineage, model.lineage.nodes[0], f"model-{i + 1}", set(), model)
        components.append(comp)
        # Every top-level component appears in `dependencies` (its adapter edges are added above).
        if not any(d["ref"] == comp["bom-ref"] for d in builder.dependencies):
            builder.dependencies.append({"ref": comp["bom-ref"], "dependsOn": []})
    timestamp = jsonable(report.generated_at)
    content = json.dumps([report.to_json()["models"], timestamp], sort_keys=True)
    serial = uuid.uuid5(uuid.NAMESPACE_URL, "licheck:" + hashlib.sha256(content.encode()).hexdigest())
    metadata: dict[str, Any] = {
        "timestamp": timestamp,
        "tools": {"components": [{"type": "application", "name": "licheck",
                                  "version": report.licheck_version}]},
        "properties": [_prop("context", report.context), _prop("summary", summary_line(report)),
                       _prop("data_versions", report.data_versions)]
                      + [_prop("note", n) for n in report.notes],
    }
    return {
        "$schema": SCHEMA_URI,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": serial.urn,
        "version": 1,
        "metadata": metadata,
        "components": components,
        "dependencies": builder.dependencies,
    }


def render(report: Report, *, color: bool = False) -> str:
    return json.dumps(build(report), indent=2) + "\n"
