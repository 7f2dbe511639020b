"""The declarative endpoint table, the row type, request encoding and its descriptors."""

from ._descriptor import (
    Endpoint,
    operation,
)
from ._files import (
    ALLOWED_EXTENSIONS,
    FileInput,
    file_parts,
)
from ._table import (
    endpoint,
)

__all__ = [
    "ALLOWED_EXTENSIONS",
    "Endpoint",
    "FileInput",
    "endpoint",
    "file_parts",
    "operation",
]
