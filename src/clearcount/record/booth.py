"""The voter's booth pinned in the record: its bundles' Subresource Integrity values (§11.2).

Setup's `booth` field is {file name: "sha384-" + base64(SHA-384(file))}, the values of the
booth's built manifest (booth/ in the repository, `npm run build`) when the election was
defined. A voter's browser refuses a script whose bytes do not match its tag's `integrity`; the
record says which values the tags must carry, so anyone can compare what a server serves with
the record (`clearcount check-booth`). `{}`: no booth was pinned (no online booth built).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping

from clearcount.core.errors import RecordError

__all__ = ["MAX_FILES", "booth_files", "sri"]

MAX_FILES = 16
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SRI = re.compile(r"sha384-[A-Za-z0-9+/]{64}")


def sri(data: bytes) -> str:
    """The Subresource Integrity value of `data` (W3C SRI): "sha384-" and the base64 digest."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def booth_files(value: object, path: str) -> dict[str, str]:
    """{file name: SRI value}, checked: at most MAX_FILES plain file names (letters, digits,
    ".", "_", "-"; no path), each with "sha384-" and 64 base64 characters."""
    if not isinstance(value, Mapping):
        raise RecordError(f"{path}: expected an object {{file: 'sha384-…'}}, got {value!r}")
    if len(value) > MAX_FILES:
        raise RecordError(f"{path}: expected at most {MAX_FILES} files, got {len(value)}")
    files: dict[str, str] = {}
    for name, digest in value.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
            raise RecordError(f"{path}: expected plain file names, got {name!r}")
        if not isinstance(digest, str) or not _SRI.fullmatch(digest):
            raise RecordError(
                f"{path}.{name}: expected 'sha384-' and 64 base64 characters, got {digest!r}"
            )
        files[name] = digest
    return files
