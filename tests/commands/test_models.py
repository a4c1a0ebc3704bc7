"""`licheck models`: the catalogue under a context, with the verdicts `check` gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cmd_helpers import FIXTURES, GOLDEN, catalogue_env, no_traceback, run
from envs import run_check

from licheck.catalogue import CatalogueEntry
from licheck.models_query import check_query, derive_tasks, evaluate_models, preselect, verdicts


def models_json(*args: str) -> dict:
    code, out, err = run("models", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_same_verdicts_as_check(work: Path) -> None:
    """One evaluator: each model's blocking rule ids are exactly the errors `check` reports."""
    doc = models_json("--context", str(FIXTURES / "distributes.yaml"))
    assert doc["summary"]["models"] == len(catalogue_env().catalogue)
    sample = [m for m in doc["models"] if m["verdict"] == "blocked"][:5] + \
             [m for m in doc["models"] if m["verdict"] != "blocked"][:5]
    report = run_check([m["id"] for m in sample], context_path=str(FIXTURES / "distributes.yaml"),
                       offline=True).to_json()
    for model in sample:
        found = [f for f in report["findings"] if f["model"] == model["id"] and not f["waived"]]
        assert model["blocked_by"] == sorted({f["id"] for f in found if f["severity"] == "error"})
        assert [o["id"] for o in model["obligations"]] == sorted(
            {f["id"] for f in found if f["severity"] == "obligation"})


def test_verdicts_follow_the_context(work: Path) -> None:
    internal = {m["id"]: m for m in models_json("--context", str(FIXTURES / "internal.yaml"))["models"]}
    dist = {m["id"]: m for m in models_json("--context", str(FIXTURES / "distributes.yaml"))["models"]}
    llama = "meta-llama/Llama-3.1-8B-Instruct"
    assert [o["id"] for o in internal[llama]["obligations"]] == ["llama3.1/attribution"]
    assert {o["id"] for o in dist[llama]["obligations"]} == {"llama3.1/attribution", "llama3.1/notice"}
    # a research licence is blocked in commercial production, whatever is distributed
    assert internal["mistralai/Pixtral-Large-Instruct-2411"]["verdict"] == "blocked"
    assert "mrl/non-commercial" in internal["mistralai/Pixtral-Large-Instruct-2411"]["blocked_by"]
    # "Llama-Acme-8B" is a fine name for Llama 3.1 but not for Meta Llama 3 ("Llama 3" prefix)
    assert dist["meta-llama/Meta-Llama-3-8B-Instruct"]["blocked_by"] == ["llama3/naming"]
    assert "naming" not in json.dumps(dist[llama]["blocked_by"])


def test_filters(work: Path) -> None:
    meta = models_json("--publisher", "meta", "--modality", "image")["models"]
    assert meta and all(m["publisher"] == "Meta" and "image" in m["modalities"] for m in meta)
    cn = models_json("--origin", "cn", "--licence", "apache-2.0")["models"]
    assert cn and all(m["origin"] == "CN" and "apache-2.0" in m["licences"] for m in cn)
    both = models_json("--publisher", "Meta", "--publisher", "Google")["models"]
    assert {m["publisher"] for m in both} == {"Meta", "Google"}
    images = models_json("--task", "image-generation")
    assert {m["id"].split("/")[0] for m in images["models"]} == {"CompVis", "runwayml", "stabilityai"}
    unclassified = {m["id"] for m in models_json()["models"] if not m["tasks"]}
    assert images["left_out_without_task"] == len(unclassified)
    assert "nvidia/Cosmos-1.0-Diffusion-7B-Text2World" in unclassified   # video, not images


def test_sort(work: Path) -> None:
    by_verdict = [m["verdict"] for m in models_json("--sort", "verdict")["models"]]
    order = ["usable", "obligations", "review", "blocked"]
    assert by_verdict == sorted(by_verdict, key=order.index)
    dates = [m["release_date"] for m in models_json("--sort", "release")["models"]]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True) and dates[: len(known)] == known


@pytest.mark.parametrize(("args", "message"), [
    (["--task", "vison"], "unknown task 'vison'; did you mean 'vision'?"),
    (["--modality", "images"], "did you mean 'image'?"),
    (["--publisher", "Mata"], "did you mean 'Meta'?"),
    (["--origin", "XX"], "unknown publisher country 'XX'"),
    (["--licence", "lama3.1"], "did you mean 'llama3.1'?"),
    (["--sort", "date"], "unknown sort key 'date'"),
    (["--context", "missing.yaml"], "missing.yaml: context file not found"),
])
def test_unknown_values_exit_2_with_a_suggestion(work: Path, args: list[str], message: str) -> None:
    code, out, err = run("models", *args)
    assert code == 2 and message in err and not out
    no_traceback(err)


def test_bad_context_exits_2(work: Path) -> None:
    (work / "ctx.yaml").write_text("use:\n  comercial: true\n", encoding="utf-8")
    code, _o, err = run("models", "--context", "ctx.yaml")
    assert code == 2 and "ctx.yaml:2: unknown key 'use.comercial'" in err
    no_traceback(err)


def test_tasks_are_derived_conservatively() -> None:
    """Only a word of the name that names the task; modalities alone never classify."""
    def entry(mid: str, *mods: str, tasks: tuple[str, ...] = ()) -> CatalogueEntry:
        return CatalogueEntry(id=mid, publisher=None, origin=None, licence=None, modalities=mods,
                              release_date=None, tasks=tasks)

    assert derive_tasks(entry("a/chat", "text")) == ((), None)           # generate? embed? rerank?
    assert derive_tasks(entry("intfloat/e5-mistral-7b-instruct", "text")) == ((), None)
    assert derive_tasks(entry("a/vlm", "text", "image")) == ((), None)
    assert derive_tasks(entry("a/omni", "text", "image", "audio")) == ((), None)
    assert derive_tasks(entry("a/bge-embed", "text")) == (("embeddings",), "name")
    assert derive_tasks(entry("a/nomic-embed-vision-v1", "text", "image")) == (("embeddings",), "name")
    assert derive_tasks(entry("a/stable-diffusion-x", "text", "image")) == (("image-generation",), "name")
    assert derive_tasks(entry("a/Stable-Diffusion-Video", "text", "image", "video")) == ((), None)
    assert derive_tasks(entry("a/Cosmos-Diffusion", "text", "video")) == ((), None)
    assert derive_tasks(entry("a/whisper-small", "audio", "text")) == (("speech",), "name")
    assert derive_tasks(entry("a/whisper-notes", "text")) == ((), None)   # the name and the data disagree
    assert derive_tasks(entry("a/Qwen2-VL-7B", "text", "image")) == (("vision",), "name")
    assert derive_tasks(entry("a/Llama-3.2-11B-Vision", "text", "image")) == (("vision",), "name")
    assert derive_tasks(entry("a/llava-onevision-7b", "text", "image")) == ((), None)
    # the catalogue's own `tasks:` win over the name
    assert derive_tasks(entry("a/bge-embed", "text", tasks=("text-generation",))) == (
        ("text-generation",), "catalogue")


def test_catalogue_tasks_classify_and_unknown_tasks_are_refused(work: Path) -> None:
    models_dir = work / "our-catalogue" / "models"
    models_dir.mkdir(parents=True)
    (models_dir / "acme.yml").write_text(
        "models:\n  - {id: acme/acme-chat-8b, licence: apache-2.0, modalities: [text], publisher: Acme,\n"
        "     origin: FR, tasks: [text-generation]}\n"
        "  - {id: acme/acme-thing, licence: apache-2.0, modalities: [text], publisher: Acme, origin: FR}\n",
        encoding="utf-8")
    (work / ".licheck.yaml").write_text("extra_catalogue: [our-catalogue]\n", encoding="utf-8")
    doc = models_json("--publisher", "Acme", "--task", "text-generation")
    (chat,) = doc["models"]
    assert chat["id"] == "acme/acme-chat-8b" and chat["tasks"] == ["text-generation"]
    assert chat["task_source"] == "catalogue" and doc["left_out_without_task"] == 1
    code, out, _err = run("models", "--publisher", "Acme")
    assert code == 0 and "task: not classified" in out
    (models_dir / "acme.yml").write_text(
        "models:\n  - {id: acme/acme-chat-8b, licence: apache-2.0, modalities: [text],\n"
        "     tasks: [text-generaton]}\n", encoding="utf-8")
    code, out, err = run("models")
    assert code == 2 and not out
    assert "acme.yml:3: model 'acme/acme-chat-8b': unknown task 'text-generaton' (did you mean " \
           "'text-generation'?)" in err
    no_traceback(err)

def test_in_process_query_and_golden(work: Path) -> None:
    env = catalogue_env()
    entries = env.catalogue.entries()
    query = check_query(entries, env.corpus, tasks=["vision"], sort="verdict")
    chosen, untasked = preselect(entries, query)
    items = verdicts(chosen, evaluate_models(env, [e.id for e in chosen], context_path=None), query)
    assert items and all("vision" in v.tasks for v in items)
    assert untasked == sum(1 for e in entries if derive_tasks(e) == ((), None)) > 0
    code, out, _err = run("models", "--task", "vision", "--sort", "verdict", "--format", "markdown")
    assert code == 0 and out == (GOLDEN / "models-vision-by-verdict.md").read_text(encoding="utf-8")
    code, out, _err = run("models", "--context", str(FIXTURES / "internal.yaml"), "--origin", "FR",
                          "--origin", "GB", "--origin", "CA", "--sort", "verdict")
    assert code == 0 and out == (GOLDEN / "models-internal.txt").read_text(encoding="utf-8")


def test_config_context_and_extra_catalogue(work: Path) -> None:
    """As in `check`: the config's context applies without --context, and its catalogue
    folders add models."""
    models_dir = work / "our-catalogue" / "models"
    models_dir.mkdir(parents=True)
    (models_dir / "acme.yml").write_text(
        "models:\n  - {id: acme/acme-chat-8b, licence: llama3.1, modalities: [text], publisher: Acme, origin: FR,\n"
        "     parents: [{id: meta-llama/Llama-3.1-8B-Instruct, relation: finetune}]}\n", encoding="utf-8")
    (work / ".licheck.yaml").write_text(
        "extra_catalogue: [our-catalogue]\n"
        "context: {use: {distributes_weights: true, derived_model_name: AcmeChat}}\n", encoding="utf-8")
    doc = models_json("--publisher", "Acme")
    (acme,) = doc["models"]
    assert acme["id"] == "acme/acme-chat-8b" and acme["verdict"] == "blocked"
    assert acme["blocked_by"] == ["llama3.1/naming"]   # the config's derived_model_name
    assert doc["context"]["use"]["distributes_weights"] is True
    code, _o, err = run("models", "--config", "missing.yaml")
    assert code == 2 and "missing.yaml" in err


def test_an_unwaived_warning_needs_review_never_usable(work: Path) -> None:
    """A check that could not be made is not a pass: the model needs review until the context
    answers it or a waiver accepts it."""
    vision = "meta-llama/Llama-3.2-11B-Vision"
    (work / "no-country.yaml").write_text("use: {offered_as_service: true}\n", encoding="utf-8")
    (model,) = [m for m in models_json("--context", "no-country.yaml", "--publisher", "Meta")["models"]
                if m["id"] == vision]
    assert model["verdict"] == "review" and model["blocked_by"] == []
    assert [r["id"] for r in model["review"]] == ["llama3.2-aup/eu-multimodal"]
    code, out, _err = run("models", "--context", "no-country.yaml", "--publisher", "Meta")
    assert code == 0 and f"needs review             {vision}\n" in out
    # the context answers it: a US organisation is outside the EU exclusion
    (work / "us.yaml").write_text("organisation: {country: US}\nuse: {offered_as_service: true}\n",
                                  encoding="utf-8")
    (model,) = [m for m in models_json("--context", "us.yaml", "--publisher", "Meta")["models"]
                if m["id"] == vision]
    assert model["verdict"] == "obligations" and model["review"] == []
    # or a waiver accepts it: then the remaining obligations decide
    (work / ".licheck.yaml").write_text(
        "waivers:\n  - {rule: llama3.2-aup/eu-multimodal, model: 'meta-llama/*', reason: US only,\n"
        "     approved_by: legal, expires: 2099-01-01}\n", encoding="utf-8")
    (model,) = [m for m in models_json("--context", "no-country.yaml", "--publisher", "Meta")["models"]
                if m["id"] == vision]
    assert model["verdict"] == "obligations" and model["review"] == []
