"""The import job: files (or folders) into a project, one transaction per file."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from annotation.errors import DiskFull, GoldspanError, InputError
from annotation.importers import IMPORTERS, ImportOptions, choose_importer
from annotation.exporters.safety import project_files
from annotation.importers.base import FORCED
from annotation.importers.interop import aliases_used
from annotation.jobs import CancelToken, Cancelled, Job, Progress
from annotation.store import ImportResult, Store


@dataclass
class ImportReport:
    result: ImportResult = field(default_factory=ImportResult)
    files_ok: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each: file:line: reason
    aliases: dict[str, str] = field(default_factory=dict)  # their label -> ours, by a built-in alias

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Folders become every supported file in them (sorted, recursive)."""
    extensions = {e for spec in IMPORTERS.values() for e in spec.extensions}
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in extensions and not _is_export_manifest(p)
            )
        else:
            out.append(path)
    return out


def _is_export_manifest(path: Path) -> bool:
    """Goldspan's own export manifests sit beside the data in an export folder; they are not data."""
    return path.name == "manifest.json" or path.name.endswith(".manifest.json")


def import_files(
    store: Store,
    paths: Iterable[str | Path],
    options: ImportOptions | None = None,
    fmt: str | None = None,
    annotator: str = "",
    cancel: CancelToken | None = None,
) -> Job[ImportReport]:
    """Import each file in its own transaction; a broken file imports nothing and is reported,
    the others still import. Yields progress in bytes over all files."""
    options = options or ImportOptions()
    report = ImportReport()
    files = expand_paths(paths)
    own = _project_inodes(store.path)
    sizes = {p: (p.stat().st_size if p.is_file() else 0) for p in files}
    total = sum(sizes.values())
    base = 0
    articles_read: dict[Path, bool] = {}  # formats whose article spans several files: each read once (ok?)
    for path in files:
        yield Progress(base, total, f"importing {path.name}")
        named = path
        try:
            if not path.exists():
                raise InputError(str(path), 0, "no such file")
            if path.is_dir():
                raise InputError(str(path), 0, "is a folder with no supported files")
            if not path.is_file():  # a pipe or a device would be read for ever
                raise InputError(str(path), 0, "is not a regular file")
            if _inode(path) in own:  # reading it would drop SQLite's locks on it in this process
                raise InputError(str(path), 0, "is the project itself (or one of its files), not something to import")
            spec = choose_importer(path, fmt)
            named = path  # the file the store's errors name (lines are counted in it)
            if spec.article_of is not None:
                named = spec.article_of(path)
                article = named.resolve()
                if article in articles_read:
                    if articles_read[article]:  # read with the article named before (a failure is said once)
                        report.files_ok.append(str(path))
                    base += sizes[path]
                    continue
                articles_read[article] = False
            file_options = replace(options, extra={**options.extra, FORCED: bool(fmt)})
            annot = options.as_annotator or (annotator if spec.carries_annotations else "")
            last = [0]

            def note(done: int) -> None:
                last[0] = done

            with store.transaction():
                file_result = ImportResult()
                batch = []
                for article in spec.read(path, file_options, note):
                    batch.append(article)
                    if len(batch) >= 200:
                        file_result += store.import_articles(batch, named.name, annot)
                        batch = []
                        if cancel is not None:
                            cancel.check()
                        yield Progress(base + last[0], total, f"importing {path.name}")
                file_result += store.import_articles(batch, named.name, annot)
                if file_result.documents_added + file_result.documents_existing == 0:
                    raise InputError(str(path), 0, "no articles found in the file")
                aliases = aliases_used(path, file_options)  # refuses labels merged by aliases alone
                store.log_bulk(annotator, "import", {"file": str(path), "format": spec.name,
                                                     "documents": file_result.documents_added,
                                                     "comments": file_result.comments_added,
                                                     "spans": file_result.spans_added,
                                                     **({"labels_mapped": aliases} if aliases else {})})
            report.result += file_result
            report.aliases.update(aliases)
            if spec.article_of is not None:
                articles_read[named.resolve()] = True
            report.files_ok.append(str(path))
        except InputError as exc:
            if exc.path == named.name:  # the store names the file as recorded (its name): say which one
                exc = InputError(str(named), exc.line, exc.reason, offset=exc.offset)
            report.errors.append(str(exc))
        except DiskFull:
            # Every later file would fail the same way: stop, the files imported so far are kept.
            raise
        except GoldspanError as exc:
            report.errors.append(str(exc))
        except OSError as exc:
            report.errors.append(f"{path}: cannot read: {exc.strerror or exc}")
        except (Cancelled, sqlite3.OperationalError):
            # Cancelling, a full disk or a lost lock is about the whole job, not this file: stop.
            raise
        except sqlite3.DatabaseError as exc:
            if type(exc) is sqlite3.DatabaseError:  # a damaged project: going on would make it worse
                raise
            report.errors.append(f"{path}: cannot import this file ({type(exc).__name__}: {_one_line(exc)}); "
                                 "nothing of it was imported")
        except Exception as exc:  # noqa: BLE001
            # A case an importer did not foresee must not abort the other files with a traceback:
            # this file's transaction is rolled back, it is named on one line, the rest go on.
            report.errors.append(f"{path}: cannot import this file ({type(exc).__name__}: {_one_line(exc)}); "
                                 "nothing of it was imported")
        base += sizes[path]
    yield Progress(total, total, "done")
    return report


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def is_project_file(project: Path | None, path: Path) -> bool:
    """Whether ``path`` names the project or one of its side files (by inode: links too). Such a
    file must never be read inside this process: closing it would drop SQLite's locks."""
    return project is not None and _inode(path) in _project_inodes(project)


def _project_inodes(project: Path | None) -> set[tuple[int, int] | None]:
    """The project file and its side files by inode, so no name or link to them is read."""
    inodes = {_inode(p) for p in project_files(project)}
    inodes.discard(None)
    return inodes
