"""`clearcount credentials ...`: the credential authority's commands (spec §11.3).

Run by the independent scrutineer on their own machine, never by the ballot service:
`generate` draws the credentials and writes the encrypted key file and the public list,
`send` emails them, `letters` prints the postal voters' letters, `resend` sends one again.
The step-by-step page is docs/service/credentials.md. The passphrase of the key file comes
from CLEARCOUNT_CA_PASSPHRASE or a prompt; SMTP settings from options or CLEARCOUNT_SMTP_*.
No command prints a credential secret.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.decorators import FC

from clearcount.core.errors import InputFormatError
from clearcount.core.json_text import load_json

from .choices import SECURITY_MODES
from .common import INPUT_FILE, open_role_key

if TYPE_CHECKING:
    from clearcount.mail.smtp import SmtpMailer
    from clearcount.service.roles.credential_authority import DeliveryOutcome, KeyMaterial

__all__ = ["PUBLIC_FORMAT", "credentials_group"]

PUBLIC_FORMAT = "clearcount-public-credentials/1"
_PASSPHRASE_ENV = "CLEARCOUNT_CA_PASSPHRASE"  # noqa: S105 (a variable name)


def _passphrase(confirm: bool) -> str:
    value = os.environ.get(_PASSPHRASE_ENV)
    if value:
        return value
    text: str = click.prompt(
        "Key file passphrase", hide_input=True, confirmation_prompt=confirm, err=True
    )
    return text


def _json(path: Path) -> object:
    try:
        return load_json(path.read_bytes())
    except OSError as error:
        raise InputFormatError(str(path), None, f"cannot read file: {error.strerror}") from None
    except ValueError as error:
        raise InputFormatError(str(path), None, f"invalid JSON: {error}") from None


def _material(key_file: Path) -> KeyMaterial:
    if not key_file.is_file():  # before the passphrase is asked for
        raise click.BadParameter(f"file {str(key_file)!r} does not exist", param_hint="--key-file")
    from clearcount.service.roles.credential_keyfile import load_key_file

    return load_key_file(key_file, _passphrase(confirm=False))


key_file_option = click.option(
    "--key-file",
    required=True,
    type=click.Path(path_type=Path),
    envvar="CLEARCOUNT_CA_KEY_FILE",
    help="The authority's encrypted key file (0600).",
)
vote_url_option = click.option(
    "--vote-url",
    required=True,
    envvar="CLEARCOUNT_VOTE_URL",
    help="The address where `clearcount serve` answers, e.g. https://vote.example.org (or set "
    "CLEARCOUNT_VOTE_URL); emails link to URL/e/ELECTION/vote#c=CREDENTIAL.",
)
help_option = click.option(
    "--help-contact",
    required=True,
    envvar="CLEARCOUNT_HELP_CONTACT",
    help='Whom voters ask, e.g. "the returning officer, ballots@union.example".',
)


def smtp_options(required: bool) -> Callable[[FC], FC]:
    """The SMTP server's settings, each also read from CLEARCOUNT_SMTP_<NAME>."""
    options = [
        click.option("--smtp-host", envvar="CLEARCOUNT_SMTP_HOST", required=required),
        click.option("--smtp-port", envvar="CLEARCOUNT_SMTP_PORT", type=int, default=587,
                     show_default=True),
        click.option("--smtp-security", envvar="CLEARCOUNT_SMTP_SECURITY",
                     type=click.Choice(SECURITY_MODES), default="starttls", show_default=True),
        click.option("--smtp-user", envvar="CLEARCOUNT_SMTP_USER", default=None),
        click.option("--smtp-password", envvar="CLEARCOUNT_SMTP_PASSWORD", default=None,
                     help="Better set in the environment than on the command line."),
        click.option("--from", "sender", envvar="CLEARCOUNT_SMTP_FROM", required=required,
                     help='The From address, e.g. "Scrutineer <scrutineer@union.example>".'),
        click.option("--smtp-retries", envvar="CLEARCOUNT_SMTP_RETRIES", type=int, default=2,
                     show_default=True),
        click.option("--smtp-retry-delay", envvar="CLEARCOUNT_SMTP_RETRY_DELAY", type=float,
                     default=5.0, show_default=True),
    ]  # fmt: skip

    def apply(function: FC) -> FC:
        for option in reversed(options):
            function = option(function)
        return function

    return apply


def _mailer(o: dict[str, object]) -> SmtpMailer:
    from clearcount.mail.smtp import SmtpMailer, SmtpSettings

    return SmtpMailer(
        SmtpSettings(
            host=str(o["smtp_host"]),
            sender=str(o["sender"]),
            port=int(str(o["smtp_port"])),
            security=str(o["smtp_security"]),
            username=None if o["smtp_user"] is None else str(o["smtp_user"]),
            password=None if o["smtp_password"] is None else str(o["smtp_password"]),
            retries=int(str(o["smtp_retries"])),
            retry_delay=float(str(o["smtp_retry_delay"])),
        )
    )


@click.group("credentials")
def credentials_group() -> None:
    """The credential authority (independent scrutineer): make and deliver voting credentials."""


@credentials_group.command("generate")
@click.option("--record", required=True, type=click.Path(path_type=Path),
              help="The election record whose event 0 is the Setup.")  # fmt: skip
@click.option("--roll", "roll_path", required=True, type=INPUT_FILE,
              help="The eligible members: a credential roll JSON file.")  # fmt: skip
@key_file_option
@click.option("--authority-key", required=True, type=INPUT_FILE,
              help="Your own key file (`authority init`): it signs the list.")  # fmt: skip
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Where to write the public credentials for the returning officer.")  # fmt: skip
def generate_command(
    record: Path, roll_path: Path, key_file: Path, authority_key: Path, out: Path
) -> None:
    """Draw one credential per eligible member; write the key file and the public list,
    signed with the authority's own key (nobody else can publish or alter it)."""
    from clearcount.core.canonical import canonical_json
    from clearcount.core.errors import RecordError
    from clearcount.record.archive import read_record
    from clearcount.service.roles.credential_authority import (
        delivery_plan,
        election_facts,
        issue_credentials,
        recipients_from_json,
    )
    from clearcount.service.roles.credential_keyfile import save_key_file

    if out.exists():
        raise click.UsageError(f"{out} already exists")
    signer = open_role_key(authority_key, "authority")
    chain = read_record(record)
    if len(chain) != 1:
        raise RecordError(
            f"{record}: expected a record holding only the Setup event, got {len(chain)} events"
        )
    facts = election_facts(chain[0])
    recipients = recipients_from_json(_json(roll_path), facts)
    material = issue_credentials(chain[0], recipients)
    save_key_file(key_file, material, _passphrase(confirm=True))
    public = {
        "format": PUBLIC_FORMAT,
        "election_id": facts.election_id,
        "fingerprint": facts.fingerprint,
        "body": material.credentials(signer.signing).to_body(),
    }
    out.write_bytes(canonical_json(public) + b"\n")
    plan = delivery_plan(material)
    click.echo(
        f"{len(material.issued)} credentials for {facts.election_id!r} "
        f"(fingerprint {facts.fingerprint[:16]}…): {len(plan.emails)} by email, "
        f"{len(plan.letters)} by letter.\nKey file: {key_file} (keep it and its passphrase "
        f"apart). Public list for the returning officer: {out}"
    )


def _report_failures(failed: tuple[DeliveryOutcome, ...]) -> None:
    for outcome in failed:
        click.echo(f"FAILED member {outcome.member_id} {outcome.destination}: {outcome.error}",
                   err=True)  # fmt: skip


@credentials_group.command("send")
@key_file_option
@smtp_options(required=True)
@vote_url_option
@help_option
@click.option("--only", "only", multiple=True, metavar="MEMBER",
              help="Send only to these members (repeatable), e.g. those that failed.")  # fmt: skip
def send_command(key_file: Path, vote_url: str, help_contact: str, only: tuple[str, ...],
                 **smtp: object) -> None:  # fmt: skip
    """Email each email-channel member their credential, with a progress bar.

    Idempotent: each accepted message is logged beside the key file (KEYFILE.sent), and a
    re-run sends only to members not yet sent; `resend MEMBER` sends one again.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from clearcount.service.roles.credential_authority import delivery_plan, send_credentials
    from clearcount.service.roles.delivery import VotingInstructions
    from clearcount.service.roles.sent_log import read_sent, record_sent, sent_log_path

    material = _material(key_file)
    instructions = VotingInstructions(vote_url, help_contact)
    election = material.election.election_id
    log = sent_log_path(key_file)
    already = read_sent(log, election)
    chosen = list(only) or None
    wanted = list(only) if only else [r.member_id for r in delivery_plan(material).emails]
    total = len([m for m in wanted if m not in already])
    err = Console(stderr=True)

    def sent(outcome: DeliveryOutcome) -> None:
        if outcome.ok:
            record_sent(log, election, outcome.member_id, outcome.destination,
                        datetime.now(UTC), "send")  # fmt: skip
        bar.advance(task)

    with _mailer(smtp) as mailer, Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal,
    ) as bar:  # fmt: skip
        task = bar.add_task("sending credentials", total=total)
        report = send_credentials(material, mailer, instructions, member_ids=chosen,
                                  progress=sent, already_sent=already)  # fmt: skip
    _report_failures(report.failed)
    skipped = f", {len(report.skipped)} already sent before (skipped)" if report.skipped else ""
    click.echo(f"sent {len(report.sent)}, failed {len(report.failed)}{skipped}; log: {log}")
    if report.skipped and only:
        click.echo("to send a member's credential again: clearcount credentials resend MEMBER",
                   err=True)  # fmt: skip
    if report.failed:
        click.echo("to retry the failed ones, run the same command again (it sends only what "
                   "was not sent)", err=True)  # fmt: skip
        sys.exit(1)


@credentials_group.command("letters")
@key_file_option
@vote_url_option
@help_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="One merged PDF for the print shop.")  # fmt: skip
@click.option("--split", "folder", type=click.Path(path_type=Path), default=None,
              help="Instead, one PDF per member in this folder.")  # fmt: skip
@click.option("--date", "printed", default=None, help="Date on the letters (default: today).")
@click.option("--font", type=click.Path(path_type=Path), default=None,
              help="A TrueType font instead of DejaVu Sans (from fonts-dejavu-core).")  # fmt: skip
@click.option("--only", "only", multiple=True, metavar="MEMBER",
              help="Only these members' letters (repeatable).")  # fmt: skip
def letters_command(key_file: Path, vote_url: str, help_contact: str, out: Path | None,
                    folder: Path | None, printed: str | None, font: Path | None,
                    only: tuple[str, ...]) -> None:  # fmt: skip
    """Print the postal voters' credential letters (A4 PDF, one page each)."""
    if (out is None) == (folder is None):
        raise click.UsageError("give exactly one of --out FILE.pdf and --split FOLDER")
    from clearcount.mail.letters import render_letters, write_letters, write_private
    from clearcount.service.roles.credential_authority import letters
    from clearcount.service.roles.delivery import VotingInstructions

    material = _material(key_file)
    today = date.today()
    day = printed or f"{today.day} {today:%B %Y}"
    chosen = list(only) or None
    batch = letters(material, VotingInstructions(vote_url, help_contact), day, member_ids=chosen)
    if not batch:
        click.echo("no postal voters: no letters to print")
        return
    if folder is not None:
        paths = write_letters(batch, folder, font=font)
        click.echo(f"{len(paths)} letters in {folder}/ (hold secrets: print, then delete them)")
    elif out is not None:
        write_private(out, render_letters(batch, font=font))
        click.echo(f"{len(batch)} letters in {out} (holds secrets: print, then delete it)")


@credentials_group.command("resend")
@click.argument("member")
@key_file_option
@vote_url_option
@help_option
@click.option("--letter", type=click.Path(path_type=Path), default=None,
              help="Print a letter to this PDF file instead of sending an email.")  # fmt: skip
@smtp_options(required=False)
def resend_command(member: str, key_file: Path, vote_url: str, help_contact: str,
                   letter: Path | None, **smtp: object) -> None:  # fmt: skip
    """Send MEMBER's credential again (the same one): by email, or as a letter with --letter."""
    from clearcount.mail.letters import render_letters, write_private
    from clearcount.service.roles.credential_authority import letters, resend
    from clearcount.service.roles.delivery import VotingInstructions
    from clearcount.service.roles.sent_log import record_sent, sent_log_path

    material = _material(key_file)
    instructions = VotingInstructions(vote_url, help_contact)
    issued = material.find(member)
    if letter is not None or issued.recipient.channel == "postal":
        if letter is None:
            raise click.UsageError(f"member {member} is a postal voter: give --letter FILE.pdf")
        today = date.today()
        batch = letters(material, instructions, f"{today.day} {today:%B %Y}", member_ids=[member])
        write_private(letter, render_letters(batch))
        click.echo(f"letter for member {member} in {letter} (holds the secret: print, then delete)")
        return
    if smtp["smtp_host"] is None or smtp["sender"] is None:
        raise click.UsageError("an email needs --smtp-host and --from (or CLEARCOUNT_SMTP_*)")
    outcome = resend(material, member, _mailer(smtp), instructions)
    record_sent(sent_log_path(key_file), material.election.election_id, outcome.member_id,
                outcome.destination, datetime.now(UTC), "resend")  # fmt: skip
    click.echo(f"sent member {outcome.member_id}'s credential again to {outcome.destination}")
