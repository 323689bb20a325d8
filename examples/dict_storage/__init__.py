"""A storage adapter written against the public ports only: ``DictDatabase`` (see ``dict_storage.py``)."""

from examples.dict_storage.dict_storage import DictDatabase, DictUnitOfWork

__all__ = ["DictDatabase", "DictUnitOfWork"]
