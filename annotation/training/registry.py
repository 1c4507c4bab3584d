"""Model folders: where they go, how they are saved (all or nothing), which task they serve.

Every folder Goldspan trains carries ``meta.json`` (spaCy's, for an entity pipeline; our own
for a stance model) with a ``goldspan`` entry naming the task, so a folder given for the wrong
task, or one that is no model at all, is refused with one line before anything runs.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from annotation.errors import GoldspanError
from annotation.training.report import TrainingError

if TYPE_CHECKING:
    from annotation.store import Store

TASKS = ("ner", "stance")


def default_out_dir(project: Path | None) -> Path:
    """Models live beside the project, in ``<project>.models/``."""
    if project is None:
        return Path.cwd() / "goldspan-models"
    real = Path(project).resolve()
    return real.parent / f"{real.name}.models"


def new_model_name(task: str) -> str:
    return f"goldspan_{task}_{datetime.now(timezone.utc).strftime('%Y%m%d_%H%M%S_%f')}"


def save_atomically(out_dir: Path, name: str, write: Callable[[Path], None]) -> Path:
    """Write a model folder under a temporary name, then rename it into place.

    A full disk (or any error) mid-save leaves no half-written folder and no previous model
    touched: each model has its own folder and nothing is overwritten. A models folder made
    for this save is removed again when the save fails."""
    made = _missing_parents(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".saving", dir=out_dir))
    except OSError as exc:
        _remove_empty(made)
        if exc.errno == errno.ENOSPC:
            raise TrainingError(f"{out_dir}: the disk is full, the model cannot be saved there; nothing was saved or "
                                "registered, the previous model is untouched") from None
        raise TrainingError(f"{out_dir}: cannot save the model there: {exc.strerror or exc}") from None
    final = out_dir / name
    try:
        _readable_by_all(tmp)  # mkdtemp makes it private; a model folder is as shared as its project
        write(tmp)
        os.replace(tmp, final)
    except OSError as exc:
        _discard(tmp, made)
        if exc.errno == errno.ENOSPC:
            raise TrainingError(f"{out_dir}: the disk is full while saving the model; nothing was saved or "
                                "registered, the previous model is untouched") from None
        raise TrainingError(f"{out_dir}: cannot save the model: {exc.strerror or exc}") from None
    except BaseException:
        _discard(tmp, made)
        raise
    return final


def _missing_parents(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet, innermost first."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    return missing


def _discard(folder: Path, made: list[Path]) -> None:
    """Remove a model folder written (or half-written) here, and the parents made for it."""
    shutil.rmtree(folder, ignore_errors=True)
    _remove_empty(made)


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()  # only when empty: never a folder with anything in it
        except OSError:
            return


def save_and_register(out_dir: Path, name: str, write: Callable[[Path], None],
                      register: Callable[[Path], object] | None) -> Path:
    """``save_atomically``, then ``register`` the folder; a folder that cannot be registered (the
    project's disk full, the project read-only, Ctrl-C) is removed again, so no model is left
    behind that the project does not know, and the previous model stays the latest."""
    made = _missing_parents(out_dir)
    path = save_atomically(out_dir, name, write)
    if register is None:
        return path
    try:
        register(path)
    except GoldspanError as exc:
        _discard(path, made)
        raise TrainingError(f"{exc}; the new model was not kept, the previous model is untouched") from None
    except BaseException:
        _discard(path, made)
        raise
    return path


def _readable_by_all(folder: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)


def folder_task(path: Path) -> str:
    """``ner`` or ``stance`` for a model folder; one clear line for anything else."""
    if not path.exists():
        raise TrainingError(f"{path}: no such model folder")
    if not path.is_dir():
        raise TrainingError(f"{path}: not a model folder (a spaCy pipeline or a Goldspan stance model is a folder)")
    meta_path = path / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise TrainingError(f"{path}: not a spaCy pipeline or Goldspan model (no readable meta.json)") from None
    own = meta.get("goldspan") if isinstance(meta, dict) else None
    if isinstance(own, dict) and own.get("task") in TASKS:
        return str(own["task"])
    if isinstance(meta, dict) and "ner" in (meta.get("pipeline") or []):
        return "ner"  # a spaCy pipeline trained elsewhere with an entity recognizer
    raise TrainingError(f"{path}: a folder with meta.json, but neither an entity pipeline nor a Goldspan stance model")


def require_task(path: Path, task: str) -> None:
    found = folder_task(path)
    if found != task:
        other = {"ner": "an entity (NER) pipeline", "stance": "a stance model"}
        wanted = {"ner": "an entity model", "stance": "a stance model"}
        raise TrainingError(f"{path}: is {other[found]}, not {other[task]}; give {wanted[task]}")


def _meta(path: Path) -> dict:  # type: ignore[type-arg]
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def model_labels(path: Path, task: str) -> dict[str, list[str]]:
    """The labels a model folder writes, by schema group: ``entity`` for an entity pipeline
    (the labels Goldspan taught it, or every label of a pipeline trained elsewhere),
    ``stance_labels`` and ``reply_labels`` for a stance model's heads."""
    meta = _meta(path)
    own = meta.get("goldspan") if isinstance(meta.get("goldspan"), dict) else {}
    if task == "ner":
        taught = (own.get("trained_on") or {}).get("labels") if own else None
        labels = list(taught) if isinstance(taught, dict) else list((meta.get("labels") or {}).get("ner") or [])
        return {"entity": labels}
    out: dict[str, list[str]] = {}
    for head in own.get("heads") or ["stance"]:
        try:
            head_labels = json.loads((path / f"{head}.json").read_text(encoding="utf-8")).get("labels") or []
        except (OSError, ValueError, AttributeError):
            continue  # unreadable weights are reported when the model is loaded
        out["reply_labels" if head == "reply" else "stance_labels"] = [str(l) for l in head_labels]
    return out


def require_schema_labels(store: "Store", path: Path, task: str) -> None:
    """A model trained for labels this project's schema lacks (in another project, or before a
    label was removed) would write suggestions nobody can keep: refused with one line."""
    what = {"entity": "entity", "stance_labels": "stance", "reply_labels": "reply stance"}
    for group, labels in model_labels(path, task).items():
        allowed = set(store.schema.label_names(group))
        unknown = [l for l in labels if l not in allowed]
        if unknown:
            names = ", ".join(repr(l) for l in unknown)
            raise TrainingError(f"{path}: the model suggests {what[group]} label{'s' if len(unknown) > 1 else ''} {names} "
                                f"that this project's schema lacks; add {'them' if len(unknown) > 1 else 'it'} to the schema "
                                "or train a model on this project")


def resolve(store: "Store", spec: str, task: str) -> Path:
    """A model for ``task`` from ``latest``, a registered id (``#3``) or a folder path."""
    registered = None
    key = spec.strip()
    if key == "latest":
        registered = store.latest_model(task)
        if registered is None:
            raise TrainingError(f"no {task} model is registered in this project yet (train one: goldspan train PROJECT.db --task {task})")
    elif key.lstrip("#").isdigit() and not Path(key).exists():
        try:
            registered = store.registered_model(int(key.lstrip("#")))
        except KeyError:
            raise TrainingError(f"no registered model #{key.lstrip('#')}") from None
    if registered is not None:
        path = Path(registered.path)
        if not path.exists():
            raise TrainingError(f"registered {task} model {registered.name} (#{registered.id}): its folder {path} "
                                "was deleted or moved; train again or give a folder")
        require_task(path, task)
        return path
    path = Path(key)
    require_task(path, task)
    return path


def current_model(store: "Store", task: str) -> Path | None:
    """The latest registered model for ``task`` whose folder still exists (else None)."""
    with contextlib.suppress(TrainingError):
        return resolve(store, "latest", task)
    return None
