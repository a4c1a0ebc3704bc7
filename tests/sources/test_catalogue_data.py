"""The bundled catalogue: validation of user folders, and lookups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.catalogue import _load_folder, default_catalogue, load_catalogue
from licheck.cli import main
from licheck.errors import DataError
from licheck.licences import default_corpus


@pytest.fixture(scope="module")
def cat():
    return default_catalogue()


def _user_dir(tmp_path: Path, models: str | None = None, orgs: str | None = None,
              ollama: str | None = None) -> Path:
    folder = tmp_path / "mycat"
    (folder / "models").mkdir(parents=True)
    if models is not None:
        (folder / "models" / "acme.yml").write_text(models, encoding="utf-8")
    if orgs is not None:
        (folder / "orgs.yml").write_text(orgs, encoding="utf-8")
    if ollama is not None:
        (folder / "ollama.yml").write_text(ollama, encoding="utf-8")
    return folder


# --- validation ---------------------------------------------------------------------------

@pytest.mark.parametrize(("models", "line", "words"), [
    ("models:\n  - id: acme/a\n    licence: apache-2.0\n    modalities: [text]\n    colour: red\n",
     5, "unknown key 'colour'"),
    ("models:\n  - id: acme/a\n    licence: apache-2.0\n    modalities: text\n",
     4, "'modalities' must be a list"),
    ("models:\n  - id: acme/a\n    licence: not-a-licence\n    modalities: [text]\n",
     3, "unknown licence id 'not-a-licence'"),
    ("models:\n  - id: acme/a\n    licence: mit\n    modalities: [text]\n    origin: USA\n",
     5, "'USA' is not an ISO 3166-1 alpha-2"),
    ("models:\n  - id: acme/a\n    licence: mit\n    modalities: [text, smell]\n",
     4, "unknown modality 'smell'"),
    ("models:\n  - id: acme/a\n    licence: mit\n    modalities: [text]\n    release_date: \"2024-13-01\"\n",
     5, "not an ISO date"),
    ("models:\n  - id: acme/a\n    licence: mit\n    modalities: [text]\n"
     "    parents: [{id: acme/b, relation: cousin}]\n", 5, "(got 'cousin')"),
    ("models:\n  - id: not an id\n    licence: mit\n    modalities: [text]\n",
     2, "is not a Hub id"),
    ("models:\n  - id: acme/a\n    modalities: [text]\n", 2, "missing key 'licence'"),
    ("models:\n  - {id: acme/a, licence: mit, modalities: [text]}\n"
     "  - {id: ACME/A, licence: mit, modalities: [text]}\n", 3, "listed twice"),
])
def test_user_model_errors_name_file_and_line(tmp_path, models, line, words):
    folder = _user_dir(tmp_path, models=models)
    with pytest.raises(DataError) as info:
        load_catalogue([folder], licences=default_corpus())
    err = info.value
    assert err.path is not None and err.path.endswith("acme.yml")
    assert err.line == line, str(err)
    assert words in err.message
    assert str(err).startswith(f"{err.path}:{line}: ")


def test_bad_country_in_orgs(tmp_path):
    folder = _user_dir(tmp_path, orgs="orgs:\n  acme: {publisher: Acme, origin: fr}\n")
    with pytest.raises(DataError) as info:
        load_catalogue([folder], licences=default_corpus())
    assert info.value.path.endswith("orgs.yml") and info.value.line == 2
    assert "'fr' is not an ISO 3166-1 alpha-2" in info.value.message


def test_ollama_default_must_be_a_tag(tmp_path):
    folder = _user_dir(tmp_path, ollama="ollama:\n  acme:\n    default: 9b\n    tags:\n      7b: acme/a\n")
    with pytest.raises(DataError) as info:
        load_catalogue([folder], licences=default_corpus())
    assert info.value.line == 3 and "default '9b'" in info.value.message


def test_invalid_yaml_is_reported_with_line(tmp_path):
    folder = _user_dir(tmp_path, models="models:\n  - {id: acme/a, licence: mit\n")
    with pytest.raises(Exception) as info:   # ConfigError from the YAML loader
        load_catalogue([folder], licences=default_corpus())
    assert "acme.yml" in str(info.value)


def test_user_folder_extends_and_overrides(tmp_path, cat):
    folder = _user_dir(
        tmp_path,
        models="models:\n"
               "  - {id: acme/chat-1, licence: mit, modalities: [text], parents: [{id: Qwen/Qwen2.5-7B, relation: finetune}]}\n"
               "  - {id: TinyLlama/TinyLlama-1.1B-Chat-v1.0, licence: null, modalities: [text], notes: overridden}\n",
        orgs="orgs:\n  acme: {publisher: Acme Corp, origin: FR}\n",
        ollama="ollama:\n  acme-chat:\n    default: 1b\n    tags:\n      1b: acme/chat-1\n")
    mine = load_catalogue([folder], licences=default_corpus())
    entry = mine.model("ACME/Chat-1")
    assert entry is not None and entry.publisher == "Acme Corp" and entry.origin == "FR"
    assert entry.parents == (("Qwen/Qwen2.5-7B", "finetune"),)
    assert mine.model("TinyLlama/TinyLlama-1.1B-Chat-v1.0").licence is None
    assert mine.ollama("acme-chat") == "acme/chat-1"
    # the bundled data is still there, and the bundled catalogue is untouched
    assert mine.model("meta-llama/Llama-3.3-70B-Instruct") is not None
    assert cat.model("TinyLlama/TinyLlama-1.1B-Chat-v1.0").licence == "apache-2.0"


def test_missing_user_folder(tmp_path):
    with pytest.raises(DataError):
        load_catalogue([tmp_path / "nope"], licences=default_corpus())


# --- the bundled data -----------------------------------------------------------------------

def test_bundled_licences_exist_and_every_ollama_target_is_listed(cat):
    corpus = default_corpus()
    assert len(cat.entries()) > 100
    for entry in cat.entries():
        assert entry.licence is None or entry.licence in corpus, entry.id
        assert entry.modalities
        for parent, _relation in entry.parents:
            assert cat.model(parent) is not None, f"{entry.id}: parent {parent} not listed"
    for family in cat.ollama_names():
        target = cat.ollama(family)
        if target is not None:
            assert cat.model(target) is not None, family
    for family, body in cat._ollama.items():   # noqa: SLF001 - every tag, not just defaults
        for tag, (hub_id, _notes) in body.tags.items():
            assert cat.model(hub_id) is not None, f"{family}:{tag} -> {hub_id}"


def test_case_insensitive_and_aliases(cat):
    assert cat.model("META-LLAMA/llama-3.3-70b-instruct").id == "meta-llama/Llama-3.3-70B-Instruct"
    assert cat.model("meta-llama/Meta-Llama-3.1-8B-Instruct").id == "meta-llama/Llama-3.1-8B-Instruct"
    # a renamed org: CohereForAI -> CohereLabs
    assert cat.model("CohereLabs/c4ai-command-r-plus").licence == "cc-by-nc-4.0"
    assert cat.model("nobody/nothing") is None
    assert cat.org("QWEN").origin == "CN"
    assert cat.org("coherelabs").publisher.startswith("Cohere")


def test_qwen25_three_licences_by_size(cat):
    assert cat.model("Qwen/Qwen2.5-3B-Instruct").licence == "qwen-research"
    assert cat.model("Qwen/Qwen2.5-7B-Instruct").licence == "apache-2.0"
    assert cat.model("Qwen/Qwen2.5-72B-Instruct").licence == "qwen"
    assert cat.model("Qwen/Qwen2-72B").licence == "tongyi-qianwen"
    assert cat.model("Qwen/Qwen-1_8B").licence == "tongyi-qianwen-research"


def test_tinyllama_is_apache_not_llama(cat):
    entry = cat.model("tinyllama/tinyllama-1.1b-chat-v1.0")
    assert entry.licence == "apache-2.0" and entry.parents == ()
    assert entry.origin == "SG"


def test_llama_modalities_and_dates(cat):
    assert cat.model("meta-llama/Llama-3.2-11B-Vision-Instruct").multimodal
    assert not cat.model("meta-llama/Llama-3.2-3B-Instruct").multimodal
    assert not cat.model("meta-llama/Llama-3.3-70B-Instruct").multimodal
    assert cat.model("meta-llama/Llama-4-Scout-17B-16E-Instruct").multimodal
    entry = cat.model("meta-llama/Llama-3.1-405B-Instruct")
    assert (entry.licence, entry.release_date, entry.publisher, entry.origin) == \
        ("llama3.1", "2024-07-23", "Meta", "US")


def test_deepseek_checkpoints(cat):
    assert cat.model("deepseek-ai/DeepSeek-V3").licence == "deepseek"
    v3_0324 = cat.model("deepseek-ai/DeepSeek-V3-0324")
    assert v3_0324.licence == "mit" and "secondary" in v3_0324.notes
    assert cat.model("deepseek-ai/DeepSeek-R1-Distill-Llama-70B").parents == \
        (("meta-llama/Llama-3.3-70B-Instruct", "finetune"),)
    assert cat.model("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B").parents == \
        (("Qwen/Qwen2.5-Math-7B", "finetune"),)


@pytest.mark.parametrize(("name", "hub_id"), [
    ("llama3.3:70b", "meta-llama/Llama-3.3-70B-Instruct"),
    ("llama3.3", "meta-llama/Llama-3.3-70B-Instruct"),
    ("ollama:llama3.3:latest", "meta-llama/Llama-3.3-70B-Instruct"),
    ("Llama3.1:8B-Instruct-Q4_K_M", "meta-llama/Llama-3.1-8B-Instruct"),
    ("llama3.1:8b-text-q8_0", "meta-llama/Llama-3.1-8B"),
    ("qwen2.5:3b", "Qwen/Qwen2.5-3B-Instruct"),
    ("qwen2.5:72b-instruct-q4_K_M", "Qwen/Qwen2.5-72B-Instruct"),
    ("qwen2.5", "Qwen/Qwen2.5-7B-Instruct"),
    ("deepseek-r1:1.5b", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"),
    ("deepseek-r1:70b", "deepseek-ai/DeepSeek-R1-Distill-Llama-70B"),
    ("registry.ollama.ai/library/gemma3:27b", "google/gemma-3-27b-it"),
])
def test_ollama_names(cat, name, hub_id):
    assert cat.ollama(name) == hub_id


@pytest.mark.parametrize("name", [
    "qwen2.5:4b",          # a size the family does not have: never another size's licence
    "deepseek-r1",         # no default: `latest` was re-pointed over time
    "nosuchmodel:7b",
    "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M",
    "someuser/mymodel:latest",
    "",
])
def test_ollama_names_not_guessed(cat, name):
    assert cat.ollama(name) is None


def test_qwen25_ollama_sizes_carry_their_licences(cat):
    licences = {size: cat.model(cat.ollama(f"qwen2.5:{size}")).licence for size in ("3b", "7b", "72b")}
    assert licences == {"3b": "qwen-research", "7b": "apache-2.0", "72b": "qwen"}


# --- where each bundled licence was checked -------------------------------------------------

def test_every_bundled_entry_says_where_its_licence_was_checked(cat):
    for entry in cat.entries():
        assert entry.checked and entry.checked.strip(), f"{entry.id}: no 'checked'"


def test_bundled_data_must_say_where_a_licence_was_checked(tmp_path):
    """`checked` is required in the bundled folder (a user's folder may omit it)."""
    folder = _user_dir(tmp_path, models="models:\n  - id: acme/a\n    licence: mit\n"
                                        "    modalities: [text]\n")
    with pytest.raises(DataError) as info:
        _load_folder(folder, default_corpus(), {}, {}, {}, bundled=True)
    assert info.value.line == 2 and "missing key 'checked'" in info.value.message
    assert load_catalogue([folder], licences=default_corpus()).model("acme/a").checked is None


def test_resolve_evidence_says_where_the_licence_was_checked():
    _code, report = _resolve("microsoft/Phi-3-mini-4k-instruct")
    assert "licence checked against: card front matter license: mit" in report["lineage"][0]["evidence"]


def test_secondary_sources_are_marked(cat):
    """A licence known only from third-party material says so, so a reviewer can weigh it."""
    secondary = [e for e in cat.entries() if "[secondary]" in (e.checked or "")]
    assert secondary, "no entry is marked [secondary]"
    for entry in secondary:
        assert entry.licence is not None, entry.id


def test_disagreements_say_which_source_won(cat):
    qwen = cat.model("Qwen/Qwen1.5-32B")
    assert qwen.licence == "tongyi-qianwen-research"
    assert "disagreement" in qwen.notes and "card wins" in qwen.notes.lower()
    for hub_id in ("01-ai/Yi-VL-6B", "01-ai/Yi-VL-34B"):
        entry = cat.model(hub_id)
        assert entry.licence == "apache-2.0" and "card wins" in entry.notes.lower()
    for entry in cat.entries():
        if entry.notes and entry.notes.startswith("disagreement"):
            assert "wins" in entry.notes, entry.id


def test_same_publisher_relicensing_facts_are_recorded(cat):
    r1 = cat.model("deepseek-ai/DeepSeek-R1")
    assert r1.licence == "mit" and r1.parents == (("deepseek-ai/DeepSeek-V3-Base", "finetune"),)
    assert cat.model("deepseek-ai/DeepSeek-V3-Base").licence == "deepseek"
    chat = cat.model("Qwen/Qwen1.5-32B-Chat")
    assert chat.licence == "tongyi-qianwen"
    assert chat.parents == (("Qwen/Qwen1.5-32B", "finetune"),)


# --- breadth ------------------------------------------------------------------------------------

def test_catalogue_breadth(cat):
    entries = cat.entries()
    assert len(entries) >= 600
    assert len({e.publisher for e in entries}) >= 40
    assert len(cat.ollama_names()) >= 100


@pytest.mark.parametrize(("hub_id", "licence"), [
    ("microsoft/Phi-3-mini-4k-instruct", "mit"),
    ("nomic-ai/nomic-embed-text-v1.5", "apache-2.0"),
    ("openai/gpt-oss-20b", "apache-2.0"),
    ("moonshotai/Kimi-K2-Instruct", "kimi-k2-modified-mit"),
    ("tencent/Tencent-Hunyuan-Large", "tencent-hunyuan-community-2024-11-05"),
    ("tencent/HunyuanVideo", "tencent-hunyuan-community-2024-12-03"),
    ("tencent/Hunyuan-A13B-Instruct", "tencent-hunyuan-community"),
    ("LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct", "exaone-1.1-nc"),
    ("LGAI-EXAONE/EXAONE-4.0-32B", "exaone"),
    ("MiniMaxAI/MiniMax-M1-80k", "apache-2.0"),
    ("MiniMaxAI/MiniMax-M2", "minimax-m2-modified-mit"),
    ("black-forest-labs/FLUX.1-schnell", "apache-2.0"),
    ("black-forest-labs/FLUX.1-dev", "flux-1-dev-non-commercial"),
    ("Qwen/Qwen2.5-Coder-3B-Instruct", "qwen-research"),
    ("Qwen/Qwen2.5-Coder-32B-Instruct", "apache-2.0"),
    ("CodeLlama/CodeLlama-7b-hf", "llama2"),
    ("THUDM/glm-4-9b-chat", "glm-4"),
    ("zai-org/glm-4-9b-chat", "glm-4"),
    ("zai-org/GLM-4.5", "mit"),
])
def test_checkpoint_licences(cat, hub_id, licence):
    assert cat.model(hub_id).licence == licence


@pytest.mark.parametrize(("name", "hub_id"), [
    ("phi3", "microsoft/Phi-3-mini-4k-instruct"),
    ("phi3:14b-medium-128k-instruct-q4_0", "microsoft/Phi-3-medium-128k-instruct"),
    ("nomic-embed-text", "nomic-ai/nomic-embed-text-v1.5"),
    ("gpt-oss:120b", "openai/gpt-oss-120b"),
    ("qwen2.5-coder:3b", "Qwen/Qwen2.5-Coder-3B-Instruct"),
    ("codeqwen:7b-code", "Qwen/CodeQwen1.5-7B"),
    ("qwen:32b", "Qwen/Qwen1.5-32B-Chat"),
])
def test_more_ollama_names(cat, name, hub_id):
    assert cat.ollama(name) == hub_id


def test_ollama_sizes_with_different_licences_are_mapped_separately(cat):
    def licence(name: str) -> str | None:
        return cat.model(cat.ollama(name)).licence
    assert (licence("qwen2.5-coder:3b"), licence("qwen2.5-coder:7b")) == ("qwen-research", "apache-2.0")
    assert (licence("qwen:1.8b"), licence("qwen:7b")) == ("tongyi-qianwen-research", "tongyi-qianwen")
    assert (licence("codeqwen:7b"), licence("codeqwen:7b-code")) == ("tongyi-qianwen", "tongyi-qianwen-research")
    assert (licence("llama-guard3:1b"), licence("llama-guard3:8b")) == ("llama3.2", "llama3.1")


def test_known_tags_of_a_family(cat):
    assert "3.8b" in cat.ollama_tags("phi3") and "14b" in cat.ollama_tags("PHI3")
    assert cat.ollama_tags("nosuchmodel") == []


# --- the whole catalogue through `licheck resolve --offline` -----------------------------------

def _resolve(name: str) -> tuple[int, dict]:
    with CliRunner().isolation() as (out, err, _):
        code = main(["resolve", "--offline", "--format", "json", name])
    assert code == 0, err.getvalue().decode()
    return code, json.loads(out.getvalue().decode())


def test_resolve_offline_names_the_publisher_licence_for_every_entry(cat):
    wrong = []
    for entry in cat.entries():
        _code, report = _resolve(entry.id)
        root = report["lineage"][0]
        if (root["source"], root["licence"]) != ("catalogue", entry.licence):
            wrong.append((entry.id, entry.licence, root["source"], root["licence"]))
        if entry.licence is None and entry.parents == ():
            # unknown is reported as unknown, never as a pass
            assert any(f["kind"] == "licence_unknown" for f in report["findings"]), entry.id
    assert wrong == []


def test_resolve_offline_every_ollama_tag(cat):
    wrong = []
    for family in cat.ollama_names():
        body = cat._ollama[family]   # noqa: SLF001 - every tag, not just defaults
        names = [f"ollama:{family}:{tag}" for tag in body.tags]
        if body.default is not None:
            names.append(f"ollama:{family}")
        for name in names:
            hub_id = cat.ollama(name)
            _code, report = _resolve(name)
            child = report["lineage"][0]["parents"]
            expected = cat.model(hub_id).licence
            if report["lineage"][0]["licence"] != expected or hub_id not in json.dumps(child):
                wrong.append((name, hub_id, expected, report["lineage"][0]["licence"]))
    assert wrong == []


# --- the bundled models files, read one organisation at a time --------------------------------

def _bundled_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled catalogue folder, standing in for it."""
    import shutil

    import licheck.catalogue as catalogue_module

    copy = tmp_path / "catalogue"
    shutil.copytree(catalogue_module.data_dir("catalogue"), copy)
    monkeypatch.setattr(catalogue_module, "data_dir", lambda name: copy if name == "catalogue" else None)
    return copy


def test_every_bundled_file_is_valid_and_lists_each_id_once():
    whole = load_catalogue(licences=default_corpus(), whole=True)
    lazy = load_catalogue(licences=default_corpus())
    assert [e.id for e in whole.entries()] == [e.id for e in lazy.entries()]
    assert whole.entries() == lazy.entries()   # the same entries, org defaults included


def test_a_lookup_reads_only_the_file_of_the_ids_organisation():
    cat = load_catalogue(licences=default_corpus())
    assert cat.model("meta-llama/Llama-3.1-8B-Instruct").licence == "llama3.1"
    assert cat._read_orgs == {"meta-llama"}   # noqa: SLF001 - what was read is the point
    assert cat.model("nobody/nothing") is None


def test_a_renamed_organisation_reads_the_file_under_its_name_in_orgs_yml():
    cat = load_catalogue(licences=default_corpus())
    assert cat.model("CohereLabs/c4ai-command-r-plus").id == "CohereForAI/c4ai-command-r-plus"
    assert "cohereforai" in cat._read_orgs   # noqa: SLF001


def test_an_alias_in_another_organisations_namespace_is_found():
    cat = load_catalogue(licences=default_corpus())
    assert cat.model("stable-diffusion-v1-5/stable-diffusion-v1-5").id == "runwayml/stable-diffusion-v1-5"
    assert cat.model("zai-org/glm-4-9b-chat").id == "THUDM/glm-4-9b-chat"


def test_listing_the_catalogue_sees_every_file():
    """Whatever needs every id (listings, suggestions) reads every file, however lazy."""
    cat = load_catalogue(licences=default_corpus())
    cat.model("meta-llama/Llama-3.1-8B-Instruct")
    orgs = {e.id.split("/", 1)[0].lower() for e in cat.entries()}
    assert len(orgs) > 60 and len(cat) == len(load_catalogue(licences=default_corpus(), whole=True))


def test_a_broken_bundled_file_is_caught_by_reading_every_file(tmp_path, monkeypatch):
    copy = _bundled_copy(tmp_path, monkeypatch)
    (copy / "models" / "zzz-broken.yml").write_text(
        "models:\n  - {id: zzz-broken/a, licence: nope, modalities: [text], checked: here}\n")
    lazy = load_catalogue(licences=default_corpus())
    assert lazy.model("meta-llama/Llama-3.1-8B-Instruct") is not None   # a run that never reads it
    with pytest.raises(DataError) as info:
        load_catalogue(licences=default_corpus(), whole=True)
    assert info.value.line == 2 and "unknown licence id 'nope'" in info.value.message
    with pytest.raises(DataError):   # and a run that does read it stops
        lazy.model("zzz-broken/a")


def test_a_bundled_id_listed_in_two_files_is_caught_by_reading_every_file(tmp_path, monkeypatch):
    copy = _bundled_copy(tmp_path, monkeypatch)
    (copy / "models" / "zzz.yml").write_text(
        "models:\n  - {id: zzz/a, licence: mit, modalities: [text], checked: here,\n"
        "     aliases: [meta-llama/Llama-3.1-8B-Instruct]}\n")
    with pytest.raises(DataError) as info:
        load_catalogue(licences=default_corpus(), whole=True)
    assert "listed twice" in info.value.message


def test_a_bundled_model_must_be_in_the_file_of_its_organisation(tmp_path, monkeypatch):
    copy = _bundled_copy(tmp_path, monkeypatch)
    (copy / "models" / "zzz.yml").write_text(
        "models:\n  - {id: other/a, licence: mit, modalities: [text], checked: here}\n")
    with pytest.raises(DataError) as info:
        load_catalogue(licences=default_corpus(), whole=True)
    assert info.value.line == 2 and "models/<its organisation>.yml" in info.value.message


def test_a_users_entry_wins_over_the_bundled_one_read_later(tmp_path):
    folder = _user_dir(tmp_path, models="models:\n  - {id: meta-llama/Llama-3.1-8B-Instruct, "
                                        "licence: mit, modalities: [text]}\n")
    cat = load_catalogue([folder], licences=default_corpus())
    assert cat.model("meta-llama/Llama-3.1-8B-Instruct").licence == "mit"
    assert cat.model("meta-llama/Meta-Llama-3.1-8B-Instruct").licence == "mit"   # a bundled alias


def test_lookups_from_many_threads_each_find_their_entry():
    """Lineages are crawled by several threads: a file being read by one is not missing for another."""
    from concurrent.futures import ThreadPoolExecutor

    every = [e.id for e in load_catalogue(licences=default_corpus(), whole=True).entries()]
    for _ in range(5):
        cat = load_catalogue(licences=default_corpus())
        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(cat.model, every))
        assert [e.id if e else None for e in found] == every


def test_the_ollama_table_is_read_on_first_use_and_a_users_name_wins(tmp_path):
    cat = load_catalogue(licences=default_corpus())
    assert cat._all_ollama is None   # noqa: SLF001 - a Hub lookup does not read it
    cat.model("meta-llama/Llama-3.1-8B-Instruct")
    assert cat._all_ollama is None   # noqa: SLF001
    assert cat.ollama("llama3.1:8b") == "meta-llama/Llama-3.1-8B-Instruct"
    folder = _user_dir(tmp_path, ollama="ollama:\n  llama3.1:\n    tags: {8b: acme/llama-8b-copy}\n")
    mine = load_catalogue([folder], licences=default_corpus())
    assert mine.ollama("llama3.1:8b") == "acme/llama-8b-copy"
    assert mine.ollama("qwen2.5:7b") == cat.ollama("qwen2.5:7b") is not None
