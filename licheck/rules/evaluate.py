"""Apply the rules of every licence in a lineage to a deployment context.

For each licence a lineage node carries (and each acceptable-use policy that licence
incorporates) the licence's rules run against the context; then the organisation's own
policy (deny / allow lists, provenance review) is applied. A licence with no rule file gives
nothing here: unknown licences are reported by the lineage stage.
"""

from __future__ import annotations

from collections.abc import Mapping

from licheck.context import Context
from licheck.kinds import default_severity
from licheck.licences import Corpus
from licheck.model import Finding, Lineage, LineageNode, Location
from licheck.rules.checkers import Hit, ModelView, applies, facts, fmt_number
from licheck.rules.kinds import RULE_KINDS
from licheck.rules.loader import Rulebook
from licheck.rules.schema import Rule


def evaluate(lineage: Lineage, context: Context, rulebook: Rulebook, *,
             location: Location | None = None) -> list[Finding]:
    """Every finding the licences of `lineage` give for `context` (by the rules of `rulebook`,
    naming licences as its corpus does), then the policy findings; each placed at `location`
    (where the model was named), if given."""
    corpus = rulebook.corpus
    if not lineage.nodes:
        return []
    findings: list[Finding] = []
    answers = facts(context)
    for licence_id, holders in _licences_in(lineage, corpus):
        view = ModelView(model=lineage.nodes[0], holders=tuple(holders))
        via = lineage.path_to(holders[0].id)
        for rule in rulebook.rules_for(licence_id):
            findings.extend(_apply(rule, context, answers, view, via, location))
    findings.extend(policy_findings(lineage, context, corpus, location=location))
    findings.extend(provenance_findings(lineage, context, location=location))
    return findings


def _licences_in(lineage: Lineage, corpus: Corpus) -> list[tuple[str, list[LineageNode]]]:
    """(licence id, nodes carrying it) in lineage order, each licence once; an incorporated
    policy follows the licence that incorporates it and shares its holders, as does a policy the
    publisher attaches to a node (`LineageNode.policies`)."""
    holders: dict[str, list[LineageNode]] = {}
    for node in lineage.nodes:
        if not node.binds:
            continue
        # Every licence the node declares (not the first only), the policies each
        # incorporates, and those the publisher attaches.
        ids: list[str] = []
        for own in node.licences:
            licence = corpus.get(own)
            ids += (own, *(licence.incorporates if licence else ()))
        for lid in (*ids, *node.policies):
            nodes = holders.setdefault(lid, [])
            if node not in nodes:
                nodes.append(node)
    return list(holders.items())


def _model_matches(rule: Rule, view: ModelView) -> bool:
    """`models_matching` narrows a rule to some models of a licence (e.g. NVIDIA Cosmos)."""
    if not rule.models_matching:
        return True
    names = [s.lower() for n in (view.model, *view.holders) for s in (n.id, n.name or "")]
    return any(word in name for word in rule.models_matching for name in names)


def _apply(rule: Rule, ctx: Context, answers: Mapping[str, bool], view: ModelView, via: list[str],
           location: Location | None) -> list[Finding]:
    if not _model_matches(rule, view):
        return []
    trigger_field = applies(rule, answers)
    if trigger_field is None:
        return []
    out = []
    for hit in RULE_KINDS[rule.kind].check(rule, ctx, view):
        out.append(Finding(
            id=rule.id, kind=rule.kind, severity=hit.severity, model=view.model.id,
            message=_message(rule, hit, view), licence=rule.licence, via=list(via),
            clause=rule.clause,
            context_field=hit.context_field or trigger_field or None,
            how_to_comply=hit.how_to_comply or rule.how_to_comply, confidence=rule.confidence,
            location=location,
        ))
    return out


def _message(rule: Rule, hit: Hit, view: ModelView) -> str:
    if hit.replace_message:
        text = hit.replace_message
    else:
        text = rule.message.format_map(_Placeholders(rule, view, hit.fields))
    if hit.note:
        text = f"{text} ({hit.note})"
    return text


class _Placeholders(dict[str, object]):
    """The values a rule's message may name: what the checker found, else the rule's and the
    model's, each worked out only when the message names it."""

    def __init__(self, rule: Rule, view: ModelView, found: Mapping[str, object]) -> None:
        super().__init__(found)
        self.rule, self.view = rule, view

    def __missing__(self, key: str) -> object:
        rule = self.rule
        if key == "licence":
            return rule.licence
        if key == "model":
            return self.view.model.id
        if key == "holder":
            return self.view.holders[0].id
        if key == "display":
            return " or ".join(f'"{t}"' for t in rule.param("display_text", []) or [])
        if key == "threshold":
            return fmt_number(rule.param("threshold") or rule.param("threshold_usd") or 0)
        if key in _RULE_PARAMS:
            return rule.param(_RULE_PARAMS[key], "")
        if key in _FOUND:
            return ""
        raise KeyError(key)


# Placeholders read from the rule's parameters, and those only a checker fills (empty else).
_RULE_PARAMS = {"target": "restricted_target", "prefix": "prefix", "notice": "notice_text",
                "period": "period"}
_FOUND = ("value", "month", "assumption", "name", "matched", "field", "country", "region")


# --- the organisation's policy --------------------------------------------------------------


def _first_holder(lineage: Lineage, licence_id: str) -> LineageNode:
    return next(n for n in lineage.nodes if licence_id in n.licences and n.binds)


def policy_findings(lineage: Lineage, ctx: Context, corpus: Corpus, *,
                    location: Location | None = None) -> list[Finding]:
    """`policy.deny_licences` / `policy.allow_licences` against every licence that binds.

    The lists may use any spelling the corpus knows (an alias of a user's own licence too)."""
    out: list[Finding] = []
    pol = ctx.policy
    deny = {corpus.lookup(w) or w for w in pol.deny_licences}
    allow = None if pol.allow_licences is None else {corpus.lookup(w) or w for w in pol.allow_licences}
    model = lineage.nodes[0].id
    for lid in lineage.licences:
        via = lineage.path_to(_first_holder(lineage, lid).id)
        if lid in deny:
            out.append(Finding(
                id="policy/deny", kind="policy", severity=default_severity("policy"), model=model, licence=lid,
                via=via, message=f"licence '{lid}' is on the organisation's deny list",
                context_field="policy.deny_licences", location=location,
                how_to_comply="Choose a model whose lineage carries no denied licence, or change the policy."))
        elif allow is not None and lid not in allow:
            out.append(Finding(
                id="policy/allow", kind="policy", severity=default_severity("policy"), model=model, licence=lid,
                via=via, message=f"licence '{lid}' is not on the organisation's allow list",
                context_field="policy.allow_licences", location=location,
                how_to_comply="Choose a model whose licences are all allowed, or add this licence to "
                              "policy.allow_licences after review."))
    return out


def provenance_findings(lineage: Lineage, ctx: Context, *,
                        location: Location | None = None) -> list[Finding]:
    """A node published from a `review_origins` country, in a declared sensitive sector."""
    sensitive = [s for s in ctx.sectors if s in ctx.policy.sensitive_sectors]
    if not sensitive:
        return []
    out: list[Finding] = []
    model = lineage.nodes[0].id
    for node in lineage.nodes:
        if node.origin and node.origin.upper() in ctx.policy.review_origins:
            who = f" by {node.publisher}" if node.publisher else ""
            out.append(Finding(
                id="policy/provenance", kind="provenance", severity=default_severity("provenance"), model=model,
                licence=node.licence, via=lineage.path_to(node.id),
                message=(f"'{node.id}' was published{who} from {node.origin.upper()}, a publisher country "
                         f"your policy reviews for the sector(s) {', '.join(sensitive)}"),
                context_field="sectors", location=location,
                how_to_comply="Have the model's provenance reviewed under your policy before use in "
                              "this sector, then record the outcome as a waiver."))
    return out
