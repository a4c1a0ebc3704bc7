"""Regenerate the golden outputs of `notice`, `diff` and `models`:

    python tests/commands/regen_golden.py            # golden/ from the fixtures
    python tests/commands/regen_golden.py --reports  # also the two check reports diffed

Read the diff before keeping it: these files are what a reviewer reads. Everything runs
offline from the bundled data (catalogue, rules, licences).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
# The two reviews compared by the report diff, checked on fixed days (waivers expire).
REVIEWS = {"review-old.json": ("review-old.yaml", dt.date(2026, 1, 15)),
           "review-new.json": ("review-new.yaml", dt.date(2026, 12, 5))}
NOTICE_MODELS = ("meta-llama/Llama-3.1-8B-Instruct", "google/gemma-2-9b-it",
                 "stabilityai/stable-diffusion-3.5-medium", "Qwen/Qwen2.5-7B-Instruct")


def _path() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def review_reports() -> dict[str, str]:
    """The JSON reports of `check` on the two review manifests (inputs of the report diff)."""
    _path()
    from licheck.check import run_check
    from licheck.env import build_env
    from licheck.sources.registry import standard_sources

    out = {}
    for name, (manifest, today) in REVIEWS.items():
        noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.timezone.utc)
        env = build_env(offline=True, clock=lambda noon=noon: noon, sources=standard_sources)
        report = run_check(env, [str(FIXTURES / manifest)]).to_json()
        report["generated_at"] = f"{today.isoformat()}T12:00:00Z"   # stable bytes
        report["context"]["source"] = manifest                       # not the machine's path
        for model in report["models"]:
            if model.get("location"):
                model["location"]["file"] = manifest
        for finding in report["findings"]:
            if finding.get("location"):
                finding["location"]["file"] = manifest
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        for folder in (str(FIXTURES), os.path.relpath(FIXTURES)):   # no machine paths
            text = text.replace(json.dumps(folder + os.sep)[1:-1], "")
        out[name] = text
    return out


def outputs() -> dict[str, str]:
    """Every golden file: relative name -> content."""
    _path()
    from licheck.diff_render import render
    from licheck.env import build_env
    from licheck.licence_diff import compare
    from licheck.models_query import (
        catalogue_sources,
        check_query,
        evaluate_models,
        preselect,
        render_markdown,
        render_text,
        to_json,
        verdicts,
    )
    from licheck.notice import build, evaluate_targets
    from licheck.report_diff import compare as compare_reports
    from licheck.report_diff import validate
    from licheck.sources.registry import standard_sources

    # as the commands build them with no config: `models` from the catalogue alone
    env = build_env(offline=True, sources=standard_sources)
    models_env = build_env(offline=True, sources=catalogue_sources)
    corpus, rulebook = env.corpus, env.rulebook
    out: dict[str, str] = {}
    ldiff = compare("llama3", "llama3.1", rulebook, corpus)
    for fmt, ext in (("text", "txt"), ("markdown", "md"), ("json", "json"), ("html", "html")):
        out[f"diff-llama3-llama3.1.{ext}"] = render(ldiff, fmt)

    old = validate(json.loads((FIXTURES / "review-old.json").read_text(encoding="utf-8")), "review-old.json")
    new = validate(json.loads((FIXTURES / "review-new.json").read_text(encoding="utf-8")), "review-new.json")
    rdiff = compare_reports(old, new, old_name="review-old.json", new_name="review-new.json")
    for fmt, ext in (("text", "txt"), ("markdown", "md"), ("json", "json"), ("html", "html")):
        out[f"diff-reports.{ext}"] = render(rdiff, fmt)

    entries = models_env.catalogue.entries()
    for name, ctx, kwargs, fmt in (
            # a slice with every verdict (Mistral, Stability, Cohere, ...), not the whole
            # catalogue: a golden a person can read, that moves only when these models do
            ("models-internal.txt", "internal.yaml", {"origins": ["FR", "GB", "CA"], "sort": "verdict"}, "text"),
            ("models-distributes-meta.json", "distributes.yaml", {"publishers": ["Meta"]}, "json"),
            ("models-vision-by-verdict.md", None, {"tasks": ["vision"], "sort": "verdict"}, "markdown")):
        query = check_query(entries, corpus, **kwargs)   # type: ignore[arg-type]
        chosen, untasked = preselect(entries, query)
        report = evaluate_models(models_env, [e.id for e in chosen],
                                 context_path=str(FIXTURES / ctx) if ctx else None)
        items = verdicts(chosen, report, query)
        if fmt == "json":
            doc = to_json(items, query, report.get("context") or {}, untasked)
            doc["context"]["source"] = ctx   # not the machine's path
            out[name] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        else:
            out[name] = (render_markdown if fmt == "markdown" else render_text)(items, untasked)

    for ctx in ("distributes", "internal"):
        report = evaluate_targets(env, list(NOTICE_MODELS), context_path=str(FIXTURES / f"{ctx}.yaml"))
        bundle = build(report, rulebook, corpus)
        for rel, text in bundle.files.items():
            if not rel.startswith("LICENSES/"):   # verbatim copies: tested against the corpus
                out[f"notice-{ctx}/{rel}"] = text
        out[f"notice-{ctx}/LICENSES.list"] = "".join(f"{lid}.txt\n" for lid in bundle.licences)
    return dict(sorted(out.items()))


def main(argv: list[str]) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if "--reports" in argv:
        for name, text in review_reports().items():
            (FIXTURES / name).write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {FIXTURES / name}")
    for name, text in outputs().items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
