"""`clearcount papers ...`: postal voting papers (docs/steps/15-postal-papers.md, spec §11.12).

The scrutineer's commands (`issue`, `replace`, `count`) open its own key files and the sealed
paper list; the tellers' (`enter`) and the officer's (`reconcile`) touch only public data and
paper numbers. Each command is thin over `service.roles.postal_papers` and
`service.elections.postal`.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clearcount.core.errors import ClearcountError
from clearcount.service.authorisation import Principal, Role

if TYPE_CHECKING:
    from collections.abc import Sequence

    from clearcount.crypto.group import Scalar
    from clearcount.protocol.paper import TellerSecret
    from clearcount.protocol.postal import ReturnedPaper
    from clearcount.record.chain import Event
    from clearcount.record.postal_body import PaperReplacement
    from clearcount.service.roles.credential_authority import KeyMaterial
    from clearcount.service.roles.postal_papers import PaperList, VotingPaper

from .common import (
    Database,
    UserError,
    db_options,
    open_role_key,
    principal_option,
    read_json,
)
from .context import election_of, open_services

__all__ = ["papers_group"]

RETURNS_FORMAT = "clearcount-paper-returns/1"
"""A teller's entry file: {"format", "papers": [{"number", "answers", "received"}]}."""


def _secret(variable: str, prompt: str) -> str:
    return os.environ.get(variable) or click.prompt(prompt, hide_input=True, err=True)


_AUTHORITY = click.option(
    "--authority-key",
    required=True,
    type=click.Path(path_type=Path),
    help="The scrutineer's own key file (`clearcount authority init`): it signs.",
)
_KEY_FILE = click.option(
    "--key-file",
    type=click.Path(path_type=Path),
    envvar="CLEARCOUNT_CA_KEY_FILE",
    default=None,
    help="The credential key file (a hybrid ballot prints each member's credential).",
)
_LIST = click.option(
    "--paper-list",
    required=True,
    type=click.Path(path_type=Path),
    help="The scrutineer's sealed number -> member list (written by `papers issue`).",
)


def _material(key_file: Path | None) -> KeyMaterial | None:
    if key_file is None:
        return None
    from clearcount.service.roles.credential_keyfile import load_key_file

    return load_key_file(key_file, _secret("CLEARCOUNT_CA_PASSPHRASE", "Key file passphrase"))


@click.group("papers")
def papers_group() -> None:
    """Postal voting papers: issue, replace, the tellers' entries, reconcile, count."""


@papers_group.command("issue")
@click.argument("election")
@_AUTHORITY
@_KEY_FILE
@click.option("--return-address", required=True, help="Where members post the paper back.")
@click.option("--issued-on", required=True, help="The issue date printed (YYYY-MM-DD).")
@click.option(
    "--return-by",
    default=None,
    help="Deadline (ISO 8601 with offset); default: the ballot's close.",
)
@click.option("--who-may-call", required=True, help="Who the union authorises to call action.")
@click.option(
    "--statement",
    default=None,
    help="The s.229(4) statement as printed; default: the wording in force on the day the "
    "ballot opens (with or without the 12-week sentence the ERA 2025 removed).",
)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="A new folder.")
@principal_option(Role.OFFICER)
@db_options
def papers_issue(
    election: str,
    authority_key: Path,
    key_file: Path | None,
    return_address: str,
    issued_on: str,
    return_by: str | None,
    who_may_call: str,
    statement: str | None,
    out: Path,
    principal: Principal,
    db: Database,
) -> None:
    """Number and print ELECTION's voting papers; record the signed issue.

    Writes OUT/ELECTION.pdf (one page per member, in issue order), OUT/ELECTION-sample.pdf (for
    the employer) and OUT/ELECTION.paper-list (sealed: only the scrutineer may hold it).
    """
    from clearcount.mail.letters import write_private
    from clearcount.mail.papers import render_papers, render_sample
    from clearcount.protocol.postal_statement import statutory_statement
    from clearcount.record.postal_body import PaperContent, PaperQuestion
    from clearcount.service.roles.postal_papers import (
        issue_papers,
        save_paper_list,
    )

    signer = open_role_key(authority_key, "authority")
    material = _material(key_file)
    out.mkdir(parents=True, exist_ok=True)
    with open_services(db) as s:
        chain = s.ballots.record(election)
        setup = election_of(s, election).setup
        org = s.ballots.status(election).organisation_id
        snapshot = s.rolls.snapshot(principal, election)
        members = {m.member_id: m for m in s.members.list_members(principal, org)}
        content = PaperContent(
            issued_on,
            return_address,
            return_by or setup.closes,
            tuple(PaperQuestion(c.id, c.title) for c in setup.contests),
            who_may_call,
            statement or statutory_statement(datetime.fromisoformat(setup.opens).date()),
        )
        try:
            issued = issue_papers(chain, snapshot, members, content, signer.signing, material)
        except ClearcountError as error:
            raise UserError(f"papers issue: {error}") from None
        passphrase = _secret("CLEARCOUNT_PAPERS_PASSPHRASE", "Paper list passphrase")
        save_paper_list(out / f"{election}.paper-list", issued.papers, passphrase)
        s.postal.record_issue(election, issued.issue)
    title = setup.title or election
    write_private(
        out / f"{election}.pdf", render_papers(signer.name, title, content, issued.printed)
    )
    (out / f"{election}-sample.pdf").write_bytes(render_sample(signer.name, title, content))
    click.echo(
        f"{issued.issue.papers} papers numbered {issued.issue.first}..{issued.issue.last} for "
        f"{election!r} ({org}): {out}/{election}.pdf, sample {out}/{election}-sample.pdf"
    )


@papers_group.command("replace")
@click.argument("election")
@click.argument("number", type=int)
@click.option("--reason", type=click.Choice(["lost", "spoilt"]), required=True)
@_LIST
@_AUTHORITY
@_KEY_FILE
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The new paper.")
@click.option(
    "--server",
    default=None,
    metavar="URL",
    help="The ballot server (`clearcount serve`): fetch the record and send the signed "
    "replacement through its role API instead of a local database.",
)
@db_options
def papers_replace(
    election: str,
    number: int,
    reason: str,
    paper_list: Path,
    authority_key: Path,
    key_file: Path | None,
    out: Path,
    server: str | None,
    db: Database,
) -> None:
    """Replace paper NUMBER of ELECTION (lost or spoilt): the next number, the old one void."""
    from clearcount.mail.letters import write_private
    from clearcount.mail.papers import render_papers
    from clearcount.record.postal_body import PaperIssue
    from clearcount.service.roles.postal_papers import load_paper_list, replace_paper

    signer = open_role_key(authority_key, "authority")
    papers = load_paper_list(
        paper_list, _secret("CLEARCOUNT_PAPERS_PASSPHRASE", "Paper list passphrase")
    )
    material = _material(key_file)

    def replaced(chain: Sequence[Event]) -> tuple[PaperReplacement, VotingPaper]:
        try:
            return replace_paper(chain, papers, number, reason, signer.signing, material)
        except ClearcountError as error:
            raise UserError(f"papers replace: {error}") from None

    if server is not None:
        from clearcount.record.archive import decode_record

        from .server_transport import RoleApi

        api = RoleApi(server, election)
        chain = decode_record(api.get("record"), f"{server} record of {election}")
        replacement, paper = replaced(chain)
        api.post("paper-replacements", replacement.to_body())
    else:
        with open_services(db) as s:
            chain = s.ballots.record(election)
            replacement, paper = replaced(chain)
            s.postal.record_replacement(election, replacement)
    issue = next(e for e in chain if e.kind == "PaperIssue")
    content = PaperIssue.from_body(issue.body, "PaperIssue").content
    title = str(chain[0].body["title"])
    write_private(out, render_papers(signer.name, title, content, [paper]))
    click.echo(f"paper {number} void; replacement paper {replacement.number} in {out}")


def _returns(path: Path, specs: dict[str, tuple[str, ...]]) -> list[ReturnedPaper]:
    from clearcount.protocol.postal import ReturnedPaper
    from clearcount.record import codec

    document = read_json(path)
    where = str(path)
    try:
        f = codec.fields(document, where, ("format", "papers"))
        if f["format"] != RETURNS_FORMAT:
            raise UserError(f"{path}: expected format {RETURNS_FORMAT!r}, got {f['format']!r}")
        papers = []
        for i, item in enumerate(codec.array(f["papers"], f"{where}.papers")):
            g = codec.fields(item, f"{where}.papers[{i}]", ("number", "answers", "received"))
            answers = g["answers"]
            if answers is not None:
                if not isinstance(answers, dict) or not set(answers) <= set(specs):
                    raise UserError(
                        f"{where}.papers[{i}].answers: expected {{CONTEST: [NAMES]}} with "
                        f"contests among {', '.join(specs)}, or null for a spoilt paper"
                    )
                answers = {
                    c: tuple(specs[c].index(name) for name in names) for c, names in answers.items()
                }
            papers.append(
                ReturnedPaper(
                    codec.integer(g["number"], f"{where}.papers[{i}].number", minimum=1),
                    answers,
                    codec.iso_time(g["received"], f"{where}.papers[{i}].received"),
                )
            )
    except (ClearcountError, ValueError) as error:
        raise UserError(f"{path}: not a paper returns file: {error}") from None
    return papers


@papers_group.command("enter")
@click.argument("election")
@click.option("--teller", required=True, help="Your name, as a teller of the election.")
@click.option(
    "--returns",
    "returns_file",
    required=True,
    type=click.Path(path_type=Path),
    help=f"Your entry of the returned papers (format {RETURNS_FORMAT}).",
)
@click.option(
    "--correct",
    is_flag=True,
    help="Correct your earlier entry of these numbers (the earlier entry stays on file).",
)
@click.option(
    "--key",
    "role_key",
    type=click.Path(path_type=Path),
    default=None,
    help="Your teller key file (`role init`): with --server it signs your entry.",
)
@click.option(
    "--server",
    default=None,
    metavar="URL",
    help="The ballot server (`clearcount serve`): sign your entry here (--key) and send it "
    "through its role API instead of a local database.",
)
@db_options
def papers_enter(
    election: str,
    teller: str,
    returns_file: Path,
    correct: bool,
    role_key: Path | None,
    server: str | None,
    db: Database,
) -> None:
    """One teller's own entry of ELECTION's returned papers (each number once)."""
    if server is not None:
        if role_key is None:
            raise UserError("--server: give your teller key file with --key; it signs the entry")
        papers, total = _enter_on_server(server, election, teller, returns_file, role_key, correct)
        click.echo(f"{len(papers)} papers entered by {teller} on {server} ({total} in all)")
        return
    with open_services(db) as s:
        specs = {c.id: c.candidates for c in election_of(s, election).setup.contests}
        papers = _returns(returns_file, specs)
        who = Principal(teller, Role.TELLER)
        total = s.postal.enter(who, election, papers, correction=correct)
    click.echo(f"{len(papers)} papers entered by {teller} ({total} in all)")


def _enter_on_server(
    server: str, election: str, teller: str, returns_file: Path, role_key: Path, correct: bool
) -> tuple[list[ReturnedPaper], int]:
    """Fetch the record, sign the entry here with the teller's own key, send only that."""
    from urllib.parse import quote

    from clearcount.protocol.context import read_election
    from clearcount.protocol.postal_entry import sign_entry
    from clearcount.record.archive import decode_record

    from .server_transport import RoleApi

    key = open_role_key(role_key, "teller")
    if key.name != teller:
        raise UserError(f"--key is {key.name!r}'s but --teller is {teller!r}: give your own key")
    api = RoleApi(server, election)
    record = decode_record(api.get("record"), f"{server} record of {election}")
    el = read_election(record[:2])
    papers = _returns(returns_file, {c.id: c.candidates for c in el.setup.contests})
    on_file = json.loads(api.get(f"paper-entries/{quote(teller, safe='')}"))
    entry = sign_entry(el, key.teller(), int(on_file["entries"]), tuple(papers), correction=correct)
    answer = api.post("paper-entries", entry.to_body())
    return papers, int(answer["entered"]) if isinstance(answer, dict) else 0


@papers_group.command("reconcile")
@click.argument("election")
@principal_option(Role.OFFICER)
@db_options
def papers_reconcile(election: str, principal: Principal, db: Database) -> None:
    """Compare the two tellers' entries: every difference, or the agreed returns."""
    from clearcount.protocol.postal import ReturnsMismatchError

    with open_services(db) as s:
        try:
            agreed = s.postal.reconcile(principal, election)
        except ReturnsMismatchError as error:
            for problem in error.problems:
                click.echo(f"  {problem}")
            raise UserError(f"{len(error.problems)} problems: nothing is counted yet") from None
    click.echo(
        f"the tellers agree: {len(agreed.counted)} to count, {len(agreed.spoilt)} spoilt, "
        f"{len(agreed.late)} late, {len(agreed.voided)} void"
    )


@papers_group.command("count")
@click.argument("election")
@_LIST
@_AUTHORITY
@click.option(
    "--key-file",
    required=True,
    type=click.Path(path_type=Path),
    envvar="CLEARCOUNT_CA_KEY_FILE",
    help="The credential key file: the voters' credentials are cancelled.",
)
@click.option(
    "--teller-key",
    "teller_keys",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="A teller's key file; give both tellers' (each types their passphrase).",
)
@click.option(
    "--server",
    default=None,
    metavar="URL",
    help="The ballot server (`clearcount serve`): fetch the agreed numbers and the unsigned "
    "batches, sign here, send only what is signed.",
)
@db_options
def papers_count(
    election: str,
    paper_list: Path,
    authority_key: Path,
    key_file: Path,
    teller_keys: tuple[Path, ...],
    server: str | None,
    db: Database,
) -> None:
    """After the close: the scrutineer names the voters, both tellers sign the returns."""
    from clearcount.service.roles.postal_papers import (
        load_paper_list,
        returns_cancellation,
    )

    if len(teller_keys) != 2:
        raise UserError(f"--teller-key: expected both tellers' key files, got {len(teller_keys)}")
    signer = open_role_key(authority_key, "authority")
    papers = load_paper_list(
        paper_list, _secret("CLEARCOUNT_PAPERS_PASSPHRASE", "Paper list passphrase")
    )
    material = _material(key_file)
    if material is None:
        raise UserError("--key-file: the credential key file is needed to cancel credentials")
    tellers = [open_role_key(path, "teller").teller() for path in teller_keys]
    if server is not None:
        answer = _count_on_server(
            server, election, papers, material, signer.signing, (tellers[0], tellers[1])
        )
        click.echo(f"postal returns of {election!r} counted on {server}: {answer} papers")
        return
    with open_services(db) as s:
        agreed = s.postal.reconcile(Principal(tellers[0].name, Role.TELLER), election)
        named = returns_cancellation(
            s.ballots.record(election), papers, agreed, material, signer.signing
        )
        receipt = s.postal.count(
            election,
            voters=named.voters,
            superseded=named.superseded,
            cancellation=named.cancellation,
            tellers=(tellers[0], tellers[1]),
        )
    click.echo(
        f"postal returns of {election!r} counted: {receipt.counted} papers ("
        f"{receipt.superseded} superseded by online ballots), {receipt.spoilt} spoilt, "
        f"{receipt.late} late, {receipt.voided} void"
    )


def _count_on_server(
    server: str,
    election: str,
    papers: PaperList,
    material: KeyMaterial,
    signing: Scalar,
    tellers: tuple[TellerSecret, TellerSecret],
) -> object:
    """The scrutineer names the voters and cancels their credentials, both tellers sign the
    returns and the batches the server drafted: all here; only the signed acts are sent."""
    from clearcount.protocol.postal import Reconciled
    from clearcount.record.archive import decode_record
    from clearcount.record.events import PaperBatch
    from clearcount.service.elections.postal import sign_count
    from clearcount.service.roles.postal_papers import returns_cancellation

    from .server_transport import RoleApi

    api = RoleApi(server, election)
    record = decode_record(api.get("record"), f"{server} record of {election}")
    numbers = json.loads(api.get("postal-returns"))
    agreed = Reconciled(
        {int(n): {} for n in numbers["counted"]},
        tuple(numbers["spoilt"]), tuple(numbers["late"]), tuple(numbers["voided"]),
    )  # fmt: skip
    named = returns_cancellation(record, papers, agreed, material, signing)
    if named.superseded:
        raise UserError(
            f"papers count --server: {len(named.superseded)} paper(s) superseded by online "
            "ballots; the role API serves the batches of every counted paper only (batches "
            "less some papers would show their marks), so count on the server's database: "
            "`papers count` without --server"
        )
    drafts = [
        PaperBatch.from_body(b, f"{server} draft batch {i}")
        for i, b in enumerate(json.loads(api.get("postal-batches")))
    ]
    signed = sign_count(record, agreed, drafts, named.superseded, named.cancellation, tellers)
    answer = api.post("postal-count", {
        "voters": list(named.voters), "returns": signed.returns.to_body(),
        "batches": [b.to_body() for b in signed.batches],
    })  # fmt: skip
    return answer.get("counted") if isinstance(answer, dict) else answer
