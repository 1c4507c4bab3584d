"""What keeps an export from destroying anything: the project's own files, other programs'
files, and whatever a symbolic link points at.

DESIGN: "An export never writes onto the project, never deletes a file it did not write, never
follows a symlink out of its folder." Concretely:

- Every path an export is about to write is checked first against the project file, its
  SQLite and lock side files and its snapshot folder, by resolved name and by inode, so a hard
  link or a symbolic link to the project is caught as surely as the project's own name.
- A path that is a symbolic link, or whose folder resolves outside the export's folder, is
  refused; files are opened with O_NOFOLLOW so a link slipped in later is not written through.
- An existing file is overwritten only when it is OUT itself (the user named it) or when a
  previous Goldspan export in this folder listed it; anything else there is someone else's.
- A re-export removes a file of the previous export only when that export's manifest carries
  Goldspan's marker, was written for this very folder, and the file's size and SHA-256 still
  match what was written: another program's ``manifest.json`` can never name files to delete.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from annotation.errors import GoldspanError
from annotation.snapshots import FOLDER_NAME as SNAPSHOT_FOLDER

MARKER = "goldspan_export"  # the manifest key only Goldspan writes
MARKER_VERSION = 1
# The SQLite files beside a project (WAL, shared memory, rollback journal) and lock files.
_SIDE_SUFFIXES = ("", "-wal", "-shm", "-journal", "-lock", ".lock", "-lck", ".lck")
_LEGACY_KEYS = {"project", "format", "annotator", "schema", "files", "counts"}  # manifests before the marker


class UnsafeExport(GoldspanError):
    """The export would write onto or remove something it must not touch (raised before it does)."""


def project_files(project: Path | None) -> list[Path]:
    """The project file and every side file SQLite or Goldspan keeps beside it."""
    if project is None:
        return []
    return [project.with_name(project.name + suffix) for suffix in _SIDE_SUFFIXES]


@dataclass
class Previous:
    """What the manifest already in the export's place says (or that it is someone else's)."""

    listed: set[Path] = field(default_factory=set)  # resolved paths a Goldspan export wrote here
    verified: dict[Path, tuple[int, str]] = field(default_factory=dict)  # path -> (size, sha256) from the marker
    # The same from a marker written for another folder (this one was copied or moved): such a
    # file may be overwritten while it is byte for byte what Goldspan wrote, never removed.
    copied: dict[Path, tuple[int, str]] = field(default_factory=dict)
    export_id: str = ""
    foreign: bool = False  # a manifest.json that Goldspan did not write


class OutputGuard:
    """Decides, before anything is opened, whether an export may write or remove a path."""

    def __init__(self, project: Path | None, root: Path, out: Path, manifest: Path) -> None:
        self.project = project
        self.root = root.resolve()  # every file of the export stays inside this folder
        self._root_prefix = str(self.root).rstrip(os.sep) + os.sep
        self.out = out
        self.manifest = manifest
        self._names = {p.resolve() for p in project_files(project)}
        self._project_dir = project.resolve().parent if project is not None else None
        self._project_name = project.resolve().name if project is not None else ""
        self._snapshots = str(self._project_dir / SNAPSHOT_FOLDER) if self._project_dir is not None else ""
        self._inodes: set[tuple[int, int]] = set()
        for path in project_files(project):
            try:
                st = os.stat(path)
            except OSError:
                continue
            self._inodes.add((st.st_dev, st.st_ino))
        self._parents: dict[Path, Path] = {}
        # Never even read a project file: opening and closing one drops SQLite's POSIX locks in
        # this process (check_before_start then refuses such a manifest path).
        self.previous = Previous() if self.is_project_file(manifest) else read_previous(manifest, self.root)
        self._out, self._manifest = out.resolve(), manifest.resolve()
        self.created: set[Path] = set()  # files this export made (did not exist before)

    # -- checks --

    def resolved(self, path: Path) -> Path:
        """``path`` with its folder resolved (cached: thousands of files share a few folders);
        the last part is kept as it is, so a link there is seen as a link."""
        parent = self._parents.get(path.parent)
        if parent is None:
            parent = self._parents[path.parent] = path.parent.resolve()
        return parent / path.name

    def is_project_file(self, path: Path) -> bool:
        return self._is_project(path.resolve(), _stat(path))

    def _is_project(self, resolved: Path, st: os.stat_result | None) -> bool:
        """``resolved``: a path with no link left in it; ``st``: its stat (following a link), if it exists."""
        if resolved in self._names:
            return True
        if self._project_dir is not None:
            if resolved.parent == self._project_dir and resolved.name.startswith(self._project_name):
                rest = resolved.name[len(self._project_name):]
                if rest in _SIDE_SUFFIXES or rest.startswith("-mj"):  # -mjXXXX: SQLite's super-journals
                    return True
            text = str(resolved)  # (string tests: this runs for every file of an export)
            if text == self._snapshots or text.startswith(self._snapshots + os.sep):
                return True  # the snapshots that take bulk jobs back are the project's too
        # A hard link (or a link through another name) to one of the project's files.
        return st is not None and (st.st_dev, st.st_ino) in self._inodes

    def refuse_project(self, path: Path) -> None:
        if self.is_project_file(path):
            raise UnsafeExport(f"{path}: is the project {self.project} (or one of its own files); an export never "
                               "writes there: choose another OUT")

    def check_before_start(self) -> None:
        """OUT, its manifest and the folder: refused with one line before any file is touched."""
        self.refuse_project(self.root)
        for path in (self.out, self.manifest):
            self.refuse_project(path)
            # OUT may name a folder through a link (the user chose it); a file is never written through one.
            if path.is_symlink() and not (path is self.out and self.out.resolve() == self.root):
                raise UnsafeExport(f"{path}: is a symbolic link; an export never writes through a link")
        if self.previous.foreign:
            raise UnsafeExport(f"{self.manifest}: exists and was not written by Goldspan; an export would replace it "
                               "(choose an empty folder or another OUT)")

    def claim(self, path: Path) -> Path:
        """Allow writing ``path`` (raising UnsafeExport when it must not be written); returns it."""
        try:
            st: os.stat_result | None = os.lstat(path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise UnsafeExport(f"{path}: cannot write: {exc.strerror or exc}") from None
        if st is not None and stat.S_ISLNK(st.st_mode):
            if self.is_project_file(path):
                self.refuse_project(path)
            raise UnsafeExport(f"{path}: is a symbolic link; an export never writes through a link")
        resolved = self.resolved(path)  # no link left: the folder is resolved, the file is none
        if self._is_project(resolved, st):
            self.refuse_project(path)
        if not self._inside(resolved):
            raise UnsafeExport(f"{path}: its folder leads outside {self.root} (a symbolic link?); an export stays in its folder")
        if st is None:
            self.created.add(resolved)
            return path
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeExport(f"{path}: exists and is not a file; the export will not replace it")
        ours = (resolved in self.previous.listed or resolved in self.created or resolved in (self._out, self._manifest)
                or _unchanged(path, self.previous.copied.get(resolved)))
        if not ours:
            raise UnsafeExport(f"{path}: exists and no earlier Goldspan export here wrote it; the export will not "
                               "overwrite it (choose an empty folder or another OUT)")
        return path

    # -- writing and removing --

    def open_text(self, path: Path) -> IO[str]:
        """Open a claimed path for writing, never through a symbolic link put there meanwhile."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags, 0o666)
        except OSError as exc:
            raise UnsafeExport(f"{path}: cannot write: {exc.strerror or exc}") from None
        # newline="" so a text's own CRLF line ends are written as they are: offsets depend on them.
        return open(fd, "w", encoding="utf-8", newline="")

    def remove(self, path: Path) -> bool:
        """Remove a regular file this export (or a verified earlier one) wrote; never the project,
        never a link or what it points at. Returns whether it was removed."""
        try:
            st = os.lstat(path)
        except OSError:
            return False
        resolved = self.resolved(path)
        if not stat.S_ISREG(st.st_mode) or self._is_project(resolved, st):
            return False
        if not self._inside(resolved):
            return False
        try:
            path.unlink()
        except OSError:
            return False
        return True

    def remove_stale(self, written: set[Path]) -> list[Path]:
        """Files of the previous export that this one did not write again, when unchanged since."""
        removed = []
        for path, (size, digest) in sorted(self.previous.verified.items()):
            if path in written or not _no_link_on_the_way(self.root, path) or self._is_project(path, _stat(path)):
                continue  # (the project check comes before hashing: reading the project drops its locks)
            if not _unchanged(path, (size, digest)):
                continue  # changed since Goldspan wrote it: not ours to remove any more
            if self.remove(path):
                removed.append(path)
        return removed

    def marker(self, files: list[Path]) -> dict[str, Any]:
        """The manifest entry that lets the next export here recognise (only) these files."""
        entries = []
        for path in files:
            try:
                size = os.lstat(path).st_size
            except OSError:
                continue
            entries.append({"name": self.relative_name(path), "size": size, "sha256": file_digest(path)})
        return {"version": MARKER_VERSION, "id": self.previous.export_id or secrets.token_hex(16),
                "folder": str(self.root), "files": entries}

    def _inside(self, resolved: Path) -> bool:
        """Whether a resolved path lies inside the export's folder (not the folder itself)."""
        return str(resolved).startswith(self._root_prefix)

    def relative_name(self, path: Path) -> str:
        """How the manifest names a file: relative to the export's folder."""
        resolved = self.resolved(path)
        if not self._inside(resolved):
            return str(path)
        return str(resolved)[len(self._root_prefix):].replace(os.sep, "/")


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unchanged(path: Path, recorded: tuple[int, str] | None) -> bool:
    """A regular file (not a link) with exactly the size and SHA-256 Goldspan recorded for it."""
    if recorded is None:
        return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size == recorded[0] and file_digest(path) == recorded[1]


def _no_link_on_the_way(root: Path, path: Path) -> bool:
    """True when no folder between ``root`` and ``path`` (nor the file) is a symbolic link."""
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            return False
    return True


def _safe_member(root: Path, name: Any) -> Path | None:
    """``root/name`` when ``name`` is a plain relative path inside root, else None."""
    if not isinstance(name, str) or not name or "\x00" in name or "\\" in name:
        return None
    rel = PurePosixPath(name)
    if rel.is_absolute() or any(part in ("", ".", "..") for part in rel.parts):
        return None
    return root.joinpath(*rel.parts)


def read_previous(manifest: Path, root: Path) -> Previous:
    """What a manifest already at ``manifest`` says; someone else's is marked foreign and trusted for nothing."""
    if manifest.is_symlink():
        return Previous(foreign=True)
    try:
        raw = manifest.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return Previous()  # nothing there (or not even a folder yet: that error comes later, clearer)
    except OSError:
        return Previous(foreign=True)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return Previous(foreign=True)
    if not isinstance(data, dict):
        return Previous(foreign=True)
    marker = data.get(MARKER)
    if isinstance(marker, dict) and marker.get("version") == MARKER_VERSION and isinstance(marker.get("files"), list):
        here = marker.get("folder") == str(root)  # else copied or moved: its list proves less
        previous = Previous(export_id=str(marker.get("id") or "") if here else "")
        for entry in marker["files"]:
            if not isinstance(entry, dict):
                continue
            path = _safe_member(root, entry.get("name"))
            size, digest = entry.get("size"), entry.get("sha256")
            if path is None or not isinstance(size, int) or not isinstance(digest, str):
                continue
            if here:
                previous.listed.add(path)
                previous.verified[path] = (size, digest)
            else:
                previous.copied[path] = (size, digest)
        return previous
    if _LEGACY_KEYS <= data.keys() and isinstance(data.get("files"), list):
        # Goldspan's manifests before the marker: their names may be overwritten, never removed.
        previous = Previous()
        for name in data["files"]:
            path = _safe_member(root, name)
            if path is not None:
                previous.listed.add(path)
        return previous
    return Previous(foreign=True)
