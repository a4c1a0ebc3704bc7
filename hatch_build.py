"""Wheel build hook: the bundled data folders, checked and pre-parsed into `licheck/_data/parsed/`.

`licheck.databuild.build` parses every bundled YAML file and reads it with the loader that
reads it at run time, with every check: a data file with a problem fails the build with its
`file:line` error. An installed licheck then reads each data file's bytes, hashes them and
takes what the build made of exactly those bytes (`licheck.data.proven`, and the parsed
document, `licheck.data.load_data_yaml`) instead of importing PyYAML, parsing and checking
~220 files. An editable install reads the source folders as they are, so it gets no
pre-parsed copy and checks what it reads.

A second step writes the identify index's pre-built entries and scores for the bundled
licence texts (`licheck/_data/matching-index.json`, see `licheck.matching.prebuilt`).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ParsedDataHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root))   # this checkout's licheck, whatever else is installed
        try:
            from licheck.databuild import build
        finally:
            sys.path.remove(str(root))
        self._out = Path(tempfile.mkdtemp(prefix="licheck-parsed-"))
        build(self._out)
        build_data["force_include"][str(self._out)] = "licheck/_data/parsed"
        self._index = self._prebuilt_index()
        build_data["force_include"][str(self._index)] = "licheck/_data/matching-index.json"

    def _prebuilt_index(self) -> Path:
        """The identify index's normalised texts (licheck.matching.prebuilt)."""
        from licheck.licences import default_corpus
        from licheck.matching.build import build_prebuilt

        out = Path(tempfile.mkdtemp(prefix="licheck-index-")) / "matching-index.json"
        build_prebuilt(default_corpus(), out)
        return out

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
        index = getattr(self, "_index", None)
        if index is not None:
            shutil.rmtree(index.parent, ignore_errors=True)
