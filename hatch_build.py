"""Wheel build hook: the bundled data folders, checked and pre-parsed into `licheck/_data/parsed/`.

`licheck.databuild.build` parses every bundled YAML file and reads it with the loader that
reads it at run time, with every check: a data file with a problem fails the build with its
`file:line` error. An installed licheck then reads each data file's bytes, hashes them and
takes what the build made of exactly those bytes (`licheck.data.proven`, and the parsed
document, `licheck.data.load_data_yaml`) instead of importing PyYAML, parsing and checking
~220 files. An editable install reads the source folders as they are, so it gets no
pre-parsed copy and checks what it reads.
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

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
