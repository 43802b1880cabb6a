"""A copy of the embedded store's files, kept while a large load writes in many
transactions, to undo the load by (LadybugDB holds a transaction's writes in memory until
its commit, so a load of hundreds of thousands of records cannot be one transaction).

The copy is the folder ``before-load`` beside the store's files, made whole under
another name and then renamed, so while it exists under that name it is complete and a
load is under way: opening the store for writing then puts it back (the load is undone),
as does a load that fails. Every step can be killed and run again: the copy is renamed
away before it is removed, and putting it back copies its files, leaving it whole until
the end.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tacgraph.errors import StoreError

BEFORE = "before-load"
_MAKING = "before-load.incomplete"
_DONE = "before-load.done"
_RESTORING = ".restoring-"


def held(folder: Path) -> bool:
    """Whether ``folder`` holds a whole copy: a load into it is under way, or was killed."""
    return (folder / BEFORE).is_dir()


def _files(folder: Path, prefix: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.startswith(prefix))


def _sync(path: Path) -> None:
    """Make ``path`` (a file, or a folder's entries) durable."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    _sync(target)


def tidy(folder: Path) -> None:
    """Remove what a killed take or drop left: a copy never finished, or one finished
    with. Never the whole copy (see :func:`restore`)."""
    for name in (_MAKING, _DONE):
        shutil.rmtree(folder / name, ignore_errors=True)
    for left in folder.glob(_RESTORING + "*"):
        left.unlink(missing_ok=True)


def take(folder: Path, prefix: str, min_free: int) -> None:
    """Copy the store's files (those named with ``prefix``) to ``before-load``.

    Raises StoreError, copying nothing, when the disk has too little room for the copy
    and ``min_free`` bytes besides."""
    tidy(folder)
    files = _files(folder, prefix)
    size = sum(p.stat().st_size for p in files)
    disk = os.statvfs(folder)
    free = disk.f_bavail * disk.f_frsize
    if free < size + min_free:
        raise StoreError(
            f"embedded store at {folder}: a large load keeps a copy of the store "
            f"({size / 2**20:,.0f} MB) to undo it by if it fails, and the disk has "
            f"{free / 2**20:,.0f} MB free; nothing was written",
            "free space on that disk, or import the files into an empty store (a first "
            "load needs no copy)",
        )
    making = folder / _MAKING
    making.mkdir()
    for path in files:
        _copy(path, making / path.name)
    _sync(making)
    making.rename(folder / BEFORE)
    _sync(folder)


def drop(folder: Path) -> None:
    """The load is complete: the copy goes (renamed first, so a kill leaves no copy a
    later open would take for a load under way)."""
    (folder / BEFORE).rename(folder / _DONE)
    _sync(folder)
    shutil.rmtree(folder / _DONE, ignore_errors=True)


def restore(folder: Path, prefix: str) -> None:
    """Put the copy back in place of the store's files (which must be closed), then drop
    it. The store's files the copy does not have (a write-ahead log begun since) go."""
    copy = folder / BEFORE
    kept = {p.name for p in _files(copy, prefix)}
    if not kept:
        raise StoreError(
            f"embedded store at {folder}: the copy in {BEFORE} to undo an unfinished load "
            "by holds no store file",
            f"restore the store from a backup; {BEFORE} was not touched",
        )
    for path in _files(folder, prefix):
        if path.name not in kept:
            path.unlink()
    for name in sorted(kept):
        staged = folder / (_RESTORING + name)
        _copy(copy / name, staged)
        staged.replace(folder / name)
    _sync(folder)
    drop(folder)


__all__ = ["BEFORE", "drop", "held", "restore", "take", "tidy"]
