"""The credential authority (spec §11.3): credentials, the public list, the key file, delivery."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

import pytest
from tests.principals import officer
from tests.unit.service.credential_world import (
    AUTHORITY,
    INSTRUCTIONS,
    LOW_COST,
    RECIPIENTS,
    SETUP,
    setup_for,
)
from tests.unit.service.world import OFFICER, World

from clearcount.core.errors import ClearcountError, DecodingError
from clearcount.crypto.group import Point, Scalar, seeded_scalars
from clearcount.record.events import Credentials
from clearcount.service.errors import ConflictError, NotFoundError, ValidationError
from clearcount.service.ports import MailMessage
from clearcount.service.roles.credential_authority import (
    ROLL_FORMAT,
    KeyMaterial,
    delivery_plan,
    election_facts,
    issue_credentials,
    letters,
    recipients_from_json,
    recipients_from_snapshot,
    resend,
    send_credentials,
)
from clearcount.service.roles.credential_keyfile import (
    KeyFileError,
    load_key_file,
    open_key_material,
    save_key_file,
    seal_key_material,
)
from clearcount.service.roles.delivery import (
    DeliveryError,
    MailServerError,
    Recipient,
    VotingInstructions,
    compose_email,
    credential_code,
    parse_credential_code,
)

PASSPHRASE = "correct horse battery staple"


def issued() -> KeyMaterial:
    return issue_credentials(SETUP, RECIPIENTS, seeded_scalars(b"ca tests"))


class FakeMailer:
    """Records messages; refuses some addresses; may stop answering after `up_to` messages."""

    def __init__(self, refuse: tuple[str, ...] = (), up_to: int | None = None) -> None:
        self.sent: list[MailMessage] = []
        self.refuse = refuse
        self.up_to = up_to

    def send(self, message: MailMessage) -> None:
        if self.up_to is not None and len(self.sent) >= self.up_to:
            raise MailServerError("smtp.example:587: connection refused (after 3 tries)")
        if message.to in self.refuse:
            raise DeliveryError(message.to, "recipient refused: 550 mailbox unavailable")
        self.sent.append(message)


def code_in(body: str) -> Scalar:
    lines = [line.strip() for line in body.splitlines() if line.startswith("    ")]
    assert len(lines) == 1, "the credential appears exactly once"
    return parse_credential_code(lines[0].split("#c=")[-1])


# --- credentials and the public list ------------------------------------------------------


def test_one_credential_per_eligible_member_and_the_public_list_holds_only_s_g() -> None:
    material = issued()
    public = material.credentials(AUTHORITY.signing)
    assert len(public.credentials) == 5 == election_facts(SETUP).eligible
    encodings = [p.to_bytes() for p in public.credentials]
    assert encodings == sorted(encodings)
    for item in material.issued:
        assert Point.base_mul(item.secret.secret) == item.secret.public
        index = public.credentials.index(item.secret.public)
        assert public.weights[index] == item.recipient.weight
    body = public.to_body()
    assert Credentials.from_body(body, "test") == public
    text = json.dumps(body)
    assert "NT-" not in text
    assert "@" not in text
    assert "Byrne" not in text
    assert all(item.secret.secret.to_bytes().hex() not in text for item in material.issued)


def test_the_number_of_members_must_be_the_setups_eligible_count() -> None:
    with pytest.raises(ValidationError, match=r"members: expected 5 eligible members"):
        issue_credentials(SETUP, RECIPIENTS[:4])
    with pytest.raises(ValidationError, match="distinct member ids"):
        issue_credentials(SETUP, (*RECIPIENTS[:4], RECIPIENTS[0]))


def test_a_forged_setup_is_refused() -> None:
    body = dict(SETUP.body)
    body["title"] = "Another election"
    forged = dataclasses.replace(SETUP, body=body)  # trustees' proofs no longer match
    with pytest.raises(ClearcountError):
        issue_credentials(forged, RECIPIENTS)


def test_nothing_secret_in_reprs() -> None:
    material = issued()
    text = (
        repr(material)
        + repr(material.issued)
        + repr(letters(material, INSTRUCTIONS, "1 April 2031"))
    )
    for item in material.issued:
        assert item.secret.secret.to_bytes().hex() not in text
        assert credential_code(item.secret.secret) not in text


# --- the credential code ------------------------------------------------------------------


def test_credential_code_round_trips_and_forgives_case_and_crockford_lookalikes() -> None:
    secret = issued().issued[0].secret.secret
    code = credential_code(secret)
    assert len(code) == 69
    assert code.count("-") == 13
    assert not set(code) & set("ILOU")
    assert parse_credential_code(code) == secret
    assert parse_credential_code(code.lower().replace("-", " ")) == secret
    assert parse_credential_code(code.replace("0", "O").replace("1", "l")) == secret


def test_a_mistyped_credential_code_is_caught() -> None:
    code = credential_code(issued().issued[0].secret.secret)
    i = 5
    typo = code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1 :]
    with pytest.raises(DecodingError, match="mistyped"):
        parse_credential_code(typo)
    with pytest.raises(DecodingError, match="expected 56 characters"):
        parse_credential_code(code[:-1])
    with pytest.raises(DecodingError, match="unexpected characters"):
        parse_credential_code(code[:-1] + "U")


# --- messages -----------------------------------------------------------------------------


def test_the_email_carries_the_credential_once_and_the_instructions() -> None:
    material = issued()
    bram = material.find("NT-1002")
    message = compose_email(material.election, bram.recipient, bram.secret.secret, INSTRUCTIONS)
    assert message.to == "bram.okafor@members.example"
    assert message.subject == "Your voting credential: Executive Committee election 2031"
    assert Point.base_mul(code_in(message.body)) == bram.secret.public
    assert credential_code(bram.secret.secret) not in message.subject
    assert INSTRUCTIONS.vote_url in message.body
    assert "3 votes" in message.body  # the weight of a card vote
    assert material.election.fingerprint[:4] in message.body
    assert "1 May 2031, 09:00 UTC" in message.body
    assert "Northfold Transport Workers' Union" in message.body


def test_the_email_links_to_the_booth_with_the_credential_after_the_hash() -> None:
    material = issued()
    bram = material.find("NT-1002")
    election_id = material.election.election_id
    how = VotingInstructions("https://vote.northfold-twu.example/", "the returning officer")
    message = compose_email(material.election, bram.recipient, bram.secret.secret, how)
    code = credential_code(bram.secret.secret)
    link = f"https://vote.northfold-twu.example/e/{election_id}/vote#c={code}"
    assert f"    {link}" in message.body.splitlines()
    assert message.body.count(code) == 1, "the credential appears once: in the link"


def test_the_booth_address_from_a_base_or_an_old_per_election_address() -> None:
    base = "https://vote.example.org"
    for given in (base, base + "/", f"{base}/e/exec%202031", f"{base}/e/exec%202031/vote"):
        how = VotingInstructions(given, "the officer")
        assert how.booth_url("exec 2031") == f"{base}/e/exec%202031/vote", given
    nested = VotingInstructions("https://example.org/ballots/", "the officer")
    assert nested.booth_url("e1") == "https://example.org/ballots/e/e1/vote"


def test_delivery_plan_splits_email_and_post() -> None:
    plan = delivery_plan(issued())
    assert [r.member_id for r in plan.emails] == ["NT-1001", "NT-1002", "NT-1004"]
    assert [r.member_id for r in plan.letters] == ["NT-1003", "NT-1005"]
    assert plan.letters[0].destination == "post: 4 Ropewalk Row, Northfold, NF2 7QP"


def test_sending_reports_each_refusal_by_member_and_sends_the_rest() -> None:
    material = issued()
    mailer = FakeMailer(refuse=("refuse.dev@members.example",))
    seen: list[str] = []
    report = send_credentials(
        material, mailer, INSTRUCTIONS, progress=lambda o: seen.append(o.member_id)
    )
    assert seen == ["NT-1001", "NT-1002", "NT-1004"]
    assert [o.member_id for o in report.sent] == ["NT-1001", "NT-1002"]
    (failed,) = report.failed
    assert failed.member_id == "NT-1004"
    assert failed.destination == "<refuse.dev@members.example>"
    assert failed.error is not None
    assert "550" in failed.error
    for message in mailer.sent:
        issued_to = next(i for i in material.issued if i.recipient.email == message.to)
        assert Point.base_mul(code_in(message.body)) == issued_to.secret.public


def test_a_server_that_stops_answering_marks_the_rest_not_sent() -> None:
    report = send_credentials(issued(), FakeMailer(up_to=1), INSTRUCTIONS)
    assert [o.member_id for o in report.sent] == ["NT-1001"]
    assert [o.member_id for o in report.failed] == ["NT-1002", "NT-1004"]
    assert report.failed[1].error is not None
    assert "not sent" in report.failed[1].error


def test_resend_sends_the_same_credential_and_names_the_member_on_failure() -> None:
    material = issued()
    mailer = FakeMailer(refuse=("refuse.dev@members.example",))
    send_credentials(material, mailer, INSTRUCTIONS, member_ids=["NT-1001"])
    resend(material, "NT-1001", mailer, INSTRUCTIONS)
    first, second = mailer.sent
    assert code_in(first.body) == code_in(second.body) == material.find("NT-1001").secret.secret
    with pytest.raises(DeliveryError, match=r"member NT-1004: cannot deliver .*refuse\.dev"):
        resend(material, "NT-1004", mailer, INSTRUCTIONS)
    with pytest.raises(ConflictError, match="by post"):
        resend(material, "NT-1003", mailer, INSTRUCTIONS)
    with pytest.raises(NotFoundError, match="NT-9999"):
        resend(material, "NT-9999", mailer, INSTRUCTIONS)


def test_letters_go_to_postal_members_with_their_address() -> None:
    material = issued()
    batch = letters(material, INSTRUCTIONS, "3 April 2031")
    assert [letter.member_id for letter in batch] == ["NT-1003", "NT-1005"]
    assert batch[0].address == ("Cait Doherty", "4 Ropewalk Row", "Northfold", "NF2 7QP")
    assert parse_credential_code(batch[0].code) == material.find("NT-1003").secret.secret


# --- the key file -------------------------------------------------------------------------


def test_key_file_round_trip_is_0600_and_holds_no_plaintext(tmp_path: Path) -> None:
    material = issued()
    path = tmp_path / "ca-key.json"
    save_key_file(path, material, PASSPHRASE, log2_n=LOW_COST)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    for item in material.issued:
        assert item.secret.secret.to_bytes().hex() not in text
        assert item.recipient.member_id not in text
        assert item.recipient.name not in text
    assert json.loads(text)["election"]["fingerprint"] == SETUP.hash
    again = load_key_file(path, PASSPHRASE)
    assert again.election == material.election
    assert again.issued == material.issued  # resending re-uses the same secrets
    assert (
        again.credentials(AUTHORITY.signing).credentials
        == material.credentials(AUTHORITY.signing).credentials
    )
    with pytest.raises(ConflictError, match="already there"):
        save_key_file(path, material, PASSPHRASE, log2_n=LOW_COST)


def _other_first(text: str) -> str:
    """`text` with its first character changed (a fixed "A" left 1 file in 64 unaltered)."""
    return ("B" if text.startswith("A") else "A") + text[1:]


def test_wrong_passphrase_and_altered_files_give_one_error(tmp_path: Path) -> None:
    data = seal_key_material(issued(), PASSPHRASE, log2_n=LOW_COST)
    with pytest.raises(KeyFileError, match="passphrase is wrong or the file was altered"):
        open_key_material(data, PASSPHRASE + "!")
    document = json.loads(data)
    for change in (
        lambda d: d["election"].update(election_id="another-election"),
        lambda d: d["election"].update(eligible=4),
        lambda d: d["kdf"].update(log2_n=15),
        lambda d: d.update(ciphertext=_other_first(d["ciphertext"])),
    ):
        altered = json.loads(data)
        change(altered)
        with pytest.raises(KeyFileError, match="passphrase is wrong or the file was altered"):
            open_key_material(json.dumps(altered).encode(), PASSPHRASE)
    document["format"] = "something-else"
    with pytest.raises(KeyFileError, match="format"):
        open_key_material(json.dumps(document).encode(), PASSPHRASE)
    with pytest.raises(KeyFileError, match="not a clearcount key file"):
        open_key_material(b"{", PASSPHRASE)
    with pytest.raises(ValidationError, match="passphrase"):
        seal_key_material(issued(), "short", log2_n=LOW_COST)


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ca-key.json"
    save_key_file(path, issued(), PASSPHRASE, log2_n=LOW_COST)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match=r"permissions 0644 .* expected 0600"):
        load_key_file(path, PASSPHRASE)


# --- the eligible members ---------------------------------------------------------------


def roll_document() -> dict[str, object]:
    return {
        "format": ROLL_FORMAT,
        "roll_root": election_facts(SETUP).roll_root,
        "members": [
            {"member_id": "NT-1001", "name": "Ada Byrne", "email": "ada.byrne@members.example"},
            {
                "member_id": "NT-1002",
                "name": "Bram Okafor",
                "channel": "email",
                "email": "bram.okafor@members.example",
                "weight": 3,
            },
            {
                "member_id": "NT-1003",
                "name": "Cait Doherty",
                "address": ["4 Ropewalk Row", "Northfold"],
                "postcode": "NF2 7QP",
            },
            {"member_id": "NT-1004", "name": "Dev Mistry", "email": "refuse.dev@members.example"},
            {
                "member_id": "NT-1005",
                "name": "Zoë Lindqvist",
                "channel": "postal",
                "email": "zoe@members.example",
                "address": "Flat 2, 19 Canal Street\nNorthfold NF1 3AB",
            },
        ],
    }


def test_roll_file_gives_the_recipients() -> None:
    recipients = recipients_from_json(roll_document(), election_facts(SETUP))
    assert recipients[:3] == RECIPIENTS[:3]
    assert recipients[4].address == ("Flat 2", "19 Canal Street", "Northfold NF1 3AB")
    assert recipients[4].channel == "postal"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="csv"), "format: expected"),
        (lambda d: d.update(roll_root="00" * 32), "roll_root: expected the Setup's"),
        (lambda d: d["members"][0].update(channel="email", email=""), "email: expected an address"),
        (lambda d: d["members"][2].update(address=[], postcode=""), "address: expected postal"),
        (lambda d: d["members"][0].update(phone="0"), "only the documented fields"),
        (lambda d: d["members"][1].update(weight=0), r"weight: expected an integer in \[1"),
        (lambda d: d["members"][1].update(channel="fax"), "channel: expected one of"),
    ],
)
def test_a_bad_roll_file_names_the_member_and_field(change: object, message: str) -> None:
    document = roll_document()
    change(document)  # type: ignore[operator]
    with pytest.raises(ClearcountError, match=message):
        recipients_from_json(document, election_facts(SETUP))


def test_recipients_from_a_frozen_roll(world: World) -> None:
    from tests.unit.service.test_roll_snapshot import frozen

    org = frozen(world)
    snapshot = world.rolls.snapshot(officer(), "av-trigger-2021")
    members = {m.member_id: m for m in world.members.list_members(officer(), org)}
    recipients = recipients_from_snapshot(snapshot, members)
    assert len(recipients) == snapshot.header.eligible == 7
    eligible = {e.member_id for e in snapshot.entries if e.decision.eligible}
    assert {r.member_id for r in recipients} == eligible
    ann = next(r for r in recipients if r.member_id == "AV0001")
    assert ann == Recipient(
        "AV0001",
        "Ann Arbel",
        "email",
        "ann.arbel@example.org",
        ("1 Mill Lane Ashby Vale", "AV1 1AA"),
    )
    material = issue_credentials(setup_for(7), recipients)
    assert len(material.credentials(AUTHORITY.signing).credentials) == 7
    assert OFFICER  # the roll was frozen by the returning officer, not by the authority
