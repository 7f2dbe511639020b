"""Files for ``messages.upload``: paths, ``(name, bytes, content_type)`` tuples or binary files.

Checked before anything is sent: the extension must be one HighLevel accepts, so a ``.exe`` fails
here with a clear message instead of as a 415 after the bytes crossed the network.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Sequence
from typing import IO, Union

from .._transport import FormPart

__all__ = ["ALLOWED_EXTENSIONS", "FileInput", "file_parts"]

ALLOWED_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "mp4", "mpeg", "zip", "rar", "pdf", "doc", "docx", "txt", "mp3", "wav"}
)
FILE_FIELD = "fileAttachment"

FileInput = Union[
    str,
    "os.PathLike[str]",
    tuple[str, bytes],
    tuple[str, bytes, str],
    IO[bytes],
]


def _check_name(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(ALLOWED_EXTENSIONS))
        raise ValueError(f"{filename!r}: file type not accepted by HighLevel (allowed: {allowed})")
    return filename


def _guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def file_parts(files: Sequence[FileInput]) -> list[FormPart]:
    """One multipart part per file, each named ``fileAttachment``."""
    if isinstance(files, (str, bytes, os.PathLike)) or not isinstance(files, Sequence):
        raise TypeError("files must be a list of paths, (name, bytes[, type]) tuples or files")
    parts: list[FormPart] = []
    for item in files:
        if isinstance(item, (str, os.PathLike)):
            file_path = os.fspath(item)
            name = _check_name(os.path.basename(file_path))
            if not os.path.isfile(file_path):
                raise ValueError(f"{file_path!r} is not a file")
            with open(file_path, "rb") as handle:
                content = handle.read()
            parts.append(
                FormPart(FILE_FIELD, content=content, filename=name, content_type=_guess_type(name))
            )
        elif isinstance(item, tuple):
            if len(item) not in (2, 3) or not isinstance(item[1], (bytes, bytearray)):
                raise TypeError("a file tuple is (filename, bytes) or (filename, bytes, type)")
            name = _check_name(str(item[0]))
            content_type = item[2] if len(item) == 3 else _guess_type(name)
            parts.append(
                FormPart(
                    FILE_FIELD, content=bytes(item[1]), filename=name, content_type=content_type
                )
            )
        elif hasattr(item, "read"):
            raw_name = getattr(item, "name", None)
            if not isinstance(raw_name, str):
                raise ValueError("a file object needs a .name; pass (filename, bytes) instead")
            name = _check_name(os.path.basename(raw_name))
            data = item.read()
            if not isinstance(data, bytes):
                raise TypeError(f"{name!r} must be opened in binary mode ('rb')")
            parts.append(
                FormPart(FILE_FIELD, content=data, filename=name, content_type=_guess_type(name))
            )
        else:
            raise TypeError(f"cannot upload {type(item).__name__}: give a path, tuple or file")
    if not parts:
        raise ValueError("files is empty: give at least one file")
    return parts
