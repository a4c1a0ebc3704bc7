"""A LiteLLM proxy `config.yaml` as a target (docs/formats.md section 3).

Only `model_list[].litellm_params.model` says which model serves a route (`model_name` is
an alias). Open-weight models you run yourself are checked:

* `huggingface/<org>/<name>` and `huggingface/<provider>/<org>/<name>` (the Hub id);
* `ollama/<name>` and `ollama_chat/<name>` (an Ollama model);
* `hosted_vllm/<id>`, `vllm/<id>` (vLLM serves a Hub id or a path);
* `openai/<name>` (and the other OpenAI-compatible prefixes) **with `api_base`**: a
  self-hosted OpenAI-compatible server (vLLM, TGI, llama.cpp, LM Studio), whose served name
  is checked when it is a Hub id.

Hosted API models (`gpt-4o`, `anthropic/...`, `gemini/...`, `bedrock/...`, `openai/...`
without `api_base`, ...) are not open weights you operate: they are left out, with a note in
the report. A self-hosted entry whose model cannot be identified (a dedicated endpoint URL, an
alias, an `os.environ/` reference) is an `unresolved` warning, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from licheck.errors import ConfigError, InputError
from licheck.model import Finding, Location, ModelRef, Severity
from licheck.refs import hub_ref, parse_ref
from licheck.targets.base import ModelEntry, Target
from licheck.yamlload import line_of

SELF_HOSTED = ("huggingface", "ollama", "ollama_chat", "hosted_vllm", "vllm")
# OpenAI-compatible clients: a self-hosted server when `api_base` is set, else the vendor's API.
OPENAI_COMPATIBLE = ("openai", "text-completion-openai", "openai_like", "lm_studio", "llamafile")
_LOCAL_ONLY = ("lm_studio", "llamafile")   # these never reach a vendor API


def is_litellm_config(data: Any) -> bool:
    return isinstance(data, Mapping) and "model_list" in data


def read_litellm_config(data: Any, path: str) -> Target:
    target = Target(kind="litellm", path=path)
    models = data.get("model_list")
    if models is None:
        models = []
    if not isinstance(models, list):
        raise ConfigError("'model_list' must be a list", path=path, line=line_of(data, "model_list"))
    hosted: list[str] = []
    for index, item in enumerate(models):
        line = line_of(models, index)
        if not isinstance(item, Mapping):
            raise ConfigError("a model_list entry must be a mapping", path=path, line=line)
        params = item.get("litellm_params")
        if not isinstance(params, Mapping):
            raise ConfigError("a model_list entry needs a 'litellm_params' mapping",
                              path=path, line=line)
        model = params.get("model")
        mline = line_of(params, "model") if "model" in params else line_of(item, "litellm_params")
        if not isinstance(model, str) or not model.strip():
            raise ConfigError("'litellm_params.model' must be a non-empty string",
                              path=path, line=mline)
        alias = item.get("model_name")
        location = Location(path, mline)
        outcome = classify(model.strip(), params.get("api_base"))
        if outcome is None:
            hosted.append(model.strip())
        elif isinstance(outcome, ModelRef):
            shown = f"{model.strip()} (route {alias})" if isinstance(alias, str) else model.strip()
            target.entries.append(ModelEntry(ref=outcome, written=shown, location=location))
        else:
            target.findings.append(Finding(
                id="litellm/unidentified-model",
                kind="unresolved",
                severity=Severity.WARNING,
                model=model.strip(),
                message=f"self-hosted model '{model.strip()}' cannot be identified: {outcome}; "
                        f"its licence is not checked",
                how_to_comply="serve the model under its Hub id (org/name), or list it in a "
                              "licheck manifest",
                location=location,
            ))
    if hosted:
        shown = ", ".join(sorted(set(hosted)))
        target.notes.append(f"{path}: {len(hosted)} hosted API model(s) not evaluated (not open "
                            f"weights you operate; the provider's terms apply): {shown}")
    return target


def classify(model: str, api_base: Any) -> ModelRef | str | None:
    """A ref to check, a reason it cannot be identified (str), or None for a hosted API."""

    prefix, sep, rest = model.partition("/")
    if not sep:
        return None   # no provider prefix: LiteLLM sends it to OpenAI (gpt-4o, o1, ...)
    prefix = prefix.lower()
    self_hosted_base = isinstance(api_base, str) and bool(api_base.strip())
    if prefix in OPENAI_COMPATIBLE:
        if not self_hosted_base and prefix not in _LOCAL_ONLY:
            return None
    elif prefix not in SELF_HOSTED:
        return None   # together_ai/, groq/, bedrock/, azure/, vertex_ai/, anthropic/, ...
    if rest.startswith("os.environ/"):
        return "the model name is read from an environment variable"
    if rest.lower().startswith(("http://", "https://")):
        return "a dedicated endpoint URL does not say which model it serves"
    if prefix in ("ollama", "ollama_chat"):
        try:
            return parse_ref(f"ollama:{rest}")
        except InputError as exc:
            return exc.message
    parts = [p for p in rest.split("/") if p]
    if prefix == "huggingface" and len(parts) == 3:
        parts = parts[1:]   # huggingface/<inference provider>/<org>/<name>
    if rest.startswith(("/", "./", "~")):
        return "a path on the serving host is not a model this machine can read"
    if len(parts) == 2:
        try:
            return hub_ref("/".join(parts))
        except InputError as exc:
            return exc.message
    return f"'{rest}' is a served name, not a Hub id (org/name)"
