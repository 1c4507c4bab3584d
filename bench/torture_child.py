"""Child processes of bench/crash_torture.py.

    python bench/torture_child.py edit PROJECT ACK_FILE SEED ANNOTATOR [--no-dialog | --plain-dialog] [--window-import]
    python bench/torture_child.py reader PROJECT STOP_FILE

``edit`` opens PROJECT the way ``goldspan open`` does (gui.app.open_window: header check, writer
lock, background integrity check, undo history rebuilt from the log), shows a non-native file
dialog on the project's folder, and then applies random edits through the window's path
(Session.push -> CoreCommand -> store.apply; undo and redo through the QUndoStack) until it is
killed. After each edit returns committed it appends one JSON line per new ``edits`` row to
ACK_FILE (written with one write(), then fsync), so the parent may trust every line it reads.

``reader`` is a researcher's terminal: ``sqlite3 PROJECT "select count(*) from stances"`` in a
loop, every tenth time ``sqlite3 PROJECT ".backup COPY"`` as a backup tool would (the sqlite3
shell when installed, else Python's sqlite3), until STOP_FILE exists.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_WORD = re.compile(r"\w+")


# -- the outside reader ------------------------------------------------------------------------

def reader(project: str, stop_file: str, pause: float = 0.03) -> int:
    shell = shutil.which("sqlite3")
    reads = errors = 0
    backup = Path(stop_file).with_name(Path(stop_file).name + ".backup.db")
    while not os.path.exists(stop_file):
        # now and then a backup tool instead of a query: it too opens, reads and closes the file
        command = f".backup '{backup}'" if reads % 10 == 9 else "select count(*) from stances"
        try:
            if shell:
                out = subprocess.run([shell, project, command], capture_output=True, text=True, timeout=10)
                ok = out.returncode == 0
            else:
                conn = sqlite3.connect(project, timeout=5)
                if command.startswith(".backup"):
                    target = sqlite3.connect(backup)
                    conn.backup(target)
                    target.close()
                else:
                    conn.execute(command).fetchone()
                conn.close()
                ok = True
        except (sqlite3.Error, subprocess.SubprocessError, OSError):
            ok = False
        reads += ok
        errors += not ok
        time.sleep(pause)
    backup.unlink(missing_ok=True)
    print(json.dumps({"reads": reads, "errors": errors}), flush=True)
    return 0


# -- the editing window --------------------------------------------------------------------------

class Acks:
    """Appends acknowledgement lines; each is one write() of a whole line, then fsync."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, record: dict) -> None:  # type: ignore[type-arg]
        os.write(self.fd, (json.dumps(record, sort_keys=True) + "\n").encode("utf-8"))
        os.fsync(self.fd)


def _file_dialog(parent, folder: Path, plain: bool = False):  # type: ignore[no-untyped-def]
    """The window's lock-safe dialog (gui/file_dialogs.py) when it exists, else (or with
    ``plain``) a plain non-native QFileDialog on the folder, as Import/Open/Merge showed before."""
    from PySide6.QtWidgets import QFileDialog

    dialog = None
    if not plain:
        try:
            from gui.file_dialogs import file_dialog  # type: ignore[import-not-found]

            dialog = file_dialog(parent, "Import articles", str(folder), mode=QFileDialog.FileMode.ExistingFiles)
        except (ImportError, TypeError):
            dialog = None
    kind = "gui.file_dialogs.file_dialog" if dialog is not None else "plain QFileDialog(DontUseNativeDialog)"
    if dialog is None:
        dialog = QFileDialog(parent, "Import articles", str(folder))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setNameFilters(["All files (*)"])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setDirectory(str(folder))
    dialog.show()
    return dialog, kind


class Editor:
    """Picks the next edit a researcher could make in the window and makes it."""

    def __init__(self, window, rng: random.Random, undo: bool = True) -> None:  # type: ignore[no-untyped-def]
        self.window = window
        self.undo = undo
        self.session = window.session
        self.store = window.session.store
        self.annotator = window.session.annotator
        self.rng = rng
        self.documents = self.store.document_ids()
        schema = self.store.schema
        self.entity_labels = schema.label_names("entity")
        self.stance_labels = tuple(d.name for d in schema.stance_labels)
        self.seq = 0

    def _document(self) -> int:
        current = self.session.current_document
        if current is None or self.rng.random() < 0.08:  # now and then, switch documents
            current = self.rng.choice(self.documents)
            self.window.open_document(current)
        return current

    def _own_spans(self, document_id: int, **where):  # type: ignore[no-untyped-def]
        return [s for s in self.store.spans(document_id, self.annotator)
                if all(getattr(s, k) == v for k, v in where.items())]

    def _word_range(self, text: str, max_words: int) -> tuple[int, int] | None:
        words = [m.span() for m in _WORD.finditer(text)]
        if not words:
            return None
        first = self.rng.randrange(len(words))
        last = min(len(words) - 1, first + self.rng.randrange(max_words))
        return words[first][0], words[last][1]

    def step(self) -> str:
        """Make one edit (or undo/redo); returns what was tried."""
        from annotation.commands import ClearStance, DeleteSpan, SetStance, SetStatus, UpdateSpan
        from annotation.model import ENTITY, QUOTE_LAYER, STATUSES
        from gui.editing import accept_all_command, accept_command, add_span_command

        self.seq += 1
        doc = self._document()
        r = self.rng.random()
        if r < 0.15 and not self.undo:
            r = 0.15 + r * 5.6  # no undo in this run: another edit instead
        if r < 0.10:
            self.window.undo()  # Edit > Undo: the session's undo (a bulk job's step restores its snapshot)
            return "undo"
        if r < 0.15:
            self.window.redo()
            return "redo"
        if r < 0.40:  # a new entity, or a QUOTE with its SOURCE
            units = self.store.units(doc)
            unit = self.rng.choice(units)
            text = self.store.unit_text(unit)
            if self.rng.random() < 0.7:
                where = self._word_range(text, 3)
                if where is None:
                    return "skip"
                label = self.rng.choice(self.entity_labels)
                self.session.push(add_span_command(unit, *where, label, ENTITY, self.annotator, None))
                return f"add {label}"
            where = self._word_range(text, 12)
            if where is None:
                return "skip"
            if not self.session.push(add_span_command(unit, *where, "QUOTE", QUOTE_LAYER, self.annotator, None)):
                return "add QUOTE (refused)"
            quote = max((s.id for s in self._own_spans(doc, label="QUOTE")), default=None)
            source = self._word_range(text, 2)
            if quote is not None and source is not None:
                self.session.push(add_span_command(unit, *source, "SOURCE", QUOTE_LAYER, self.annotator, quote))
            return "add QUOTE+SOURCE"
        if r < 0.52:
            spans = self._own_spans(doc, layer=ENTITY)
            if spans:
                span = self.rng.choice(spans)
                label = self.rng.choice([x for x in self.entity_labels if x != span.label] or [span.label])
                self.session.push(UpdateSpan(span.id, label=label))  # type: ignore[arg-type]
            return "relabel"
        if r < 0.62:
            spans = self._own_spans(doc)
            if spans:
                self.session.push(DeleteSpan(self.rng.choice(spans).id))  # type: ignore[arg-type]
            return "delete"
        if r < 0.68:
            suggestions = self._own_spans(doc, origin="model")
            if suggestions:
                cmd = accept_command(self.rng.choice(suggestions))
                if cmd is not None:
                    self.session.push(cmd)
            return "accept"
        if r < 0.70:
            cmd = accept_all_command(self.store, doc, self.annotator)
            if cmd is not None:
                self.session.push(cmd)
            return "accept all"
        if r < 0.92:  # stance on a comment
            comments = self.store.comments(doc)
            targets = self.store.targets(doc)
            if not comments or not targets:
                return "skip"
            comment = self.rng.choice(comments)
            target = self.rng.choice(targets)
            if self.rng.random() < 0.85:
                self.session.push(SetStance(comment.id, target, self.annotator, self.rng.choice(self.stance_labels),  # type: ignore[arg-type]
                                            note=f"torture {os.getpid()}.{self.seq}", unsure=self.rng.random() < 0.2))
                return "stance"
            self.session.push(ClearStance(comment.id, target, self.annotator))  # type: ignore[arg-type]
            return "clear stance"
        self.session.push(SetStatus(doc, self.annotator, self.rng.choice(STATUSES), note=f"torture {os.getpid()}.{self.seq}"))
        return "status"


def import_file(store, folder: Path, rng: random.Random, articles: int = 30) -> Path:  # type: ignore[no-untyped-def]
    """New articles with comment threads for the window to import (this child's own file)."""
    words = " ".join(store.document(d).text for d in store.document_ids()[:5]).split()
    path = folder / f"import-{os.getpid()}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for a in range(articles):
            start = rng.randrange(max(1, len(words) - 400))
            comments = [{"id": str(c), "parent": str(rng.randrange(c)) if c and rng.random() < 0.4 else None,
                         "text": " ".join(words[start + c:start + c + rng.randint(5, 30)]) + f" ({os.getpid()}.{a}.{c})"}
                        for c in range(rng.randint(2, 15))]
            record = {"id": f"window-{os.getpid()}-{a}", "title": f"Imported in the window {os.getpid()}.{a}",
                      "text": " ".join(words[start:start + rng.randint(100, 400)]) + f" ({os.getpid()}.{a})",
                      "comments": [{k: v for k, v in c.items() if v is not None} for c in comments]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def edit(project: str, ack_file: str, seed: int, annotator: str, dialog: str = "window",
         window_import: bool = False) -> int:
    """``dialog``: "window" (the window's own dialog builder), "plain" (a plain QFileDialog) or "none".
    ``window_import``: at a random moment the window imports a file of new articles from the
    project's folder on its worker (as Ctrl+I does) while the edits go on; no undo in this mode
    (undoing the import restores its snapshot, which takes the log rows after it away too)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from gui.app import _application, open_window

    app = _application(False)
    assert isinstance(app, QApplication)
    acks = Acks(ack_file)
    window = open_window(project, annotator, interactive=False)
    if window is None or window.store.read_only:
        acks.write({"event": "refused", "pid": os.getpid()})
        return 2
    window.remember_layout = False
    window.show()
    folder = Path(project).resolve().parent
    file_dialog, kind = _file_dialog(window, folder, plain=dialog == "plain") if dialog != "none" else (None, "none")
    for _ in range(20):  # let the dialog list the folder and the integrity check start
        app.processEvents()
        time.sleep(0.005)
    store = window.store
    last = store.conn.execute("SELECT coalesce(max(id), 0) FROM edits").fetchone()[0]
    acks.write({"event": "ready", "pid": os.getpid(), "dialog": kind, "last_edit": last})
    rng = random.Random(seed)
    editor = Editor(window, rng, undo=not window_import)
    import_at = rng.randint(1, 60) if window_import else -1
    while True:
        if editor.seq == import_at:
            path = import_file(store, folder, rng)
            started = window.import_paths([str(path)])
            acks.write({"event": "import", "file": str(path), "started": bool(started), "pid": os.getpid()})
        editor.step()
        app.processEvents()
        rows = store.conn.execute("SELECT id, action, command FROM edits WHERE id > ? ORDER BY id", (last,)).fetchall()
        for row in rows:  # committed: store.apply returned after COMMIT
            acks.write({"id": row[0], "action": row[1], "command": row[2], "pid": os.getpid()})
            last = row[0]
        if editor.seq % 40 == 0 and not window._checker.busy:
            window.check_integrity_in_background()  # a worker opens the project, checks it, closes it
        if file_dialog is not None and editor.seq % 25 == 0:
            file_dialog.setDirectory(str(folder))  # the dialog looks again


def main(argv: list[str]) -> int:
    if argv[0] == "reader":
        return reader(argv[1], argv[2])
    if argv[0] == "edit":
        dialog = "none" if "--no-dialog" in argv else "plain" if "--plain-dialog" in argv else "window"
        return edit(argv[1], argv[2], int(argv[3]), argv[4], dialog, "--window-import" in argv)
    raise SystemExit(f"unknown mode {argv[0]!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
