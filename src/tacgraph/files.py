"""Files a command writes (records, an export): the destination checked before anything
is read or logged, and the file written whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tacgraph.errors import InvalidArgument


def check_destination(out: Path, example: str) -> None:
    """Raise InvalidArgument naming ``out`` where no file can be written at it: a folder,
    or a path in a folder that does not exist (``example``: a file name for the hint)."""
    if out.is_dir():
        raise InvalidArgument(
            f"{out} is a folder, not a file", f"name a file to write, such as {out / example}"
        )
    if not out.parent.is_dir():
        raise InvalidArgument(
            f"cannot write {out}: the folder {out.parent} does not exist",
            "create the folder first, or name a file in a folder that exists",
        )


@contextmanager
def whole_or_nothing(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out`` that replaces ``out`` when the block ends, and is
    removed instead when it raises: a reader never sees half a file, and half an export
    of children's records is never left on the disk. A write that fails (no space, no
    permission) raises InvalidArgument naming ``out``, not the temporary path, the same
    for every command that writes a file."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        tmp.replace(out)
    except BaseException as exc:
        with suppress(OSError):  # the error to raise is the write's, not this one's
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InvalidArgument(
                f"cannot write {out}: {exc.strerror or exc}",
                "nothing was written; check that the folder can be written and has space",
            ) from exc
        raise
