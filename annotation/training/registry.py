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
    touched: each model has its own folder and nothing is overwritten."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".saving", dir=out_dir))
    except OSError as exc:
        raise TrainingError(f"{out_dir}: cannot save the model there: {exc.strerror}") from None
    final = out_dir / name
    try:
        write(tmp)
        os.replace(tmp, final)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if exc.errno == errno.ENOSPC:
            raise TrainingError(f"{out_dir}: the disk is full while saving the model; nothing was saved or "
                                "registered, the previous model is untouched") from None
        raise TrainingError(f"{out_dir}: cannot save the model: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


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
        raise TrainingError(f"{path}: is {other[found]}, not {other[task]}; give a {task} model")


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
