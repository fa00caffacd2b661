"""The server's role API from a role's own machine (`--server URL`; web.api.roles documents
the endpoints), over HTTP(S) with the standard library.

`ServerCeremony` is the key ceremony's transport (the same port as the ceremony folder,
service.roles.ceremony_transport); `RoleApi` fetches the record and posts a trustee's partial
decryption. A refusal comes back as the server's one sentence, as a ConflictError (409), a
NotFoundError (404) or a ValidationError (anything else), so the role sees what the officer
would have seen.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

from clearcount.core.canonical import canonical_json
from clearcount.service.errors import (
    ConflictError,
    NotFoundError,
    StaleInputError,
    StorageUnavailableError,
    ValidationError,
)

__all__ = ["RoleApi", "ServerCeremony"]

_TIMEOUT = 120.0


def _refusal(status: int, body: bytes) -> Exception:
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        document = {}
    text = document.get("error") if isinstance(document, dict) else None
    message = str(text or f"the server answered HTTP {status}")
    if status == 409:
        stale = isinstance(document, dict) and document.get("kind") == "stale_input"
        return StaleInputError(message) if stale else ConflictError(message)
    if status == 404:
        return NotFoundError(message)
    return ValidationError("role API", "answer", "accepted", message)


class RoleApi:
    """One election's part of the role API at `server`."""

    def __init__(self, server: str, election_id: str) -> None:
        parts = urlsplit(server)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("--server", "URL", "http(s)://HOST[:PORT]", server)
        self.server = server.rstrip("/")
        self._base = f"{self.server}/api/roles/elections/{quote(election_id, safe='')}"

    def call(self, path: str, document: dict[str, object] | None = None) -> tuple[int, bytes]:
        """GET `path` (under the election), or POST `document`; (status, body)."""
        request = urllib.request.Request(  # noqa: S310 - the scheme is http(s), checked above
            f"{self._base}/{path}",
            data=None if document is None else canonical_json(document),
            method="GET" if document is None else "POST",
            headers={"content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT) as answer:  # noqa: S310
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StorageUnavailableError(
                f"server {self.server}: cannot reach it ({reason}); nothing was sent"
            ) from None

    def get(self, path: str) -> bytes:
        status, body = self.call(path)
        if status != 200:
            raise _refusal(status, body)
        return body

    def post(self, path: str, document: dict[str, object]) -> object:
        status, body = self.call(path, document)
        if status not in (200, 201):
            raise _refusal(status, body)
        answer: object = json.loads(body or b"null")
        return answer


class ServerCeremony:
    """`CeremonyTransport` over `.../elections/{election}/ceremony/{name}`."""

    def __init__(self, server: str, election_id: str) -> None:
        self._api = RoleApi(server, election_id)

    def get(self, name: str) -> object | None:
        status, body = self._api.call(f"ceremony/{quote(name, safe='')}")
        if status == 404:
            document = json.loads(body or b"{}")
            if isinstance(document, dict) and document.get("kind") == "not_found":
                return None
        if status != 200:
            raise _refusal(status, body)
        answer: object = json.loads(body)
        return answer

    def put(self, name: str, document: dict[str, object]) -> None:
        self._api.post(f"ceremony/{quote(name, safe='')}", document)
