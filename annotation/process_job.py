"""Run a job generator in a child Python process, driven from here like any other job.

Why: spaCy's Cython code, and the imports and model load before it, hold the GIL for up to
~0.2 s at a time (a module compiled, an extension initialised, a parser batch). On a worker
*thread* the window's event loop waits that long for every Python slot; with the work in a
child process the window's process only waits on a pipe, which needs no GIL.

The child opens the same project under this process's writer lock: the lock file's descriptor
is inherited, and flock belongs to the open file, so parent and child hold one lock and no
other Goldspan can take it meanwhile. It runs ``module:function(store, cancel=token, **kwargs)``
and sends each Progress, then the result or the exception, as pickles over a pipe.

Cancel: the parent writes to the child's stdin, the child's CancelToken is set and the job
stops between batches (its open batch rolls back). Before the job has counted anything (a
Progress with ``done > 0``: pre-annotation still importing spaCy and loading its model, which
cannot stop half-way) the child is ended at once instead: it has committed nothing, and Cancel
should not wait seconds for a model nobody will use. If the parent dies, stdin closes (the child
cancels) and PR_SET_PDEATHSIG ends the child anyway. A job that is cancelled or fails after
committing batches leaves one bulk line in the edit log (``log_partial_as``), as a finished one
does, so the snapshot taken before it is kept and Undo can take the partial run back.

A target that this process has replaced (a test's stand-in for the module or the function)
runs here, on the calling thread: what runs is always this process's version of the job.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from annotation.errors import GoldspanError
from annotation.jobs import CancelToken, Cancelled, Job, Progress

if TYPE_CHECKING:
    from annotation.store import Store

_HEADER = struct.Struct("!I")  # the length of each pickled message
_POLL_S = 0.1  # how often a waiting parent looks at its cancel token
_STOP_WAIT_S = 120.0  # a cancelled child finishes its batch; then it is killed


class ChildJobFailed(GoldspanError):
    """The job's process ended without saying how (killed, out of memory, a crash in C)."""


def in_child_process(store: "Store", target: str, kwargs: dict[str, Any] | None = None,
                     cancel: CancelToken | None = None, log_partial_as: str | None = None) -> Job[Any]:
    """Run ``target`` ("package.module:function", a job generator taking the store first and a
    ``cancel`` keyword) in a child process on ``store``'s project file; yields its Progress and
    returns its result. ``log_partial_as``: the edit-log action for a partial run (see above)."""
    kwargs = dict(kwargs or {})
    module_name, _, attribute = target.partition(":")
    loaded = sys.modules.get(module_name)
    if loaded is not None:
        function = getattr(loaded, attribute)
        if _name_of(function) != target:  # replaced in this process: run that one, here
            return (yield from function(store, cancel=cancel, **kwargs))
    if store.path is None or store.read_only or os.name == "nt":  # pass_fds and select on pipes are POSIX
        function = getattr(importlib.import_module(module_name), attribute)
        return (yield from function(store, cancel=cancel, **kwargs))
    return (yield from _drive_child(store.path, target, kwargs, cancel, log_partial_as))


def _name_of(function: object) -> str:
    return f"{getattr(function, '__module__', '')}:{getattr(function, '__qualname__', '')}"


def _lock_descriptor(path: Path) -> int:
    """This process's descriptor of the project's writer-lock file (held while the store is open)."""
    from annotation.store import locking

    with locking._locks_guard:  # noqa: SLF001 - the child shares exactly this open file
        held = locking._locks.get(str(path.resolve()))  # noqa: SLF001
    if held is None:
        raise GoldspanError(f"{path}: this process does not hold the project's writer lock")
    return held.fd


def _child_environment() -> dict[str, str]:
    """The child imports what this process imports: the same paths first."""
    env = dict(os.environ)
    paths = [p for p in sys.path if p]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _drive_child(path: Path, target: str, kwargs: dict[str, Any], cancel: CancelToken | None,
                 log_partial_as: str | None) -> Job[Any]:
    lock_fd = _lock_descriptor(path)
    read_fd, write_fd = os.pipe()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "annotation.process_job", str(write_fd), str(lock_fd), str(os.getpid())],
            stdin=subprocess.PIPE, pass_fds=(write_fd, lock_fd), env=_child_environment(),
        )
    except OSError:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    assert child.stdin is not None
    messages = _Reader(read_fd)
    cancel_sent = False
    finished = False
    counted = False  # a batch has been committed (the job reported done > 0)
    try:
        _send(child.stdin, (target, str(path), kwargs, log_partial_as))
        while True:
            if cancel is not None and cancel.cancelled and not cancel_sent:
                if not counted:
                    _end_now(child)
                    finished = True
                    raise Cancelled()
                cancel_sent = _ask_to_stop(child)
            message = messages.next(_POLL_S)
            if message is None:
                continue  # nothing yet: look at the token again
            kind, value = message
            if kind == "progress":
                counted = counted or getattr(value, "done", 0) > 0
                yield value
            elif kind == "done":
                finished = True
                return value
            elif kind == "cancelled":
                finished = True
                raise Cancelled()
            elif kind == "error":
                finished = True
                raise _rebuilt(value)
            elif kind == "eof":
                finished = True
                code = child.wait()
                raise ChildJobFailed(f"the job's process ended unexpectedly (exit code {code})")
    finally:
        if not finished:  # closed from outside (the runner saw Cancel) or an error here
            if counted:
                _ask_to_stop(child)
                _drain_until_exit(messages, child)
            else:
                _end_now(child)
        with contextlib.suppress(OSError):
            child.stdin.close()
        try:
            child.wait(_STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        messages.close()


def _end_now(child: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """SIGTERM: SQLite rolls back whatever the child had not committed."""
    with contextlib.suppress(OSError):
        child.terminate()
    try:
        child.wait(_STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        child.kill()


def _ask_to_stop(child: subprocess.Popen) -> bool:  # type: ignore[type-arg]
    with contextlib.suppress(OSError, ValueError):
        assert child.stdin is not None
        child.stdin.write(b"c")
        child.stdin.flush()
    return True


def _drain_until_exit(messages: "_Reader", child: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Read (and drop) what a stopping child still sends, so it never blocks on a full pipe."""
    waited = 0.0
    while waited < _STOP_WAIT_S:
        message = messages.next(_POLL_S)
        if message is None:
            waited += _POLL_S
            continue
        if message[0] in ("done", "cancelled", "error", "eof"):
            return
    child.kill()


def _rebuilt(value: object) -> BaseException:
    """The child's exception: itself when it survived pickling, else a GoldspanError (for one of
    ours: the message is what the user reads) or ChildJobFailed naming the type."""
    state, type_name, message, ours, text = value  # type: ignore[misc]
    exc: BaseException | None = None
    if state is not None:
        module_name, qualname, args, attributes = state
        with contextlib.suppress(Exception):
            cls = importlib.import_module(module_name)
            for part in qualname.split("."):
                cls = getattr(cls, part)
            exc = cls.__new__(cls)  # type: ignore[call-overload]
            exc.args = args  # type: ignore[union-attr]
            exc.__dict__.update(attributes)  # type: ignore[union-attr]
    if exc is None:
        exc = GoldspanError(message) if ours else ChildJobFailed(f"{type_name}: {message}")
    if text and not isinstance(exc, GoldspanError):
        exc.add_note(f"in the job's process:\n{text}")
    return exc


class _Reader:
    """Length-prefixed pickles from a pipe, read with a timeout."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = b""

    def next(self, timeout: float) -> tuple[str, Any] | None:
        while True:
            if len(self._buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(self._buffer)
                if len(self._buffer) >= _HEADER.size + size:
                    body = self._buffer[_HEADER.size:_HEADER.size + size]
                    self._buffer = self._buffer[_HEADER.size + size:]
                    return pickle.loads(body)  # type: ignore[no-any-return]
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self._fd, 1 << 16)
            if not chunk:
                return ("eof", None)
            self._buffer += chunk

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


def _send(stream: BinaryIO, value: object) -> None:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(body)) + body)
    stream.flush()


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_request(fd: int) -> Any:
    """Read straight from the descriptor, never through ``sys.stdin.buffer``: a buffered reader
    could swallow the Cancel byte with the request, and the cancel watcher blocked inside one
    holds its lock, which aborts the interpreter at exit ("could not acquire lock for <stdin>")."""
    header = _read_exactly(fd, _HEADER.size)
    if len(header) < _HEADER.size:
        raise SystemExit(0)  # the parent went away before asking anything
    (size,) = _HEADER.unpack(header)
    return pickle.loads(_read_exactly(fd, size))


# -- the child -------------------------------------------------------------------------------


def _die_with_parent(parent_pid: int) -> None:
    """SIGTERM when the thread that started this process ends (Linux); a no-op elsewhere."""
    import ctypes
    import ctypes.util
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        raise SystemExit(0)  # the parent died before the line above


def _share_lock(path: Path, fd: int) -> None:
    """Hold the writer lock through the inherited descriptor: Store.open then counts itself in
    and never flocks (a second open file would wait for the parent's lock) nor unlocks it."""
    from annotation.store import locking

    with locking._locks_guard:  # noqa: SLF001
        locking._locks[str(path.resolve())] = locking._HeldLock(fd, 1)  # noqa: SLF001 - never released here


def _watch_stdin(token: CancelToken) -> None:
    """Any byte (the parent's Cancel) or end of file (the parent is gone) cancels the job."""
    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            os.read(0, 1)  # unbuffered: see _read_request
        token.cancel()

    threading.Thread(target=watch, name="cancel-watch", daemon=True).start()


def child_main(argv: list[str]) -> int:
    out_fd, lock_fd, parent_pid = (int(a) for a in argv)
    _die_with_parent(parent_pid)
    out = os.fdopen(out_fd, "wb")
    target, path_text, kwargs, log_partial_as = _read_request(0)
    path = Path(path_text)
    token = CancelToken()
    _watch_stdin(token)
    _share_lock(path, lock_fd)
    from annotation.store import Store

    store = Store.open(path, check=False)  # the parent checked it
    changes_before = store.conn.total_changes
    ended = "failed"
    try:
        module_name, _, attribute = target.partition(":")
        job = getattr(importlib.import_module(module_name), attribute)(store, cancel=token, **kwargs)
        while True:
            try:
                progress = next(job)
            except StopIteration as stop:
                ended = "done"
                _send(out, ("done", stop.value))
                return 0
            _send(out, ("progress", progress if isinstance(progress, Progress) else Progress(0, 0, str(progress))))
            token.check()
    except Cancelled:
        ended = "cancelled"
        _log_partial(store, changes_before, log_partial_as, kwargs, ended)
        _send(out, ("cancelled", None))
        return 0
    except BaseException as exc:  # noqa: BLE001 - every failure is reported to the parent
        _log_partial(store, changes_before, log_partial_as, kwargs, ended)
        text = traceback.format_exc(limit=5)
        described = (type(exc).__name__, str(exc), isinstance(exc, GoldspanError), text)
        # The class, args and attributes, not the exception: many cannot be rebuilt by calling
        # the class with their args (InputError takes path, line and reason).
        state = (type(exc).__module__, type(exc).__qualname__, exc.args, dict(getattr(exc, "__dict__", {})))
        try:
            _send(out, ("error", (state, *described)))
        except Exception:  # noqa: BLE001 - state that does not pickle: the text is enough
            _send(out, ("error", (None, *described)))
        return 1
    finally:
        store.close()
        out.close()


def _log_partial(store: "Store", changes_before: int, action: str | None, kwargs: dict[str, Any], ended: str) -> None:
    if not action or store.conn.total_changes == changes_before:
        return
    with contextlib.suppress(Exception), store.transaction():
        store.log_bulk(str(kwargs.get("annotator", "")), action, {"partial": True, "ended": ended})


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
