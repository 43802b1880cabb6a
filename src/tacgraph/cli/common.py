"""Options shared by many commands, defined once, and the error boundary."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from tacgraph.cli import exits, output
from tacgraph.config import StoreConfig
from tacgraph.errors import InvalidArgument, InvalidInput, TacgraphError
from tacgraph.store import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="embedded (default) or neo4j; or set TACGRAPH_STORE.",
        show_default=False,
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Directory of the embedded store; or set TACGRAPH_DB (default ./tacgraph-data).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
CsvOpt = Annotated[
    bool,
    typer.Option(
        "--csv",
        help="Print the records as CSV (UTF-8, true/false, ISO dates, formulas shown as text).",
    ),
]


def one_format(*, json: bool, csv_out: bool) -> None:
    """Refuse --json with --csv (InvalidArgument): each prints the whole result."""
    if json and csv_out:
        raise InvalidArgument("choose one of --json and --csv", "each prints the whole result")


def prose(text: str) -> str:
    """Help text with each paragraph's line breaks joined, except a paragraph that starts
    with \\b, which keeps its lines (click's convention)."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)


class ProseGroup(TyperGroup):
    """A command group whose commands' help reads as prose on any terminal: typer's rich
    help keeps a docstring's line breaks, so a paragraph wrapped at the source's width
    broke mid-line. Every group of the CLI is one (``typer.Typer(cls=ProseGroup)``)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and command.help:
            command.help = prose(command.help)
        if command is not None:
            for param in command.params:
                plain_metavar(param)
            command.get_help_option = _flag_help(command.get_help_option)  # type: ignore[method-assign,assignment]
        return command

    def get_params(self, ctx: Any) -> list[Any]:
        """The group's own options (``tacgraph --help``) read as its commands' do."""
        params: list[Any] = super().get_params(ctx)
        for param in params:
            plain_metavar(param)
            if getattr(param, "is_flag", False):
                param.metavar = ""
        return params


def _flag_help(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The command's --help option, shown with nothing after it (not "<bool>")."""

    def get_help_option(ctx: Any) -> Any:
        option = original(ctx)
        if option is not None:
            option.metavar = ""
        return option

    return get_help_option


_DATES = ("as_of", "since", "on", "next_review")
_METAVARS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "FILE"}


def plain_metavar(param: Any) -> None:
    """Give a parameter a metavar in words, so that help shows "--as TEXT" and "--since
    YYYY-MM-DD" rather than typer's "<str>", and nothing after a flag rather than
    "<bool>". Choices keep typer's list of them."""
    if getattr(param, "type_descriptor", None) is None:
        return
    if getattr(param, "param_type_name", "") == "argument":
        # an argument's metavar is its name in help; its type column is dropped instead
        if not param.type_descriptor.is_choice:
            param.display_type_rich = lambda ctx: None
        return
    if param.metavar is not None:
        return
    if getattr(param, "is_flag", False):
        param.metavar = ""
        return
    if param.type_descriptor.is_choice:
        return
    if param.name in _DATES:
        param.metavar = "YYYY-MM-DD"
        return
    bare = param.bare_type().removeprefix("list[").removesuffix("]")
    if param.name == "db":
        param.metavar = "FOLDER"
    elif bare in _METAVARS:
        param.metavar = _METAVARS[bare]


def debug_enabled() -> bool:
    return os.environ.get("TACGRAPH_DEBUG", "") not in ("", "0")


def _not_text(values: Iterable[Any]) -> bool:
    """Whether any string (or string in a list) cannot be encoded as UTF-8: a lone
    surrogate, which is how Python decodes an argument of bytes that are not UTF-8."""
    for value in values:
        if isinstance(value, list | tuple) and _not_text(value):
            return True
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def guarded(func: F) -> F:
    """Turn tacgraph errors into a one-line message and an exit code (tracebacks only
    with --debug). Arguments that are not UTF-8 text are refused before they reach a
    store (no engine can store them)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        before = output.documents()
        try:
            if _not_text([*args, *kwargs.values()]):
                raise InvalidArgument(
                    "an argument is not valid UTF-8 text",
                    "check the encoding of the ids and text given on the command line",
                )
            return func(*args, **kwargs)
        except TacgraphError as exc:
            if debug_enabled():
                raise
            if isinstance(exc, InvalidInput):
                for problem in exc.problems[:200]:
                    output.note(f"  {problem}", whole=True)
                if len(exc.problems) > 200:
                    output.note(f"  ... and {len(exc.problems) - 200} more", whole=True)
            output.error(str(exc), exc.hint)
            code = exits.code_for(exc)
            if _wants_json(kwargs) and output.documents() == before:
                _json_error(exc, str(exc), exc.hint, code)
            raise typer.Exit(code) from None
        except OSError as exc:
            # A file named on the command line (an --out path in a missing folder, a
            # directory given as a file, no permission): one line, not a traceback.
            if debug_enabled() or exc.filename is None:
                raise
            message = f"cannot use {exc.filename}: {exc.strerror or type(exc).__name__}"
            hint = "check that the folder exists and that you may read and write there"
            output.error(message, hint)
            if _wants_json(kwargs) and output.documents() == before:
                _json_error(exc, message, hint, exits.INVALID_INPUT)
            raise typer.Exit(exits.INVALID_INPUT) from None

    return wrapper  # type: ignore[return-value]


# How many of an error's problems its JSON lists (a bad nightly feed can have millions;
# --skip-invalid saves every reject to a file).
JSON_PROBLEMS = 1_000


def _wants_json(options: dict[str, Any]) -> bool:
    """Whether the command was asked for JSON alone (--json, not --json with --csv); the
    boundary adds its error only where the command has not printed its own JSON."""
    return options.get("json") is True and options.get("csv_out") is not True


def _json_error(exc: Exception, message: str, hint: str, code: int) -> None:
    """With --json, a failure is JSON on stdout too, for a script that reads stdout: the
    message and hint the reader sees on stderr, the exit code, and the problems, each
    with its file and line, record and field where known."""
    problems = getattr(exc, "problems", [])
    output.print_json(
        {
            "error": {
                "kind": type(exc).__name__,
                "message": message,
                "hint": hint,
                "exit_code": code,
                "problem_count": len(problems),
                "problems": [
                    p.to_json() if hasattr(p, "to_json") else {"reason": str(p)}
                    for p in problems[:JSON_PROBLEMS]
                ],
            }
        }
    )


@contextmanager
def store_from(store: str | None, db: Path | None, *, create: bool = False) -> Iterator[Store]:
    """The store the options and environment name, closed after use. Only the commands
    that build a store (import, db init, demo) pass ``create``: the others refuse an
    embedded store that does not exist. If the command fails, a store it created is
    removed again (``Store.discard``)."""
    opened = open_store(StoreConfig.from_env(kind=store, db_path=db), create=create)
    try:
        yield opened
    except BaseException:
        opened.discard()
        raise
    opened.close()


def as_of_option(meaning: str) -> Any:
    """The ``--as-of`` option: the date (YYYY-MM-DD, default today) the command's
    answer holds on, ``meaning`` saying what that date is for."""
    return typer.Option(
        "--as-of", help=f"Date (YYYY-MM-DD) {meaning}; default today.", show_default=False
    )


AsOfOpt = Annotated[str | None, as_of_option("to report on")]

# Who asks, for the commands that read child data; the access log records it.
RequesterOpt = Annotated[str, typer.Option("--as", help="Your practitioner id (recorded).")]


def purpose_option(doing: str) -> Any:
    """The ``--purpose`` option of a command that reads child data: why the requester
    is ``doing`` it, recorded in the access log."""
    return typer.Option("--purpose", help=f"Why you are {doing} (recorded).", metavar="TEXT")


FailOnFindingsOpt = Annotated[
    bool,
    typer.Option("--fail-on-findings", help=f"Exit {exits.FINDINGS} when anything is found."),
]


def fail_on(findings: bool, *, wanted: bool) -> None:
    """End the command with exit code FINDINGS where an audit found something and
    ``--fail-on-findings`` asked for it (``wanted``)."""
    if wanted and findings:
        raise typer.Exit(exits.FINDINGS)


def parse_date(value: str | None, option: str = "--as-of") -> date:
    """The date an option gave (YYYY-MM-DD), or today without one; raises
    InvalidArgument naming ``option`` for anything else."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument(
            f"{option} {value!r} is not a date", "give it as YYYY-MM-DD, such as 2026-11-23"
        ) from None
