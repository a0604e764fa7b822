"""The `pipeline` command.

Library errors become a message and an exit code here, and only here: a user
mistake never ends in a traceback.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import logging
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import NoReturn

from pipeline import collector
from pipeline.errors import PipelineError
from pipeline.files import is_storage_fault, storage_error

DEFAULT_CONFIG = Path("config/pipeline.yaml")
DEMO_CONFIG = Path("config/demo.yaml")  # the bundled demo, in its own folders (var/demo/)

# Modules under pipeline.commands, in the order `pipeline --help` lists them.
COMMANDS = (
    "sync",
    "export",
    "demo",
    "check_config",
    "columns",
    "forms",
    "remind",
    "schedule",
    "auth",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the one named: a run imports only the module of its command
    (a sync never loads the scheduler, the demo generator or the mail code)."""
    parser = argparse.ArgumentParser(
        prog="pipeline",
        description="Pull form responses, validate and score them, publish summary tabs, remind districts.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [only] if only in COMMANDS else COMMANDS:
        command = import_module(f"pipeline.commands.{name}")
        # Each command module says the same three things: HELP for this list, main's docstring
        # (with an example) for its --help, and the options `arguments` adds.
        p = sub.add_parser(
            name.replace("_", "-"), help=command.HELP, description=inspect.getdoc(command.main)
        )
        command.arguments(p)
        p.set_defaults(func=command.main)
    return parser


def add_config_argument(parser: argparse.ArgumentParser, default: Path = DEFAULT_CONFIG) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=default,
        help=f"settings file (default: {default})",
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `pipeline export … | head` closed the pipe: not an error
        sys.stderr.close()
        return 0
    except OSError as exc:  # a write no module translated: still a message, never a traceback
        if not is_storage_fault(exc):
            raise
        error = storage_error(exc, exc.filename or "")
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


def _command_of(argv: Sequence[str]) -> str | None:
    """The module of the command named on the line (the first word that is not an option), if any."""
    word = next((a for a in argv if not a.startswith("-")), None)
    return word.replace("-", "_") if word else None


def run() -> NoReturn:
    """The `pipeline` program: one command, then the process ends.

    A command builds hundreds of thousands of objects that live until the end (modules, place
    names, the run's tables): the cycle collector runs rarely meanwhile, and the objects are
    frozen before the exit, whose full collection would otherwise walk them all once more for
    nothing (a quarter of the demo's sync). The scheduler's long-lived process keeps the defaults.
    """
    argv = sys.argv[1:]
    if _command_of(argv) != "schedule":
        gc.set_threshold(*collector.RARE)
    code = main(argv)
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
