"""The role API's endpoints and the one table they are served and documented from.

`ENDPOINTS` lists each endpoint once: method, path, the handler, a summary and the shapes of
its request and answers; `routes` (what the app mounts) and `openapi()` (served at
`/api/openapi.json`) are both made from it, and a test checks the two agree.

Authentication is the role's signature over the message, checked by the service
(`service.roles.ceremony_relay`: a trustee's round message must verify under that trustee's
registered signing key); there is no login and no cookie, so no CSRF token either. The server
stores only public values and signed messages. Errors are `{"error", "kind"}` (web.errors).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clearcount.bootstrap import Services
from clearcount.core.json_text import load_json
from clearcount.record.archive import encode_record
from clearcount.service.authorisation import Principal, Role
from clearcount.web.errors import ApiError

__all__ = ["ENDPOINTS", "ERROR", "Endpoint", "link", "openapi", "routes"]

_ERROR = {
    "type": "object",
    "required": ["error", "kind"],
    "properties": {"error": {"type": "string"}, "kind": {"type": "string"}},
}
ERROR = _ERROR
"""The error body every refusal has (web.errors), for the other tables built on Endpoint."""
_MESSAGE = {
    "type": "object",
    "description": "A ceremony message as record.ceremony_body writes it (spec §11.2.3, "
    "§90.19): the officer's draft Setup, or a trustee's signed round 1 or round 2 message.",
}

_SHUFFLE = {
    "type": "object",
    "required": ["input", "shuffle"],
    "properties": {
        "input": {
            "type": ["string", "null"],
            "description": "hash of the contest's last Shuffle event (the mix shuffled), or "
            "null when shuffling the counted ballots",
        },
        "shuffle": {"type": "object", "description": "record.events Shuffle body (spec §11.8)"},
    },
}

_SITTING = {
    "type": "object",
    "required": ["channel", "voters", "signed_in", "batches"],
    "properties": {
        "channel": {"type": "string", "enum": ["meeting", "postal"]},
        "voters": {"type": "array", "items": {"type": "string"}, "description": "member ids"},
        "signed_in": {"type": "integer", "minimum": 0},
        "accept_mismatch": {"type": "string", "description": "the tellers' reason, if any"},
        "batches": {
            "type": "array",
            "items": {"type": "object", "description": "record.events PaperBatch body"},
        },
    },
}


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _object(request: Request, expected: str) -> dict[str, Any]:
    """The request's JSON object; 400 if it is not JSON, 422 if it is not an object."""
    try:
        document: Any = load_json(await request.body())
    except ValueError:
        raise ApiError(400, "invalid", "the body is not JSON") from None
    if not isinstance(document, dict):
        raise ApiError(422, "invalid", f"expected {expected} (a JSON object)")
    return document


async def ceremony_message(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    name = request.path_params["name"]
    found = await run_in_threadpool(_services(request).ceremony.message, election_id, name)
    return JSONResponse(found)


async def ceremony_submit(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    name = request.path_params["name"]
    try:
        document: Any = load_json(await request.body())
    except ValueError:
        raise ApiError(
            400, "invalid", "the body is not JSON; send the message file as it is"
        ) from None
    await run_in_threadpool(_services(request).ceremony.submit, election_id, name, document)
    return JSONResponse({"stored": name}, status_code=201)


async def election_record(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    events = await run_in_threadpool(_services(request).ballots.record, election_id)
    return Response(encode_record(events), media_type="application/x-ndjson")


async def partial_decryption(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    document = await _object(request, "a partial decryption")
    event_hash = await run_in_threadpool(
        _services(request).tally.submit_partial, election_id, document
    )
    return JSONResponse({"event_hash": event_hash}, status_code=201)


async def shuffle(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    document = await _object(request, "an input and a shuffle")
    body, given = document.get("shuffle"), document.get("input")
    if not isinstance(body, dict) or not (given is None or isinstance(given, str)):
        raise ApiError(
            422, "invalid", 'expected {"input": the hash of the mix shuffled or null, '
            '"shuffle": a Shuffle body}',
        )  # fmt: skip
    event_hash = await run_in_threadpool(
        _services(request).tally.submit_shuffle, election_id, given, body
    )
    return JSONResponse({"event_hash": event_hash}, status_code=201)


async def paper_batches(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    document = await _object(request, "a sitting of paper batches")
    channel, voters, batches = (document.get(k) for k in ("channel", "voters", "batches"))
    signed_in, reason = document.get("signed_in"), document.get("accept_mismatch", "")
    if not (
        isinstance(channel, str)
        and isinstance(voters, list)
        and all(isinstance(v, str) for v in voters)
        and isinstance(batches, list)
        and all(isinstance(b, dict) for b in batches)
        and isinstance(signed_in, int)
        and isinstance(reason, str)
    ):
        raise ApiError(422, "invalid", "expected the fields of a sitting (see /api/openapi.json)")
    receipt = await run_in_threadpool(
        partial(
            _services(request).paper.submit, election_id, channel=channel, voters=voters,
            batches=batches, signed_in=signed_in, accept_mismatch=reason,
        )
    )  # fmt: skip
    return JSONResponse(
        {"batches": list(receipt.batches), "reconciliation": receipt.reconciliation},
        status_code=201,
    )


async def paper_entries(request: Request) -> Response:
    election_id, teller = request.path_params["election_id"], request.path_params["teller"]
    count = await run_in_threadpool(_services(request).postal.entries, election_id, teller)
    return JSONResponse({"teller": teller, "entries": count})


async def paper_entry(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    document = await _object(request, "a teller's signed entry of returned papers")
    total = await run_in_threadpool(_services(request).postal.submit_entry, election_id, document)
    return JSONResponse({"entered": total}, status_code=201)


async def paper_replacement(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    document = await _object(request, "the scrutineer's signed PaperReplacement")
    event = await run_in_threadpool(
        _services(request).postal.submit_replacement, election_id, document
    )
    return JSONResponse({"event_hash": event.hash, "seq": event.seq}, status_code=201)


async def postal_returns(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    agreed = await run_in_threadpool(_services(request).postal.agreed, election_id)
    return JSONResponse({
        "counted": sorted(agreed.counted), "spoilt": list(agreed.spoilt),
        "late": list(agreed.late), "voided": list(agreed.voided),
    })  # fmt: skip


async def postal_batches(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    drafts = await run_in_threadpool(_services(request).postal.drafts, election_id)
    return JSONResponse([d.to_body() for d in drafts])


async def postal_count(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    document = await _object(request, "the signed returns, batches and voters")
    voters, returns, batches = (document.get(k) for k in ("voters", "returns", "batches"))
    if not (
        isinstance(voters, list)
        and all(isinstance(v, str) for v in voters)
        and isinstance(returns, dict)
        and isinstance(batches, list)
        and all(isinstance(b, dict) for b in batches)
    ):
        raise ApiError(
            422, "invalid", "expected the fields of a postal count (see /api/openapi.json)"
        )
    receipt = await run_in_threadpool(
        partial(_services(request).postal.submit_count, election_id, voters=voters,
                returns=returns, batches=batches)
    )  # fmt: skip
    return JSONResponse(
        {"events": list(receipt.events), "counted": receipt.counted}, status_code=201
    )


AUTHORITY = Principal("credential authority (its signed list)", Role.CREDENTIAL_AUTHORITY)
"""Who publishes a list posted here: the list's own signature (spec §11.3) is the credential."""


async def credential_list(request: Request) -> Response:
    election_id = request.path_params["election_id"]
    body = (await _object(request, "the public credential list")).get("body")
    if not isinstance(body, dict):
        raise ApiError(422, "invalid", 'expected the public credential list (with a "body")')
    event = await run_in_threadpool(
        _services(request).ballots.publish_credentials, AUTHORITY, election_id, body
    )
    return JSONResponse({"event_hash": event.hash, "seq": event.seq}, status_code=201)


async def openapi_document(request: Request) -> Response:
    return JSONResponse(openapi())


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    handler: Callable[[Request], Awaitable[Response]]
    summary: str
    request: dict[str, Any] | None = None
    answers: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    links: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """OpenAPI links per answer: the next request of a real flow, with what it takes from
    this one (fuzzed as flows by tests/fuzz/test_http_api.py)."""


def link(operation: str, body: Any = None, **parameters: str) -> dict[str, Any]:
    """An OpenAPI 3.1 link to `operation`; `election_id` is this request's unless given."""
    found: dict[str, Any] = {
        "operationId": operation,
        "parameters": {"election_id": "$request.path.election_id", **parameters},
    }
    if body is not None:
        found["requestBody"] = body
    return found


_RECORD_ACTS = ("ceremony_message", "partial_decryption", "shuffle", "paper_batches",
                "paper_entry", "paper_replacement", "postal_returns", "postal_batches",
                "postal_count", "credential_list")  # fmt: skip
"""What a role does after fetching the record: compute its act on its machine and post it."""

_CEREMONY = "/api/roles/elections/{election_id}/ceremony/{name}"


def _act(
    stored: str, *, conflict: str, invalid: str, missing: str = "no such election"
) -> dict[int, tuple[str, dict[str, Any]]]:
    """The answers to a role's signed act: stored (201), or refused with nothing stored."""
    return {
        201: (stored, {"type": "object"}),
        404: (missing, _ERROR),
        409: (conflict, _ERROR),
        422: (invalid, _ERROR),
    }


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "GET", _CEREMONY, ceremony_message,
        "A key ceremony message: `draft-setup`, `round1-N` or `round2-N` (all public).",
        answers={200: ("the message", _MESSAGE), 404: ("not there yet", _ERROR)},
        links={200: {"resend": link("ceremony_submit", "$response.body",
                                    name="$request.path.name")}},
    ),
    Endpoint(
        "POST", _CEREMONY, ceremony_submit,
        "A trustee's signed round message (`round1-N` or `round2-N`); stored once, after its "
        "signature is checked under trustee N's registered key.",
        request=_MESSAGE,
        answers=_act(
            "stored (or the same message again)",
            missing="no such election, draft or trustee",
            conflict="a different message is already stored",
            invalid="not a message signed by that trustee for this ceremony",
        ),
    ),
    Endpoint(
        "GET", "/api/roles/elections/{election_id}/record", election_record,
        "The election record so far (spec §10.2), one event per line, for a role to compute "
        "its act on its own machine (a shuffle, a partial decryption, a paper batch, ...).",
        answers={200: ("the record (application/x-ndjson)", {"type": "string"}),
                 404: ("no such election", _ERROR)},
        links={200: {act: link(act) for act in _RECORD_ACTS}},
    ),
    Endpoint(
        "POST", "/api/roles/elections/{election_id}/partial-decryptions", partial_decryption,
        "A trustee's partial decryption (spec §11.9), signed with its long-term key; checked "
        "(one batched proof per contest, spec §4.3.3, and the signature) before it goes on the "
        "record.",
        request={"type": "object", "description": "record.events PartialDecryption body"},
        answers=_act(
            "on the record",
            conflict="this trustee has already decrypted, or not the time for it",
            invalid="a proof or signature does not check, or not a trustee",
        ),
    ),
    Endpoint(
        "POST", "/api/roles/elections/{election_id}/shuffles", shuffle,
        "A trustee's shuffle of one ranked contest (spec §11.8), signed with its long-term key, "
        "of the mix named by `input` (the contest's last Shuffle event, or null for the counted "
        "ballots); checked (proof against the current mix, signature) before it goes on the "
        "record. Shuffles are serialised: a shuffle of a mix that has moved on is refused "
        "(409, kind `stale_input`): fetch the record again and shuffle the new mix.",
        request=_SHUFFLE,
        answers=_act(
            "on the record",
            conflict="stale input (kind `stale_input`), this trustee has already shuffled the "
            "contest, or not the time for it",
            invalid="the proof or signature does not check, or not a trustee or ranked contest",
        ),
    ),
    Endpoint(
        "POST", "/api/roles/elections/{election_id}/paper-batches", paper_batches,
        "One sitting's meeting or postal papers (spec §11.6): a PaperBatch per contest, each "
        "signed by both tellers on their own machine, with the members who voted (marked in "
        "the register, never on the record) and the sign-in count. Each batch must be exactly "
        "the batch of its papers and the credential authority's signed cancellation, and both "
        "tellers' signatures must verify, before anything is stored.",
        request=_SITTING,
        answers=_act(
            "on the record and in the register",
            conflict="a voter already voted on paper, the sitting is already entered, or "
            "counting has begun",
            invalid="a signature or the cancellation does not check, a batch is not the one "
            "of its papers, or the sitting does not add up",
        ),
    ),
    Endpoint(
        "GET", "/api/roles/elections/{election_id}/paper-entries/{teller}", paper_entries,
        "How many entries of returned postal papers the teller has on file (every revision): "
        "the `after` its next signed entry must carry (spec §11.12.2).",
        answers={200: ("the count", {"type": "object"}), 404: ("no such election", _ERROR)},
        links={200: {"enter": link("paper_entry", {"teller": "$response.body#/teller",
                                                   "after": "$response.body#/entries"})}},
    ),
    Endpoint(
        "POST", "/api/roles/elections/{election_id}/paper-entries", paper_entry,
        "One teller's own entry of returned postal papers (spec §11.12.2), signed on its own "
        "machine (purpose `paper-entry`); stored, not counted, once the signature checks under "
        "the teller's key and `after` is its entries on file.",
        request={"type": "object", "description": "protocol.postal_entry ReturnsEntry body: "
                 "{teller, after, correction, papers: [{number, answers, received}], signature}"},
        answers=_act(
            "stored (not counted until both tellers' entries agree)",
            conflict="sent again or signed before the teller's latest entry (kind "
            "`stale_input`), or a number already entered (correct it with `correction`)",
            invalid="the signature is not the named teller's, not a teller, or malformed",
        ),
    ),
    Endpoint(
        "POST", "/api/roles/elections/{election_id}/paper-replacements", paper_replacement,
        "The scrutineer's replacement of a lost or spoilt voting paper (spec §11.12.1), signed "
        "on its own machine with its Setup key (purpose `paper-replacement`); on the record once "
        "it checks.",
        request={"type": "object", "description": "record.events PaperReplacement body"},
        answers=_act(
            "on the record",
            conflict="already on the record",
            invalid="the signature is not the scrutineer's, the paper is not live, the number "
            "is not the next, or not before the close",
        ),
    ),
    Endpoint(
        "GET", "/api/roles/elections/{election_id}/postal-returns", postal_returns,
        "The numbers of the tellers' agreed postal returns (spec §11.12.2): counted, spoilt, "
        "late, voided; no answers. After the close and before counting.",
        answers={200: ("the numbers", {"type": "object"}),
                 409: ("the entries differ, or not the time for the count", _ERROR)},
    ),
    Endpoint(
        "GET", "/api/roles/elections/{election_id}/postal-batches", postal_batches,
        "The postal PaperBatches of every agreed counted paper, unsigned and without the "
        "cancellation: papers sorted by marks, no numbers (spec §11.12.2), for both tellers to "
        "sign. Never less some numbers: two such answers would single out a paper's marks.",
        answers={200: ("the unsigned batches", {"type": "array"}),
                 409: ("the entries differ, or not the time for the count", _ERROR)},
        links={200: {"count": link("postal_count", {"batches": "$response.body"})}},
    ),
    Endpoint(
        "POST", "/api/roles/elections/{election_id}/postal-count", postal_count,
        "The count of the postal returns (spec §11.12.2): the PaperReturns and the postal "
        "batches, each signed by both tellers on their own machine, the first batch with the "
        "scrutineer's signed cancellation, and the members the scrutineer named (marked in the "
        "register). Each must be exactly the one of the agreed entries, every signature must "
        "verify.",
        request={"type": "object", "required": ["voters", "returns", "batches"],
                 "description": "{voters: [member ids], returns: PaperReturns body, batches: "
                 "[PaperBatch bodies]}"},
        answers=_act(
            "counted: on the record and in the register",
            conflict="already counted, the entries differ, or not the time for it",
            invalid="a signature does not check, or the returns or a batch is not the one of "
            "the agreed entries",
        ),
    ),
    Endpoint(
        "POST", "/api/roles/elections/{election_id}/credentials", credential_list,
        "The credential authority's public credential list (spec §11.3), signed with its "
        "own key; published as event 1 once it checks (one credential per eligible member), "
        "which opens the ballot within its timetable.",
        request={"type": "object", "description": "the file of `credentials generate --out`"},
        answers=_act(
            "published",
            conflict="already published, or no key ceremony yet",
            invalid="not this election's list, or its signature does not check",
        ),
    ),
    Endpoint(
        "GET", "/api/openapi.json", openapi_document, "This document (OpenAPI 3.1).",
        answers={200: ("the OpenAPI document", {"type": "object"})},
    ),
)  # fmt: skip
"""Every role API endpoint, once."""

routes = [
    Route(e.path, e.handler, methods=[e.method], name=f"api:{e.handler.__name__}")
    for e in ENDPOINTS
]


def _parameters(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
            for n in names]  # fmt: skip


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of `ENDPOINTS` and the booth's (`web.voter.api.ENDPOINTS`)."""
    from clearcount.web.voter.api import ENDPOINTS as BOOTH  # it builds on Endpoint, here

    paths: dict[str, dict[str, Any]] = {}
    for e in (*ENDPOINTS, *BOOTH):
        operation: dict[str, Any] = {
            "operationId": e.handler.__name__,
            "summary": e.summary,
            "parameters": _parameters(e.path),
            "responses": {
                str(status): {
                    "description": text,
                    "content": {"application/json": {"schema": schema}},
                }
                for status, (text, schema) in e.answers.items()
            },
        }
        for status, links in e.links.items():
            operation["responses"][str(status)]["links"] = links
        if e.request is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": e.request}},
            }
        paths.setdefault(e.path, {})[e.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "clearcount role and booth API",
            "version": "1",
            "description": "Acts of trustees, tellers and the credential authority, each "
            "authenticated by the role's own signature over the message "
            "(docs/service/role-api.md); and the booth's, a voter's browser "
            "(WEB_CONTRACT.md, docs/steps/07-vote.md).",
        },
        "paths": paths,
    }
