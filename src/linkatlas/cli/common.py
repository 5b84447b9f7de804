"""Options and error handling shared by every ``linkatlas`` command module."""

from __future__ import annotations

import functools
import sys

import click

from linkatlas.errors import LinkatlasError
from linkatlas.output import FORMATS

__all__ = ["db_option", "format_option", "resolve_format", "handle_errors"]


def db_option(command):
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=None,
        help="Workspace database file (default: $LINKATLAS_DB, else ./linkatlas.duckdb).",
    )(command)


def format_option(default: str | None = None):
    def decorate(command):
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default=default,
            help="Output format (default: table on a terminal, json otherwise).",
        )(command)

    return decorate


def resolve_format(fmt: str | None) -> str:
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "json"


def handle_errors(command):
    """Turn LinkatlasError into one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        try:
            return command(*args, **kwargs)
        except LinkatlasError as error:
            if ctx.find_root().params.get("traceback"):
                raise
            click.echo(f"linkatlas: error: {error}", err=True)
            ctx.exit(error.exit_code)

    return wrapper
