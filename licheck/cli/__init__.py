"""The `licheck` command line: a thin layer over the pipeline.

Commands parse arguments, call pure logic (which never imports click), pick a formatter
and map the result to an exit code (docs/contract.md section 1). Only `main()` exits. Each
command lives in its own module so this file stays a table of contents; command modules
are imported only when their command runs, which keeps start-up light.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import click

from licheck import __version__
from licheck.errors import LicheckError

# command name -> (module, attribute). Imported lazily by LazyGroup.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("licheck.cli.check", "check"),
    "resolve": ("licheck.cli.resolve", "resolve"),
    "identify": ("licheck.cli.identify", "identify"),
    "explain": ("licheck.cli.rules", "explain"),
    "init": ("licheck.cli.init", "init"),
    "licences": ("licheck.cli.licences", "licences"),
    "lock": ("licheck.cli.lock", "lock"),
    "rules": ("licheck.cli.rules", "rules"),
    "notice": ("licheck.cli.notice", "notice"),
    "diff": ("licheck.cli.diff", "diff"),
    "models": ("licheck.cli.models", "models"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module = importlib.import_module(target[0])
        cmd: click.Command = getattr(module, target[1])
        return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="licheck")
def cli() -> None:
    """Licence compliance for open-weight AI models.

    Resolves models to their base models, identifies every licence in the lineage,
    and checks them against your deployment context.

    \b
    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
                2 could not run (bad arguments or input).
    """


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the process exit code (never raises)."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None,
                          prog_name="licheck", standalone_mode=False)
    except LicheckError as exc:
        click.echo(f"licheck: {exc}", err=True)
        return 2
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        # One line, as every other input error (docs/contract.md section 1); --help has the rest.
        hint = f" (see 'licheck {exc.ctx.info_name} --help')" if exc.ctx is not None and \
            exc.ctx.parent is not None else " (see 'licheck --help')"
        message = " ".join(exc.format_message().split())
        click.echo(f"licheck: error: {message}{hint}", err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"licheck: error: {' '.join(exc.format_message().split())}", err=True)
        return 2
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):   # click wraps Ctrl-C in Abort
            click.echo("licheck: interrupted", err=True)
            return 130
        click.echo("licheck: aborted", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("licheck: interrupted", err=True)
        return 130
    except BrokenPipeError:
        # Output closed early (`licheck ... | head`): not an error of ours.
        sys.stderr.close()
        return 0
    except Exception as exc:  # an escaped internal error is a bug: say so, never exit 0/1
        if os.environ.get("LICHECK_DEBUG"):
            raise
        click.echo(f"licheck: internal error (this is a bug; set LICHECK_DEBUG=1 for a traceback): "
                   f"{type(exc).__name__}: {exc}", err=True)
        return 2
    return int(result or 0)
