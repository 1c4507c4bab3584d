"""Exporters, one module a format, registered by name. Importing this package registers all."""
from __future__ import annotations

import importlib
import pkgutil

from annotation.exporters.base import EXPORTERS, ExportError, ExportOptions, ExportReport, register, run_export

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["EXPORTERS", "ExportError", "ExportOptions", "ExportReport", "register", "run_export"]
