"""The finding kinds: one record per kind, and the conditions rules are triggered by.

Everything licheck knows about a kind is here, once: its name (the stable vocabulary of
docs/contract.md, section 3), its default severity, the words reports use (title, meaning,
generic advice) and, for the kinds a rule file may carry, the parameters such a rule takes.
The checker that evaluates a rule of each kind is attached in `licheck.rules.checkers`
(this module sits at the bottom of the layers and imports nothing above the vocabulary).

Also here: `TRIGGERS`, the conditions of `triggered_by` / `only_if`, each with the context
field it reads. What `--fail-on` accepts is in `licheck.severity` (the config reads it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from licheck.schema import Field, Schema
from licheck.severity import SEVERITIES, Severity


@dataclass(frozen=True)
class Kind:
    """One finding kind."""

    name: str
    severity: Severity                 # the default; a rule or a producer may say otherwise
    title: str                         # a heading for reports
    meaning: str                       # what a finding of this kind says, in one or two sentences
    advice: str                        # generic advice, when a finding brings none of its own
    params: Mapping[str, Field] = field(default_factory=dict)   # a rule of this kind: its keys
    from_rules: bool = False           # rule files may carry it (else licheck itself produces it)
    strict: bool = False               # `--strict` raises it to error (something left unchecked)


class Trigger(NamedTuple):
    """A condition a rule can be relevant under, and the context field that answers it."""

    name: str
    description: str
    context_field: str                 # "use.commercial"; a non-boolean field counts when given


_STR = (str,)
_NUM = (int, float)
# When a user cap is measured: the calendar month before the version's release date; the largest
# figure at any time; or the current figure ("has more than": the latest month given).
MEASURED_AT = ("month_before_release", "any_time", "current")
UNKNOWN_MODALITIES = ("warn", "assume_multimodal", "skip")
DERIVED_FROM = ("materials", "outputs")
# What an output-training ban covers: any AI model; a kind of model (licheck cannot tell what the
# user trains, so the model is taken to be of that kind and the finding says so); or a model that
# competes (a question of fact licheck cannot answer: a warning to review).
TARGET_SCOPES = ("any_ai_model", "large_language_model", "foundational_or_general_purpose",
                 "competing_with_licensor", "competing_with_model")
# A jurisdiction rule either takes the whole licence away in a region (Hunyuan's Territory) or is
# one clause that excludes deployers there (the Llama 3.2+ AUP's multimodal clause).
JURISDICTION_SCOPES = ("whole_licence", "clause")
# The figures a duty that switches on at scale compares (any one above its value triggers it).
SCALE_FIGURES = ("monthly_active_users", "monthly_revenue_usd", "annual_recurring_revenue_usd")

_FIGURE = Field(_NUM, minimum=1)
SCALE_TRIGGER = Schema("a scale_trigger", {
    "monthly_active_users": _FIGURE,            # above this many users ...
    "monthly_revenue_usd": _FIGURE,             # ... or this revenue in a month ...
    "annual_recurring_revenue_usd": _FIGURE,    # ... or this annual recurring revenue
    "counted_over": Field(_STR, required=True, nonempty=True),   # whose figures, in the licence's words
    "measured": Field(_STR, required=True, choices=("continuous",)),   # at any time (no snapshot)
})

_CAP_ADVICE = "Obtain a licence from the licensor before this use, or use a model whose licence has no such cap."

_KINDS = (
    Kind("mau_cap", Severity.ERROR,
         "Monthly active users above the licence's cap",
         "The deployment's monthly active users exceed the cap in the licence.",
         _CAP_ADVICE,
         params={
             "threshold": Field((int,), required=True),      # monthly active users
             "measured_at": Field(_STR, required=True, choices=MEASURED_AT),
             "release_date": Field(_STR),            # YYYY-MM-DD; required for month_before_release
             "counted_over": Field(_STR, required=True),   # whose users count, in the licence's terms
         }, from_rules=True),
    Kind("revenue_cap", Severity.ERROR,
         "Revenue above the licence's cap",
         "The organisation's revenue exceeds the cap in the licence.",
         _CAP_ADVICE,
         params={
             "threshold_usd": Field(_NUM, required=True),
             "period": Field(_STR, required=True, choices=("annual", "monthly")),
             "counted_over": Field(_STR, required=True),
             "inclusive": Field((bool,)),    # reached AT the threshold ("or more"), not only above
             # the severity for a non-commercial user when the cap ends every licence, the
             # non-commercial one too (absent: the rule's conditions decide alone)
             "non_commercial_severity": Field(_STR, choices=SEVERITIES),
         }, from_rules=True),
    Kind("non_commercial", Severity.ERROR,
         "Non-commercial licence in a commercial deployment",
         "The licence forbids commercial use, and the declared deployment is commercial.",
         "Use the model only non-commercially, obtain a commercial licence from the licensor, or choose "
         "another model.",
         params={
             "permitted_use": Field(_STR, required=True),
             # the licence's own words that make evaluation non-commercial ("for research or
             # evaluation purposes only"): a commercial user only evaluating gets a warning
             "evaluation_carve_out": Field(_STR, nonempty=True),
         }, from_rules=True),
    Kind("non_production", Severity.ERROR,
         "Research or evaluation licence in production",
         "The licence allows research or evaluation only, and the declared deployment is production.",
         "Restrict the model to research or evaluation, obtain a licence for production use, or choose "
         "another model.",
         params={"permitted_use": Field(_STR, required=True)}, from_rules=True),
    Kind("output_training", Severity.ERROR,
         "Outputs used to train other models",
         "The licence restricts using the model's outputs to create, train or improve other AI models, "
         "and the deployment declares that it does so.",
         "Stop using the outputs for training other models, or confirm with the licensor that this use "
         "is allowed.",
         params={
             "restricted_target": Field(_STR, required=True),   # what may not be trained/improved
             "target_scope": Field(_STR, choices=TARGET_SCOPES),   # default any_ai_model
             "excluding": Field(_STR),                          # what the licence carves out
         }, from_rules=True),
    Kind("naming", Severity.ERROR,
         "Derived model name breaks the licence's naming rule",
         "The licence says how a model derived from it must be named, and the declared name does not "
         "comply.",
         "Rename the derived model as the quoted clause requires before distributing or making it "
         "available.",
         params={
             "prefix": Field(_STR, required=True, nonempty=True),
             "derived_from": Field((list,), required=True, items=str, min_items=1),
         }, from_rules=True),
    Kind("attribution", Severity.OBLIGATION,
         "Attribution the licence requires",
         "Obligation: the licence requires a display or credit (for example \"Built with ...\").",
         "Display the credit the quoted clause requires where it requires it.",
         params={
             "display_text": Field((list,), required=True, items=str, nonempty=True, min_items=1),   # any one of them
             "where": Field(_STR),
             "scale_trigger": Field((dict,), schema=SCALE_TRIGGER),   # absent: whenever the conditions hold
             # `multimodal`: only when a model carrying the licence is multimodal, as a licence
             # defines the models the duty is for (NVIDIA 1.1: a Cosmos Model is "a multimodal
             # Model shared under this Agreement"); unknown modalities are a warning
             "models": Field(_STR, choices=("multimodal", "all")),
         }, from_rules=True),
    Kind("notice", Severity.OBLIGATION,
         "Licence copy or notice to ship",
         "Obligation: when distributing, the licence requires shipping its text or a notice file.",
         "Ship a copy of the licence and the required notice with every copy you distribute.",
         params={
             "notice_text": Field(_STR),                     # text the Notice file must contain
             "requirements": Field((list,), items=str),      # a copy of the licence, modified-file notices
         }, from_rules=True),
    Kind("acceptable_use", Severity.ERROR,
         "Use prohibited by the acceptable-use policy",
         "A declared purpose or sector falls under a use the licence's acceptable-use policy prohibits.",
         "Do not deploy the model for the prohibited use; have legal review the purpose against the policy.",
         params={
             "uses": Field((list,), items=str),              # use ids (vocabularies/uses.yml) matched against use.purposes
             "sectors": Field((list,), items=str),           # sector ids (vocabularies/sectors.yml) matched against sectors
             "sector_severity": Field(_STR, choices=SEVERITIES),
         }, from_rules=True),
    Kind("jurisdiction", Severity.ERROR,
         "Geographic exclusion applies",
         "The licence excludes deployers in the organisation's jurisdiction for this model.",
         "Do not use the model as declared; seek the licensor's permission or choose another model.",
         params={
             # "EU" (its member states) or ISO 3166-1 alpha-2 codes (checked by the rule loader)
             "excluded_regions": Field((list,), required=True, items=str, nonempty=True, min_items=1),
             "scope": Field(_STR, choices=JURISDICTION_SCOPES),   # default clause
             "covers_outputs": Field((bool,)),   # using or displaying outputs there is excluded too
             "models": Field(_STR, required=True, choices=("multimodal", "all")),
             "when_modalities_unknown": Field(_STR, choices=UNKNOWN_MODALITIES),
             "end_user_exception": Field((bool,)),
         }, from_rules=True),
    Kind("hosting", Severity.ERROR,
         "Offering the model as a service needs permission",
         "The licence requires the licensor's permission to offer the model as a hosted service.",
         "Obtain the licensor's written permission before offering the model as a service.",
         from_rules=True),
    Kind("registration", Severity.OBLIGATION,
         "Registration with the licensor required",
         "Obligation: the licence permits this use only after registering with the licensor.",
         "Register with the licensor as the quoted clause says, and keep the confirmation.",
         params={"register_with": Field(_STR, required=True)},   # whom, and where
         from_rules=True),
    Kind("provenance", Severity.WARNING,
         "Provenance needs review",
         "The model's provenance needs review: the organisation's policy asks for one for this "
         "publisher's origin in this sector, or the weights' structure points to a base model "
         "that its metadata does not declare or contradicts.",
         "Have the model's provenance reviewed before use: under your policy for the publisher's "
         "origin, or with the publisher for the base its weights point to."),
    # Info between plainly permissive licences: its producer lowers it (docs/contract.md, section 3).
    Kind("licence_mismatch", Severity.WARNING,
         "Declared licence differs from an inherited licence",
         "A model declares a licence that differs from, or is looser than, a licence it inherits "
         "from its base; a derivative's own label does not remove the base's terms.",
         "Comply with every inherited licence; ask the publisher to correct the declared licence."),
    Kind("licence_unknown", Severity.WARNING,
         "Licence could not be determined",
         "No licence could be determined for a model in the lineage; its terms have not been checked.",
         "Find the model's licence (model card, LICENSE file, publisher) and check it before use.",
         strict=True),
    Kind("unresolved", Severity.WARNING,
         "Lineage could not be followed",
         "A model in the lineage could not be fetched or followed; its licence has not been checked.",
         "Make the model reachable (network, HF_TOKEN for gated repositories, cache) and re-run, "
         "or check it by hand.", strict=True),
    Kind("policy", Severity.ERROR,
         "Licence rejected by the organisation's policy",
         "The organisation's allow or deny list rejects a licence in the lineage.",
         "Choose a model with an allowed licence, or change the policy with the approval it requires."),
    Kind("waiver", Severity.WARNING,
         "Waiver expired or unused",
         "A waiver has expired (the finding it covered is reported again) or matched no finding.",
         "Renew the waiver with a new approval and expiry date, or remove it."),
    # A licence change upstream is raised to error by its producer (`lock --check`).
    Kind("drift", Severity.WARNING,
         "Upstream changed since the lock",
         "Something the lock file recorded (licence, LICENSE text, base model, revision, availability) "
         "has changed upstream since the lock was written.",
         "Review the change; once accepted, update the lock file."),
)

KINDS: Mapping[str, Kind] = MappingProxyType({k.name: k for k in _KINDS})
RULE_KINDS: tuple[str, ...] = tuple(k.name for k in _KINDS if k.from_rules)


def get(name: str) -> Kind:
    """The kind called `name`; KeyError for a name that is not a kind."""
    return KINDS[name]


def default_severity(name: str) -> Severity:
    return KINDS[name].severity


TRIGGERS: Mapping[str, Trigger] = MappingProxyType({t.name: t for t in (
    Trigger("distributes_weights", "you ship the model's (or a derivative's) weights to third parties",
            "use.distributes_weights"),
    Trigger("offered_as_service", "you offer the model itself to third parties as an API or managed service",
            "use.offered_as_service"),
    Trigger("derived_model_distributed",
            "you distribute or make available a model derived from it (derived_model_name is set)",
            "use.derived_model_name"),
    Trigger("trains_on_outputs", "you use its outputs to create, train or improve another AI model",
            "use.trains_on_outputs"),
    Trigger("commercial", "the use is commercial", "use.commercial"),
    Trigger("production", "the deployment is in production (not research or evaluation only)",
            "use.production"),
)})

SEVERITY_NAMES: tuple[str, ...] = SEVERITIES   # lowest first, as `levels:` in a config takes them

# Finding ids `--strict` raises to error beside the `strict` kinds: structure pointing to a
# restrictive base that nothing declares.
STRICT_FINDINGS = frozenset({"fingerprint/undeclared-base"})

# Finding ids licheck produces itself (not from a rule file), and when: `licheck explain ID`.
BUILTIN_FINDINGS: dict[str, tuple[str, str]] = {
    "lineage/unresolved": ("unresolved", "A model or an ancestor could not be followed: not found on "
                           "the Hub (for a model you named, an error with the nearest known id), gated, "
                           "offline and not cached, the Hub down, the run's deadline passed, a cycle, or "
                           "deeper than 16 levels."),
    "lineage/licence_mismatch": ("licence_mismatch", "A model declares a licence other than one it "
                                 "inherits from an ancestor, or none. Both bind its users. On a model "
                                 "card checked as your own model to publish, declaring another licence "
                                 "is an error."),
    "lineage/licence_unknown": ("licence_unknown", "No licence could be determined for a model in the "
                                "lineage (nothing declared, or a licence id licheck does not know)."),
    "policy/deny": ("policy", "A licence that binds the model is in the context's "
                    "policy.deny_licences."),
    "policy/allow": ("policy", "The context sets policy.allow_licences and a licence that binds the "
                     "model is not in it."),
    "policy/provenance": ("provenance", "The model's publisher is in a country of "
                          "policy.review_origins and the context names a sensitive sector."),
    "waiver/expired": ("waiver", "A waiver's expires date has passed: it waives nothing, and the "
                       "finding it covered is reported again."),
    "waiver/unused": ("waiver", "A waiver matched no finding of the run: its rule, kind or model glob "
                      "is wrong, or what it waived is gone."),
    "card/no-base-model": ("unresolved", "A model card declares no base_model, so the licences it may "
                           "inherit cannot be checked."),
    "fingerprint/undeclared-base": ("provenance", "A model declares no base model, but its weights' "
                                    "structure (config, tokenizer, tensor shapes) matches a base "
                                    "under a restrictive licence (an error with --strict)."),
    "fingerprint/base-contradicted": ("provenance", "A model declares a base model, but its weights' "
                                      "structure matches another base: the declared lineage may be "
                                      "wrong."),
    "drift/licence-changed": ("drift", "`lock --check`: a model's declared licence changed upstream "
                              "since the lock (an error)."),
    "drift/licence-text-changed": ("drift", "`lock --check`: the text of a model's licence file "
                                   "changed upstream since the lock (an error)."),
    "drift/base-changed": ("drift", "`lock --check`: a model's base models changed upstream since "
                           "the lock."),
    "drift/revision-moved": ("drift", "`lock --check`: the revision a model was locked at moved "
                             "upstream to another commit."),
    "drift/gone": ("drift", "`lock --check`: a locked model is gone from the Hub."),
    "drift/gated": ("drift", "`lock --check`: a locked model is now gated on the Hub."),
    "drift/source-changed": ("drift", "`lock --check`: a model locked from one source is now read "
                             "from another."),
    "drift/lock-stale": ("drift", "The manifest names a model its licheck.lock does not hold (new, "
                         "or its reference changed): run `licheck lock --update` (with --locked, an "
                         "input error)."),
    "lock/unchecked": ("unresolved", "`lock --check` could not check a locked model for drift (the "
                       "Hub did not answer)."),
    "litellm/unidentified-model": ("unresolved", "A LiteLLM proxy entry names a model licheck cannot "
                                   "tie to an open-weight model id."),
}
