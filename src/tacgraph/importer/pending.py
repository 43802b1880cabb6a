"""What a load writes after its nodes, held until then: each edge's sources (written
once every node is in) and each record's content hash (kept last). A large later load
queues millions of these, so with a folder they go to disk a batch at a time: a later
load of 2,000,000 records held 3.7 GB in lists before.
"""

from __future__ import annotations

import pickle
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class Pending(Generic[K, T]):
    """Items queued under keys, given back key by key in the order the keys first came,
    each key's items in the order they came. With ``folder``, no more than ``held``
    items are kept in memory: the rest are in the folder's files (one per key), which
    only this process writes and reads."""

    def __init__(self, folder: Path | None = None, held: int = 20_000) -> None:
        self._folder = folder
        self._limit = held
        self._items: dict[K, list[T]] = {}
        self._files: dict[K, Path] = {}
        self._held = 0
        self.weight = 0  # the sum of the weights given with the items

    def add(self, key: K, item: T, weight: int = 1) -> None:
        self._items.setdefault(key, []).append(item)
        self.weight += weight
        self._held += 1
        if self._folder is not None and self._held >= self._limit:
            self._spill(self._folder)

    def _spill(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for key, items in self._items.items():
            if items:
                path = self._files.setdefault(key, folder / f"{len(self._files)}.pickle")
                with path.open("ab") as handle:
                    pickle.dump(items, handle, protocol=pickle.HIGHEST_PROTOCOL)
                self._items[key] = []
        self._held = 0

    def __iter__(self) -> Iterator[K]:
        """The keys, in the order they first came."""
        return iter(list(self._items))

    def batches(self, key: K, size: int) -> Iterator[list[T]]:
        """The items of ``key`` in lists of ``size`` (the last may be shorter)."""
        batch: list[T] = []
        for chunk in self._chunks(key):
            for item in chunk:
                batch.append(item)
                if len(batch) >= size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def _chunks(self, key: K) -> Iterator[list[T]]:
        path = self._files.get(key)
        if path is not None:
            with path.open("rb") as handle:
                while True:
                    try:
                        yield pickle.load(handle)  # noqa: S301 (this process's own file)
                    except EOFError:
                        break
        yield self._items.get(key, [])


__all__ = ["Pending"]
