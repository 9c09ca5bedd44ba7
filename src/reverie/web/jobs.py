"""Work that outlives a request, in this process: transcript uploads awaiting confirmation, and analyses running.

Uploads are held in memory (never written to disk in the clear) for ``UPLOAD_TTL``
seconds, and only their owner may confirm them; an analysis runs in a thread as the
user who started it, through the workspace like any call, and its page polls it.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

UPLOAD_TTL = 1800.0


@dataclass
class Upload:
    owner: str
    name: str
    data: bytes
    options: dict[str, Any]
    made: float = field(default_factory=time.monotonic)


@dataclass
class Job:
    owner: str
    client: str
    href: str
    state: str = "running"  # running | done | failed
    step: str = "starting"
    done: int = 0
    total: int = 0
    message: str = ""
    thread: threading.Thread | None = field(default=None, repr=False)


class Jobs:
    """Uploads and analysis jobs by random id; each is visible to its owner only."""

    def __init__(self) -> None:
        self._uploads: dict[str, Upload] = {}
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def hold(self, upload: Upload) -> str:
        key = secrets.token_urlsafe(16)
        with self._lock:
            now = time.monotonic()
            self._uploads = {k: u for k, u in self._uploads.items() if now - u.made < UPLOAD_TTL}
            self._uploads[key] = upload
        return key

    def upload(self, key: str, owner: str, take: bool = False) -> Upload | None:
        with self._lock:
            u = self._uploads.get(key)
            if u is None or u.owner != owner or time.monotonic() - u.made >= UPLOAD_TTL:
                return None
            if take:
                del self._uploads[key]
            return u

    def start(self, job: Job, work: Any) -> str:
        """Run ``work(job)`` in a thread; the job records its end (a failure keeps only the error's message)."""
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._jobs = {k: j for k, j in self._jobs.items() if j.state == "running" or len(self._jobs) < 200}
            self._jobs[key] = job

        def run() -> None:
            try:
                work(job)
                job.state, job.step = "done", "finished"
            except Exception as exc:  # noqa: BLE001 - shown to its owner as a message, never a trace
                job.state, job.message = "failed", getattr(exc, "message", None) or type(exc).__name__
        job.thread = threading.Thread(target=run, daemon=True, name=f"reverie-job-{key[:6]}")
        job.thread.start()
        return key

    def job(self, key: str, owner: str) -> Job | None:
        j = self._jobs.get(key)
        return j if j is not None and j.owner == owner else None
