"""The one place commands build their environment: the config, then `licheck.env.Env`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import click

from licheck.config import load_config
from licheck.env import Env, SourcesFactory, build_env

F = TypeVar("F", bound=Callable[..., object])


def config_option(fn: F) -> F:
    """`--config FILE`, shared by every command (default: the config found here)."""
    return click.option(
        "--config", "config_path", metavar="FILE",
        help="Config file (default: .licheck.yaml or [tool.licheck] in pyproject.toml).")(fn)


def command_env(config_path: str | None, *, offline: bool = False,
                sources: SourcesFactory | None = None, licence_dirs: Sequence[str] = ()) -> Env:
    """The environment of this run, from `--config` (or the config found here)."""
    return build_env(load_config(config_path), offline=offline, sources=sources,
                     licence_dirs=licence_dirs)
