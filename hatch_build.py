"""Wheel build hook: the bundled data folders, pre-parsed into `licheck/_data/parsed/`.

An installed licheck then reads each data file's bytes, hashes them and takes the parsed
document filed under that digest (`licheck.data.load_data_yaml`) instead of importing PyYAML
and parsing ~100 files on every run. An editable install reads the source folders as they
are, so it gets no pre-parsed copy.
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
            from licheck.data import FOLDERS, build_parsed
        finally:
            sys.path.remove(str(root))
        self._out = Path(tempfile.mkdtemp(prefix="licheck-parsed-"))
        build_parsed([root / name for name in FOLDERS], self._out)
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
