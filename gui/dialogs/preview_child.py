"""The import preview of a large selection, read in a child process.

Reading 200 articles is Python work that holds the GIL (JSON parsing, the importers, charset
detection when a file is not UTF-8); on a worker thread it still stalled the dialog's UI thread
for 100 ms and more, the UI thread waiting for the GIL at every Qt call. In a child process it
holds the child's GIL only: the worker thread here waits on a pipe, and the result comes back
as the same ``Preview`` (pickled), counts, problems and all.

The child is started with ``python -m gui.dialogs.preview_child``: it reads the pickled
arguments on stdin and writes the pickled ``(preview, preview without the mapping)`` on stdout.
It opens only the files to preview (never the open project's, as ``preview`` refuses them), and
no descriptor of this process is passed to it, so SQLite's locks here are safe.
"""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotation.errors import GoldspanError

if TYPE_CHECKING:
    from annotation.importers import ImportOptions
    from annotation.schema import Schema
    from gui.dialogs.import_dialog import Preview

TIMEOUT_S = 600


class PreviewChildFailed(GoldspanError):
    """The preview's process ended without an answer."""


def preview_in_child(paths: list[str], schema: "Schema", options: "ImportOptions", fmt: str | None,
                     project: Path | None, mapped: bool) -> tuple["Preview", "Preview"]:
    """(preview, preview without the label mapping), computed by ``import_dialog.preview`` in a
    child process; the second is the first when ``mapped`` is false. Blocks the calling thread
    (a worker's) without holding the GIL while the child reads."""
    from annotation.process_job import _child_environment

    request = pickle.dumps((list(paths), schema, options, fmt, project, mapped), protocol=pickle.HIGHEST_PROTOCOL)
    done = subprocess.run([sys.executable, "-m", "gui.dialogs.preview_child"], input=request, capture_output=True,
                          env=_child_environment(), timeout=TIMEOUT_S, check=False)
    if done.returncode != 0 or not done.stdout:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise PreviewChildFailed(f"the preview's process failed: {tail[0]}")
    result, raw = pickle.loads(done.stdout)  # noqa: S301 - our own child's answer
    return result, raw


def _main() -> int:
    from gui.dialogs.import_dialog import _without_map, preview

    paths, schema, options, fmt, project, mapped = pickle.loads(sys.stdin.buffer.read())  # noqa: S301
    result = preview(paths, schema, options, fmt, project)
    raw = preview(paths, schema, _without_map(options), fmt, project) if mapped else result
    answer: Any = (result, raw)
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
