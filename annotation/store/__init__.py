"""The only package with SQL in it."""
from annotation.store.importing import ImportResult
from annotation.store.reading import ANY, DocFilter, DocumentRow
from annotation.store.store import Store

__all__ = ["ANY", "DocFilter", "DocumentRow", "ImportResult", "Store"]
