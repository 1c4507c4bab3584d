"""The one-writer lock: flock on a separate ``<project>.db.lock`` file beside the project.

Never on the ``.db`` itself: closing any descriptor of the project file drops every POSIX lock
SQLite holds on it for the whole process (see connection.py). The lock file holds one line,
who holds the lock, for the error message; the holder removes it on a clean close (while still
holding it; a taker re-checks after its flock that the file it locked is still the one at the
path), and one left by a crash is simply reused.

flock is released by the kernel when the holder dies, so a crash never leaves a stale lock. A
forked child (spaCy's ``nlp.pipe(n_process=...)`` workers) inherits the descriptor and with it
the lock, which would outlive a killed parent: children close their copy right after the fork.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from annotation.errors import ProjectError, ProjectLocked


@dataclass
class _HeldLock:
    fd: int
    count: int


# One process holds the writer lock once; its worker threads open more connections under it.
_locks: dict[str, _HeldLock] = {}
_locks_guard = threading.Lock()


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def acquire_writer_lock(path: Path) -> bool:
    """Take the project's writer lock or raise ProjectLocked naming who holds it. True when this
    process did not hold it yet (a worker's second connection shares the holder's lock)."""
    key = str(path.resolve())
    with _locks_guard:
        held = _locks.get(key)
        if held:
            held.count += 1
            return False
        lock = lock_path(Path(key))
        while True:
            fd = _open_lock_file(lock, path)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                who = _lock_owner(lock)
                raise ProjectLocked(
                    f"{path}: the project is open for writing in another Goldspan process{who}; "
                    "close it there first, or open this one read-only (goldspan open --read-only)"
                ) from None
            if _still_linked(fd, lock):
                break
            os.close(fd)  # the holder removed this file as we opened it: take the new one
        _note_holder(fd)
        _locks[key] = _HeldLock(fd, 1)
        return True


def release_writer_lock(path: Path) -> None:
    key = str(path.resolve())
    with _locks_guard:
        held = _locks.get(key)
        if not held:
            return
        held.count -= 1
        if held.count == 0:
            # Removed while still held, so no project folder keeps a stray lock file; anyone who
            # opened it meanwhile sees it unlinked after their flock and starts again.
            with contextlib.suppress(OSError):
                if _still_linked(held.fd, lock_path(Path(key))):
                    lock_path(Path(key)).unlink()
            fcntl.flock(held.fd, fcntl.LOCK_UN)
            os.close(held.fd)
            del _locks[key]


def holds_writer_lock(path: Path) -> bool:
    with _locks_guard:
        return str(path.resolve()) in _locks


def _still_linked(fd: int, lock: Path) -> bool:
    """The descriptor is the file now at ``lock`` (not one a releasing holder just unlinked)."""
    try:
        now = os.stat(lock, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _open_lock_file(lock: Path, project: Path) -> int:
    flags = os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        return os.open(lock, os.O_RDWR | os.O_CREAT | flags, 0o644)
    except PermissionError:
        try:  # someone else's lock file: flock works on a read-only descriptor too
            return os.open(lock, os.O_RDONLY | flags)
        except OSError as exc:
            raise ProjectError(f"{project}: cannot take the writer lock ({lock}: {exc.strerror})") from None
    except OSError as exc:
        raise ProjectError(f"{project}: cannot take the writer lock ({lock}: {exc.strerror})") from None


def _note_holder(fd: int) -> None:
    since = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    note = f"pid {os.getpid()} on {socket.gethostname()} since {since}\n".encode()
    with contextlib.suppress(OSError):  # a read-only lock file: the error just names no one
        os.ftruncate(fd, 0)
        os.pwrite(fd, note, 0)


def _lock_owner(lock: Path) -> str:
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return ""
    try:
        note = os.read(fd, 200).decode("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    finally:
        os.close(fd)
    return f" ({note[0]})" if note else ""


def _forget_locks_in_child() -> None:
    """After fork: the child must not keep the parent's lock alive. Closing the inherited
    descriptor (not LOCK_UN, which would release the parent's lock too) drops only its share."""
    global _locks_guard
    for held in _locks.values():
        with contextlib.suppress(OSError):
            os.close(held.fd)
    _locks.clear()
    _locks_guard = threading.Lock()  # another thread may have held it at the fork


os.register_at_fork(after_in_child=_forget_locks_in_child)
