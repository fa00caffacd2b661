"""How the key ceremony's messages travel: a small transport port and its folder of files.

The officer relays; it never needs to read a share (they are encrypted to their recipient,
spec §5.2.5). `CeremonyTransport` is what the officer's and the trustees' steps need; the folder
(`CeremonyFolder`) works today (copied by hand, a shared drive, a USB stick) and the server
(next issue) will implement the same port. Files, all public JSON:

    draft-setup.json          the officer's draft Setup: manifest and every role's keys
    round1-<index>.json       trustee <index>'s signed announcement and encrypted shares
    round2-<index>.json       trustee <index>'s signed acknowledgement or complaints

A message is written once: a second write of a different message is refused (ConflictError),
so a relay cannot silently swap a trustee's message after others have used it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from clearcount.core.canonical import canonical_json
from clearcount.core.json_text import load_json
from clearcount.service.errors import ConflictError, NotFoundError, ValidationError

__all__ = ["CeremonyFolder", "CeremonyTransport"]


class CeremonyTransport(Protocol):
    def put(self, name: str, document: dict[str, object]) -> None:
        """Publish one message (`draft-setup`, `round1-<i>`, `round2-<i>`) once."""
        ...

    def get(self, name: str) -> object | None:
        """The message of that name, parsed JSON, or None if it is not there yet."""
        ...


class CeremonyFolder:
    """The transport as a folder of message files (spec §11.2.3)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str) -> Path:
        if not name.replace("-", "").isalnum():
            raise ValidationError("ceremony message", "name", "letters, digits and -", name)
        return self.folder / f"{name}.json"

    def put(self, name: str, document: dict[str, object]) -> None:
        path = self._path(name)
        data = canonical_json(document)
        if path.exists():
            if path.read_bytes().strip() == data:
                return
            raise ConflictError(
                f"{path}: a different message is already there; messages are written once "
                "(start a new ceremony folder to restart)"
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data + b"\n")
        tmp.replace(path)

    def get(self, name: str) -> object | None:
        path = self._path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise NotFoundError(f"{path}: cannot read the message: {error.strerror}") from None
        try:
            document: object = load_json(data)
        except ValueError:
            raise ValidationError(str(path), "message", "JSON", "something else") from None
        return document
