"""What an import must remember of every record until it writes (each id with its
fingerprint, and the ids references point at), in an SQLite file in the import's
working folder rather than in Python sets: memory stays bounded by a batch, whatever
the size of the input.

An id read in the input is either to be written (``fp``: validated, its fingerprint
kept until the write pass takes it) or unchanged (``unchanged``: its content hash is the
stored node's), or both (a redacted record whose unredacted twin is stored).

What a batch adds is held in memory until :meth:`IdFile.flush` writes it in one
statement per table, and the ids a batch will ask about are read in one query per label
(:meth:`IdFile.prefetch`): a statement per record and per reference cost about a fifth
of a first load's CPU time at 20,000 children.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

# Rows read from the file a statement at a time, so none is ever read whole.
PAGE = 20_000

# An id's state: (fingerprint, to write, unchanged).
_State = tuple[bytes, bool, bool]


class IdFile:
    """The ids of one import, on disk. Not thread-safe; one per import."""

    def __init__(self, folder: Path) -> None:
        self._db = sqlite3.connect(folder / "ids.sqlite", isolation_level=None)
        for pragma in (
            "journal_mode = OFF",  # a working file: thrown away with its folder
            "synchronous = OFF",
            "cache_size = -65536",  # 64 MiB of pages, then the file
            "temp_store = FILE",
        ):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(
            "CREATE TABLE seen (label TEXT, id TEXT, mark BLOB, fp INTEGER, unchanged INTEGER,"
            " PRIMARY KEY (label, id)) WITHOUT ROWID"
        )
        self._db.execute(
            "CREATE TABLE needed (label TEXT, id TEXT, PRIMARY KEY (label, id)) WITHOUT ROWID"
        )
        self._db.execute("BEGIN")
        # Written at the next flush: the ids kept (their whole state, the file's merged
        # in) and the ids needed; read by prefetch: the file's state of some ids (None
        # for one it does not hold), good until the next flush.
        self._kept: dict[tuple[str, str], _State] = {}
        # Ids needed, by label: a set, as many references point at the same few ids.
        self._needed: dict[str, set[str]] = {}
        self._read: dict[tuple[str, str], _State | None] = {}

    def close(self) -> None:
        self._db.close()

    def prefetch(self, label: str, ids: Iterable[str]) -> None:
        """Read the state of these ids of ``label`` in one query, for the calls about
        them until the next flush."""
        wanted = [rid for rid in ids if (label, rid) not in self._read]
        for rid in wanted:
            self._read[(label, rid)] = None
        rows = self._db.execute(
            "SELECT id, mark, fp, unchanged FROM seen WHERE label = ? AND id IN "
            "(SELECT value FROM json_each(?))",
            (label, json.dumps(wanted)),
        )
        for rid, mark, fp, unchanged in rows:
            self._read[(label, rid)] = (bytes(mark), bool(fp), bool(unchanged))

    def _state(self, key: tuple[str, str]) -> _State | None:
        if key in self._kept:
            return self._kept[key]
        if key in self._read:
            return self._read[key]
        row = self._db.execute(
            "SELECT mark, fp, unchanged FROM seen WHERE label = ? AND id = ?", key
        ).fetchone()
        return None if row is None else (bytes(row[0]), bool(row[1]), bool(row[2]))

    def known(self, label: str, rid: str) -> bytes | None:
        """The fingerprint of the record with this id read so far (to write or
        unchanged), or None."""
        seen = self.state(label, rid)
        return None if seen is None else seen[0]

    def state(self, label: str, rid: str) -> _State | None:
        """(fingerprint, to write, unchanged) of an id read so far, or None."""
        seen = self._state((label, rid))
        return seen if seen is not None and (seen[1] or seen[2]) else None

    def keep(self, label: str, rid: str, mark: bytes, *, unchanged: bool = False) -> None:
        """Remember an id to write (or, ``unchanged``, one whose stored hash is its own)."""
        key = (label, rid)
        before = self._state(key)
        fp, same = (before[1], before[2]) if before is not None else (False, False)
        self._kept[key] = (mark, fp or not unchanged, same or unchanged)

    def claim(self, label: str, rid: str, mark: bytes) -> bytes | None:
        """:meth:`known` and then, unless that is another fingerprint, :meth:`keep`
        (to write) in one look-up: the fingerprint of the record with this id read so
        far, or None."""
        key = (label, rid)
        before = self._state(key)
        known = before[0] if before is not None and (before[1] or before[2]) else None
        if known is None or known == mark:
            self._kept[key] = (mark, True, before is not None and before[2])
        return known

    def flush(self) -> None:
        """Write what was kept and needed since the last flush."""
        if self._kept:
            self._db.executemany(
                "INSERT INTO seen (label, id, mark, fp, unchanged) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (label, id) DO UPDATE SET mark = excluded.mark, "
                "fp = excluded.fp, unchanged = excluded.unchanged",
                ((*key, mark, int(fp), int(same)) for key, (mark, fp, same) in self._kept.items()),
            )
        for label, ids in self._needed.items():
            self._db.executemany(
                "INSERT OR IGNORE INTO needed (label, id) VALUES (?, ?)",
                ((label, rid) for rid in ids),
            )
        self._kept.clear()
        self._needed.clear()
        self._read.clear()

    def take(self, label: str, rid: str) -> bytes | None:
        """The fingerprint of an id to write, which is then no longer to write (a repeat
        of the same record finds none); None when there is none."""
        self.flush()
        row = self._db.execute(
            "SELECT mark FROM seen WHERE label = ? AND id = ? AND fp", (label, rid)
        ).fetchone()
        if row is None:
            return None
        self._db.execute("UPDATE seen SET fp = 0 WHERE label = ? AND id = ?", (label, rid))
        return bytes(row[0])

    def to_write(self) -> int:
        self.flush()
        return int(self._db.execute("SELECT count(*) FROM seen WHERE fp").fetchone()[0])

    def unchanged(self) -> int:
        self.flush()
        return int(self._db.execute("SELECT count(*) FROM seen WHERE unchanged").fetchone()[0])

    def need(self, label: str, ids: Iterable[str]) -> None:
        """Remember ids of ``label`` that references point at."""
        needed = self._needed.get(label)
        if needed is None:
            needed = self._needed[label] = set()
        needed.update(ids)

    def outside_count(self) -> int:
        self.flush()
        return int(
            self._db.execute(
                "SELECT count(*) FROM needed n WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE "
                "s.label = n.label AND s.id = n.id AND (s.fp OR s.unchanged))"
            ).fetchone()[0]
        )

    def outside(self) -> Iterator[tuple[str, list[str]]]:
        """The ids references need that no record of the input (to write or unchanged)
        holds, by label, in sorted pages of at most PAGE."""
        self.flush()
        last = ("", "")
        while True:
            rows = self._db.execute(
                "SELECT n.label, n.id FROM needed n WHERE (n.label, n.id) > (?, ?) AND NOT "
                "EXISTS (SELECT 1 FROM seen s WHERE s.label = n.label AND s.id = n.id "
                "AND (s.fp OR s.unchanged)) ORDER BY n.label, n.id LIMIT ?",
                (*last, PAGE),
            ).fetchall()
            if not rows:
                return
            by_label: dict[str, list[str]] = {}
            for label, rid in rows:
                by_label.setdefault(label, []).append(rid)
            yield from by_label.items()
            last = rows[-1]

    def forget_needed(self) -> None:
        self.flush()
        self._db.execute("DELETE FROM needed")
