"""What an import must remember of every record until it writes (each id with its
fingerprint, and the ids references point at), in an SQLite file in the import's
working folder rather than in Python sets: memory stays bounded by a batch, whatever
the size of the input.

An id read in the input is either to be written (``fp``: validated, its fingerprint
kept until the write pass takes it) or unchanged (``unchanged``: its content hash is the
stored node's), or both (a redacted record whose unredacted twin is stored).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

# Rows read from the file a statement at a time, so none is ever read whole.
PAGE = 20_000


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

    def close(self) -> None:
        self._db.close()

    def known(self, label: str, rid: str) -> bytes | None:
        """The fingerprint of the record with this id read so far (to write or
        unchanged), or None."""
        row = self._db.execute(
            "SELECT mark FROM seen WHERE label = ? AND id = ? AND (fp OR unchanged)",
            (label, rid),
        ).fetchone()
        return None if row is None else bytes(row[0])

    def state(self, label: str, rid: str) -> tuple[bytes, bool, bool] | None:
        """(fingerprint, to write, unchanged) of an id, or None."""
        row = self._db.execute(
            "SELECT mark, fp, unchanged FROM seen WHERE label = ? AND id = ? AND (fp OR unchanged)",
            (label, rid),
        ).fetchone()
        return None if row is None else (bytes(row[0]), bool(row[1]), bool(row[2]))

    def keep(self, label: str, rid: str, mark: bytes, *, unchanged: bool = False) -> None:
        """Remember an id to write (or, ``unchanged``, one whose stored hash is its own)."""
        column = "unchanged" if unchanged else "fp"
        self._db.execute(
            f"INSERT INTO seen (label, id, mark, fp, unchanged) VALUES (?, ?, ?, ?, ?) "
            f"ON CONFLICT (label, id) DO UPDATE SET mark = excluded.mark, {column} = 1",
            (label, rid, mark, int(not unchanged), int(unchanged)),
        )

    def take(self, label: str, rid: str) -> bytes | None:
        """The fingerprint of an id to write, which is then no longer to write (a repeat
        of the same record finds none); None when there is none."""
        row = self._db.execute(
            "SELECT mark FROM seen WHERE label = ? AND id = ? AND fp", (label, rid)
        ).fetchone()
        if row is None:
            return None
        self._db.execute("UPDATE seen SET fp = 0 WHERE label = ? AND id = ?", (label, rid))
        return bytes(row[0])

    def to_write(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM seen WHERE fp").fetchone()[0])

    def unchanged(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM seen WHERE unchanged").fetchone()[0])

    def need(self, label: str, ids: Iterable[str]) -> None:
        """Remember ids of ``label`` that references point at."""
        self._db.executemany(
            "INSERT OR IGNORE INTO needed (label, id) VALUES (?, ?)", ((label, i) for i in ids)
        )

    def outside_count(self) -> int:
        return int(
            self._db.execute(
                "SELECT count(*) FROM needed n WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE "
                "s.label = n.label AND s.id = n.id AND (s.fp OR s.unchanged))"
            ).fetchone()[0]
        )

    def outside(self) -> Iterator[tuple[str, list[str]]]:
        """The ids references need that no record of the input (to write or unchanged)
        holds, by label, in sorted pages of at most PAGE."""
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
        self._db.execute("DELETE FROM needed")
