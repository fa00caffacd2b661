"""The key ceremony's transport over the server's role API (`--server URL`), for a trustee on
its own machine: the same port as the ceremony folder (service.roles.ceremony_transport), over
HTTP(S) with the standard library (web.api.roles documents the endpoints).

A message the server refuses comes back as the server's one sentence, as a ConflictError (a
different message is already there), a NotFoundError or a ValidationError, so the trustee sees
what the officer would have seen from the folder.
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
    StorageUnavailableError,
    ValidationError,
)

__all__ = ["ServerCeremony"]

_TIMEOUT = 60.0


class ServerCeremony:
    """`CeremonyTransport` over `{server}/api/roles/elections/{election}/ceremony/{name}`."""

    def __init__(self, server: str, election_id: str) -> None:
        parts = urlsplit(server)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("--server", "URL", "http(s)://HOST[:PORT]", server)
        self._base = f"{server.rstrip('/')}/api/roles/elections/{quote(election_id, safe='')}"

    def _request(self, name: str, data: bytes | None = None) -> urllib.request.Request:
        return urllib.request.Request(  # noqa: S310 - the scheme is http(s), checked above
            f"{self._base}/ceremony/{quote(name, safe='')}",
            data=data,
            method="GET" if data is None else "POST",
            headers={"content-type": "application/json"},
        )

    def _call(self, request: urllib.request.Request) -> tuple[int, object]:
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT) as answer:  # noqa: S310 - http(s) only, checked above
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            try:
                body = json.loads(error.read() or b"{}")
            except ValueError:
                body = {}
            return error.code, body
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StorageUnavailableError(
                f"server {request.full_url.split('/api/')[0]}: cannot reach it ({reason}); "
                "nothing was sent"
            ) from None

    @staticmethod
    def _refusal(status: int, body: object) -> Exception:
        text = body.get("error") if isinstance(body, dict) else None
        message = str(text or f"the server answered HTTP {status}")
        if status == 409:
            return ConflictError(message)
        if status == 404:
            return NotFoundError(message)
        return ValidationError("ceremony message", "server", "accepted", message)

    def get(self, name: str) -> object | None:
        status, body = self._call(self._request(name))
        if status == 404 and isinstance(body, dict) and body.get("kind") == "not_found":
            return None
        if status != 200:
            raise self._refusal(status, body)
        return body

    def put(self, name: str, document: dict[str, object]) -> None:
        status, body = self._call(self._request(name, canonical_json(document)))
        if status not in (200, 201):
            raise self._refusal(status, body)
