"""`clearcount vote ...`: voting online, challenging a ballot, checking it, and paper ballots.

docs/steps/07-vote.md. `vote online` does what the voter's browser does (spec §11.4): it
encrypts the choices under the election key on this machine, proves and signs them with the
voter's credential, and hands only the encrypted ballot to the ballot service, which returns a
tracking code. `--challenge` opens the ballot instead (Benaloh, spec §11.5) so the voter can see
that the device encrypted what they chose. `vote paper` is the two tellers entering a meeting's
or the post's papers (spec §11.6); `credentials cancel-list` is the scrutineer naming the paper
voters' public credentials. Services: `service.elections.casting`, `service.elections.paper`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clearcount.core.errors import ClearcountError
from clearcount.service.authorisation import Principal, Role

from .common import (
    INPUT_FILE,
    Database,
    UserError,
    db_options,
    open_role_key,
    progress,
    read_bytes,
    read_json,
    write_json,
)
from .context import election_of, open_services

if TYPE_CHECKING:
    from clearcount.protocol.context import Election
    from clearcount.protocol.credentials import CredentialSecret
    from clearcount.protocol.paper import Cancellation
    from clearcount.record.events import ContestSpec

__all__ = ["CANCELLED_FORMAT", "PAPERS_FORMAT", "cancel_list_command", "vote_group"]

CANCELLED_FORMAT = "clearcount-cancelled-credentials/2"
PAPERS_FORMAT = "clearcount-papers/1"


def _marks(spec: ContestSpec, text: str, where: str) -> tuple[int, ...]:
    """Candidate names (any case) or 1-based numbers, comma-separated, in order of preference."""
    names = [c.casefold() for c in spec.candidates]
    marks = []
    for raw in (p.strip() for p in text.split(",")):
        if not raw:
            continue
        if raw.isdigit() and 1 <= int(raw) <= len(names):
            marks.append(int(raw) - 1)
        elif raw.casefold() in names:
            marks.append(names.index(raw.casefold()))
        else:
            raise UserError(
                f"{where}: {raw!r} is not a candidate of contest {spec.id!r}; expected one of "
                f"{', '.join(spec.candidates)} (or their numbers 1-{len(names)})"
            )
    return tuple(marks)


def parse_choices(election: Election, given: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """`--choice CONTEST=NAMES` options as 0-based marks per contest (absent: no marks)."""
    specs = {c.id: c for c in election.setup.contests}
    choices: dict[str, tuple[int, ...]] = {}
    for item in given:
        contest, sep, names = item.partition("=")
        if not sep or contest.strip() not in specs:
            raise UserError(
                f"--choice {item!r}: expected CONTEST=NAMES with CONTEST one of {', '.join(specs)}"
            )
        if contest.strip() in choices:
            raise UserError(f"--choice: contest {contest.strip()!r} is given twice")
        choices[contest.strip()] = _marks(specs[contest.strip()], names, f"--choice {item!r}")
    return choices


def _credential(election: Election, code: str) -> CredentialSecret:
    from clearcount.crypto.group import Point
    from clearcount.protocol.credentials import CredentialSecret
    from clearcount.service.roles.delivery import parse_credential_code

    secret = parse_credential_code(code)
    public = Point.base_mul(secret)
    weight = election.credentials.get(public.to_bytes())
    if weight is None:
        raise UserError(
            f"this credential code is not on the published credential list of "
            f"election {election.setup.election_id!r}: check the code and the "
            f"election"
        )
    return CredentialSecret(secret, public, weight)


def _describe(
    election: Election, choices: Mapping[str, Sequence[int]], credential: bytes
) -> list[str]:
    lines = []
    for spec in election.contests_for(credential):  # the credential's own (spec §10.4.1)
        marks = choices.get(spec.id, ())
        names = [spec.candidates[m] for m in marks]
        joined = " > ".join(names) if spec.kind == "mixnet" else ", ".join(names)
        lines.append(f"  {spec.title}: {joined or '(no mark)'}")
    return lines


@click.group("vote")
def vote_group() -> None:
    """Voting: online with a credential, challenging a ballot, paper ballots, tracking codes."""


@vote_group.command("online")
@click.argument("election")
@click.option("--member", required=True, help="Your membership number (as you signed in).")
@click.option(
    "--credential",
    "code",
    required=True,
    envvar="CLEARCOUNT_CREDENTIAL",
    help="The credential code from your email or letter (or CLEARCOUNT_CREDENTIAL).",
)
@click.option(
    "--choice",
    "choices",
    multiple=True,
    metavar="CONTEST=NAMES",
    help="Your vote in one contest: candidate names or numbers, comma-separated, in "
    "order of preference for a ranked contest, e.g. --choice selection=Reyes,Okafor. "
    "A contest left out is left blank.",
)
@click.option(
    "--blank",
    is_flag=True,
    help="Cast a deliberately blank ballot (no mark in any contest); it replaces an earlier "
    "online ballot. Without it, a ballot with no mark at all is refused.",
)
@click.option(
    "--challenge",
    is_flag=True,
    help="Do not cast: open the encrypted ballot to check it says what you chose "
    "(it is published as spoiled and never counted; then vote again).",
)
@db_options
def vote_online(
    election: str,
    member: str,
    code: str,
    choices: tuple[str, ...],
    blank: bool,
    challenge: bool,
    db: Database,
) -> None:
    """Vote online in ELECTION: your choices are encrypted and signed on this machine.

    Prints your tracking code: look it up later with `clearcount vote check` or in the
    published record. You may vote again; only your last online ballot counts, and a meeting
    or postal vote replaces it.
    """
    from clearcount.protocol.casting import make_ballot
    from clearcount.protocol.challenge import spoil

    voter = Principal(member, Role.VOTER)
    with open_services(db) as s:
        el = election_of(s, election)
        marks = parse_choices(el, choices)
        if blank and any(marks.values()):
            raise UserError("--blank: expected no --choice with a blank ballot, got some")
        if not blank and not challenge and not any(marks.values()):
            raise UserError(
                "no choice given: this ballot would be blank and would replace any ballot you "
                "cast before; give --choice CONTEST=NAMES, or --blank to cast a blank ballot "
                "on purpose"
            )
        credential = _credential(el, code)
        with progress("encrypting your ballot", None):
            try:
                ballot, openings = make_ballot(el, marks, credential)
            except ClearcountError as error:
                raise UserError(f"your choices cannot be cast: {error}") from None
        if challenge:
            spoiled = spoil(ballot, openings)
            event_hash = s.casting.challenge(voter, election, spoiled)
            click.echo(f"ballot CHALLENGED, not cast (published as spoiled, {event_hash[:16]}…).")
            click.echo("The device encrypted:")
            for line in _describe(el, marks, credential.public.to_bytes()):
                click.echo(line)
            click.echo(
                "If that is not what you chose, tell the returning officer; either way, "
                "vote again to cast a ballot."
            )
            return
        receipt = s.casting.cast(voter, election, ballot)
    again = " (this replaces your earlier online ballot)" if receipt.revote else ""
    click.echo(f"ballot cast in {election!r} at {receipt.cast_at}{again}")
    click.echo(f"tracking code: {receipt.tracking_code}")


@vote_group.command("check")
@click.argument("election")
@click.argument("tracking_code", metavar="TRACKING-CODE")
@db_options
def vote_check(election: str, tracking_code: str, db: Database) -> None:
    """Check that the ballot with TRACKING-CODE is on ELECTION's board, and whether it counts."""
    with open_services(db) as s:
        found = s.casting.lookup(election, tracking_code)
    meaning = {
        "counted": "it is your last online ballot: it counts",
        "replaced": "a later online ballot under the same credential replaced it",
        "cancelled": "you voted in a meeting or by post: that paper counts instead",
    }[found.state]
    click.echo(
        f"tracking code {found.tracking_code} is on the board as event {found.seq}: {meaning}"
    )


def _cancelled(path: Path, election: Election) -> Cancellation:
    """The credential authority's signed list (its signature is checked when entered)."""
    from clearcount.crypto.proofs.schnorr import SchnorrProof
    from clearcount.protocol.paper import Cancellation
    from clearcount.record import codec

    document = read_json(path)
    where = str(path)
    names = ("format", "election_id", "fingerprint", "credentials", "signature")
    try:
        f = codec.fields(document, where, names)
        if f["format"] != CANCELLED_FORMAT:
            raise UserError(f"{path}: expected format {CANCELLED_FORMAT!r}, got {f['format']!r}")
        if f["fingerprint"] != election.fingerprint.hex():
            raise UserError(
                f"{path}: the list is for another election (fingerprint "
                f"{str(f['fingerprint'])[:16]}…)"
            )
        credentials = tuple(
            codec.point(v, f"{where}.credentials[{i}]")
            for i, v in enumerate(codec.array(f["credentials"], f"{where}.credentials"))
        )
        signature = codec.decoded(f["signature"], f"{where}.signature", SchnorrProof.from_bytes, 64)
    except ClearcountError as error:
        raise UserError(f"{path}: not a cancelled-credentials list: {error}") from None
    return Cancellation(credentials, signature)


def _papers(path: Path, election: Election) -> dict[str, list[tuple[int, ...]]]:
    document = read_json(path)
    if not isinstance(document, dict) or document.get("format") != PAPERS_FORMAT:
        raise UserError(f'{path}: expected a JSON object with "format": "{PAPERS_FORMAT}"')
    papers = document.get("papers")
    specs = {c.id: c for c in election.setup.contests}
    if not isinstance(papers, dict) or not set(papers) <= set(specs):
        raise UserError(
            f'{path}: expected "papers": {{CONTEST: [[NAMES...], ...]}} with '
            f"contests among {', '.join(specs)}"
        )
    out: dict[str, list[tuple[int, ...]]] = {}
    for contest, items in papers.items():
        if not isinstance(items, list):
            raise UserError(f"{path}: papers of {contest!r}: expected a list of papers")
        out[contest] = []
        for i, paper in enumerate(items):
            if not isinstance(paper, list) or not all(isinstance(p, str | int) for p in paper):
                raise UserError(f"{path}: papers of {contest!r}[{i}]: expected a list of names")
            where = f"{path}: papers of {contest!r}[{i}]"
            out[contest].append(_marks(specs[contest], ",".join(str(p) for p in paper), where))
    return out


def _voters(voters: tuple[str, ...], voters_file: Path | None) -> list[str]:
    listed = list(voters)
    if voters_file is not None:
        text = read_bytes(voters_file).decode("utf-8-sig", errors="replace")
        listed += [line.strip() for line in text.splitlines() if line.strip()]
    if not listed:
        raise UserError("give the members who voted: --voter MEMBER or --voters FILE")
    return listed


@vote_group.command("paper")
@click.argument("election")
@click.option(
    "--channel",
    type=click.Choice(["meeting", "postal"]),
    required=True,
    help="meeting: papers cast at a hustings; postal: returned postal ballots.",
)
@click.option(
    "--voter",
    "voters",
    multiple=True,
    metavar="MEMBER",
    help="A member who voted on paper (repeatable; from the sign-in sheet or the "
    "returned envelopes).",
)
@click.option(
    "--voters",
    "voters_file",
    type=INPUT_FILE,
    default=None,
    help="A file of the members who voted, one membership number per line.",
)
@click.option(
    "--cancelled",
    "cancelled_file",
    required=True,
    type=INPUT_FILE,
    help="Their public credentials, from the scrutineer's `credentials cancel-list`.",
)
@click.option(
    "--papers",
    "papers_file",
    required=True,
    type=INPUT_FILE,
    help="The papers' marks as counted by the tellers (a papers JSON file).",
)
@click.option(
    "--signed-in",
    type=click.IntRange(min=0),
    required=True,
    metavar="N",
    help="How many signed the meeting's sign-in sheet (postal: envelopes opened), as the "
    "tellers counted them: it must equal the members entered and each contest's papers.",
)
@click.option(
    "--accept-mismatch",
    default="",
    metavar="REASON",
    help="Seal the batch although the counts differ, with the tellers' reason (audited).",
)
@click.option(
    "--teller-key",
    "teller_keys",
    multiple=True,
    required=True,
    type=INPUT_FILE,
    help="A teller's key file; give both tellers' (each types their passphrase).",
)
@click.option(
    "--server",
    default=None,
    metavar="URL",
    help="The ballot server (`clearcount serve`): sign the batches here and send them "
    "through its role API instead of a local database.",
)
@db_options
def vote_paper(
    election: str,
    channel: str,
    voters: tuple[str, ...],
    voters_file: Path | None,
    cancelled_file: Path,
    papers_file: Path,
    signed_in: int,
    accept_mismatch: str,
    teller_keys: tuple[Path, ...],
    server: str | None,
    db: Database,
) -> None:
    """The two tellers enter one sitting's meeting or postal papers for ELECTION.

    Each voter is marked in the register, their online ballot (if any) stops counting, and the
    papers go on the record signed by both tellers. All or nothing. The sign-in count, the
    members entered and each contest's papers must agree; a difference is refused (and audited)
    unless the tellers seal it with --accept-mismatch REASON.
    """
    if len(teller_keys) != 2:
        raise UserError(f"--teller-key: expected both tellers' key files, got {len(teller_keys)}")
    members = _voters(voters, voters_file)
    tellers = [open_role_key(path, "teller").teller() for path in teller_keys]
    if server is not None:
        from clearcount.protocol.context import read_election
        from clearcount.record.archive import decode_record
        from clearcount.service.elections.paper import sign_sitting

        from .server_transport import RoleApi

        api = RoleApi(server, election)
        record = decode_record(api.get("record"), f"{server} record of {election}")
        el = read_election(record[:2])
        cancelled = _cancelled(cancelled_file, el)
        papers = _papers(papers_file, el)
        signed = sign_sitting(record, channel, papers, cancelled, (tellers[0], tellers[1]))
        answer = api.post("paper-batches", {
            "channel": channel, "voters": members, "signed_in": signed_in,
            "accept_mismatch": accept_mismatch, "batches": [b.to_body() for b in signed],
        })  # fmt: skip
        done = answer.get("reconciliation") if isinstance(answer, dict) else None
        click.echo(
            f"{channel} papers of {len(members)} members sent to {server} for {election!r} "
            f"({len(signed)} batches); signed by {tellers[0].name} and {tellers[1].name}; "
            f"reconciliation: {done}"
        )
        return
    with open_services(db) as s:
        el = election_of(s, election)
        cancelled = _cancelled(cancelled_file, el)
        papers = _papers(papers_file, el)
        with progress("entering the papers", None):
            receipt = s.paper.enter(
                election,
                channel=channel,
                voters=members,
                cancelled=cancelled,
                papers=papers,
                tellers=(tellers[0], tellers[1]),
                signed_in=signed_in,
                accept_mismatch=accept_mismatch,
            )
    sizes = ", ".join(f"{c}: {n} papers" for c, n in receipt.papers.items())
    click.echo(
        f"{channel} papers of {receipt.voters} members entered in {election!r} "
        f"({sizes}); signed by {tellers[0].name} and {tellers[1].name}; "
        f"reconciliation: {receipt.reconciliation}"
    )


@click.command("cancel-list")
@click.option(
    "--key-file",
    required=True,
    type=INPUT_FILE,
    envvar="CLEARCOUNT_CA_KEY_FILE",
    help="The authority's encrypted key file of this election's credentials.",
)
@click.option(
    "--authority-key",
    required=True,
    type=INPUT_FILE,
    help="The authority's own key file (`clearcount authority init`): it signs the list.",
)
@click.option(
    "--member",
    "members",
    multiple=True,
    required=True,
    metavar="MEMBER",
    help="A member who voted on paper (repeatable).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the list for the tellers.",
)
def cancel_list_command(
    key_file: Path, authority_key: Path, members: tuple[str, ...], out: Path
) -> None:
    """Name, and sign, the public credentials of members who voted on paper, for the tellers.

    Their online ballots then stop counting (a paper ballot takes precedence); only a list the
    authority signed can cancel a credential. The list is sorted, so it does not say which
    credential is whose.
    """
    import os

    from clearcount.record import codec
    from clearcount.service.roles.credential_keyfile import load_key_file

    signer = open_role_key(authority_key, "authority")
    passphrase = os.environ.get("CLEARCOUNT_CA_PASSPHRASE") or click.prompt(
        "Key file passphrase", hide_input=True, err=True
    )
    material = load_key_file(key_file, passphrase)
    cancellation = material.cancellation(members, signer.signing)
    document = {
        "format": CANCELLED_FORMAT,
        "election_id": material.election.election_id,
        "fingerprint": material.election.fingerprint,
        "credentials": [codec.hexify(p) for p in cancellation.credentials],
        "signature": codec.hexify(cancellation.signature),
    }
    write_json(out, document)
    click.echo(
        f"{len(cancellation.credentials)} credentials to cancel in {out}, signed by "
        f"{signer.name} (give it to the tellers)"
    )
