"""One problem found in a project by `goldspan check`, as data."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a project: ``kind`` is stable (scripts match on it), ``message`` is for people."""

    kind: str
    message: str
    table: str = ""
    row_id: int | None = None

    def line(self) -> str:
        where = f" [{self.table} {self.row_id}]" if self.table and self.row_id is not None else ""
        return f"{self.kind}: {self.message}{where}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
