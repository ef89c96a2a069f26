"""The sandbox acquirer's own records: every answer it gave, by Tender's reference.

A real acquirer remembers what it authorized, captured and refunded whether or not Tender heard
the answer; ``lookup`` reads that memory after a crash or a timeout. The sandbox keeps it in a
small SQLite file of its own (``TENDER_SANDBOX_JOURNAL``), outside Tender's database, so it
survives a killed process just as an acquirer's records would; ``MemoryJournal`` is for a
sandbox that lives and dies with one process (tests).
"""

import json
import sqlite3
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Protocol

from tender.processor.protocol import Authorization, Movement, Outcome

Answer = Authorization | Movement


class Journal(Protocol):
    def record(self, reference: str, answer: Answer) -> None: ...

    def find(self, reference: str) -> Answer | None: ...


class MemoryJournal:
    def __init__(self) -> None:
        self._answers: dict[str, Answer] = {}

    def record(self, reference: str, answer: Answer) -> None:
        self._answers[reference] = answer

    def find(self, reference: str) -> Answer | None:
        return self._answers.get(reference)


def _encode(answer: Answer) -> str:
    kind = "authorization" if isinstance(answer, Authorization) else "movement"
    return json.dumps({"kind": kind, **asdict(answer)})


def _decode(text: str) -> Answer:
    data = json.loads(text)
    kind = data.pop("kind")
    data["outcome"] = Outcome(data["outcome"])
    return Authorization(**data) if kind == "authorization" else Movement(**data)


class FileJournal:
    """One SQLite file shared by every process of the installation (WAL; the acquirer's answers
    are small and written once, so durability is traded for speed: ``synchronous=OFF``)."""

    def __init__(self, path: str | Path) -> None:
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            str(path), timeout=30, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "busy_timeout=30000"):
            self._conn.execute(f"PRAGMA {pragma}")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS answers (reference TEXT PRIMARY KEY, answer TEXT NOT NULL)"
        )

    def record(self, reference: str, answer: Answer) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO answers (reference, answer) VALUES (?, ?)",
                (reference, _encode(answer)),
            )

    def find(self, reference: str) -> Answer | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT answer FROM answers WHERE reference = ?", (reference,)
            ).fetchone()
        return _decode(row[0]) if row else None

    def close(self) -> None:
        self._conn.close()


def open_journal(location: str) -> Journal:
    """``:memory:`` for a process-local journal, else the path of the journal file."""
    return MemoryJournal() if location == ":memory:" else FileJournal(location)
