"""File dialogs that never open the files they list.

Qt's file dialogs guess each listed file's type and icon with QMimeDatabase, which reads the
first bytes of every file in the folder, the open project's ``.db``, ``-wal`` and ``-shm``
included. Opening and closing the project file outside SQLite drops every POSIX lock SQLite
holds on it for this whole process (see annotation/store/connection.py), after which another
program's ``sqlite3`` can delete the WAL under us and edits are lost on a crash. These dialogs
use Qt's own (non-native) widget with an icon provider that looks at names only: a native
dialog would run in our process too, with its own sniffing we cannot switch off.
"""
from __future__ import annotations

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

ALL_FILES = "All files (*)"


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file name and stat() only, never from the contents."""

    def __init__(self) -> None:
        super().__init__()
        # Qt may otherwise read a folder's .directory file for a custom folder icon
        self.setOptions(QFileIconProvider.Option.DontUseCustomDirectoryIcons)
        self._folder = super().icon(QFileIconProvider.IconType.Folder)
        self._file = super().icon(QFileIconProvider.IconType.File)
        self._drive = super().icon(QFileIconProvider.IconType.Drive)

    def icon(self, what: object) -> QIcon:  # type: ignore[override]
        if isinstance(what, QFileIconProvider.IconType):
            return super().icon(what)
        info = what if isinstance(what, QFileInfo) else QFileInfo(str(what))
        if info.isRoot():
            return self._drive
        return self._folder if info.isDir() else self._file

    def type(self, info: QFileInfo) -> str:  # type: ignore[override]
        if info.isRoot():
            return "Drive"
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


def file_dialog(parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ALL_FILES,
                mode: QFileDialog.FileMode = QFileDialog.FileMode.ExistingFile, save: bool = False) -> QFileDialog:
    """A file dialog on ``directory`` that does not read the files it shows (not yet shown)."""
    dialog = QFileDialog(parent, caption)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
    # Set before the folder is listed: the model asks the provider as it gathers file info.
    provider = NameOnlyIconProvider()
    dialog.setIconProvider(provider)
    dialog._name_only_icons = provider  # type: ignore[attr-defined]  # the dialog does not own it
    dialog.setNameFilters([f for f in name_filter.split(";;") if f])
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    else:
        dialog.setFileMode(mode)
    _set_start(dialog, directory)
    return dialog


def _set_start(dialog: QFileDialog, directory: str) -> None:
    """``directory`` may be a folder or a file name to preselect (as with QFileDialog's statics)."""
    if not directory:
        return
    info = QFileInfo(directory)
    if info.isDir():
        dialog.setDirectory(directory)
    else:
        if info.path() not in ("", "."):
            dialog.setDirectory(info.path())
        dialog.selectFile(info.fileName())


def _run(dialog: QFileDialog) -> list[str]:
    try:
        return dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []
    finally:
        dialog.deleteLater()


def get_open_file_name(parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ALL_FILES) -> str:
    """One existing file, or "" when cancelled."""
    chosen = _run(file_dialog(parent, caption, directory, name_filter, QFileDialog.FileMode.ExistingFile))
    return chosen[0] if chosen else ""


def get_open_file_names(parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ALL_FILES) -> list[str]:
    """Existing files, or [] when cancelled."""
    return _run(file_dialog(parent, caption, directory, name_filter, QFileDialog.FileMode.ExistingFiles))


def get_save_file_name(parent: QWidget | None, caption: str, directory: str = "", name_filter: str = ALL_FILES) -> str:
    """A file name to write (the dialog asks before overwriting), or "" when cancelled."""
    chosen = _run(file_dialog(parent, caption, directory, name_filter, save=True))
    return chosen[0] if chosen else ""
