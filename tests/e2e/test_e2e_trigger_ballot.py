"""A CLP's trigger ballot end to end through the CLI (issues 5, 8; docs/steps/14-trigger-ballot).

Each party branch's members vote yes/no in their own election, taking the steps of
docs/steps/01-13 (the roll: the branch's members, `roll rules --unit`); North votes online,
South online and on paper at its branch meeting. The commands of
docs/steps/14-trigger-ballot.md, literally, in its two parts: once both branch elections'
key ceremonies have run and before South opens, the affiliates' officers make their keys and
the returning officer (the same Jo Hale who runs both branch elections) signs the list of
bodies; after the branches' results, each affiliate's officer signs its vote, the secretary
records it (a correction needs --replace), declares under labour-2021 and verifies the
declaration against both branches' records and every signature. North's members support the
MP 2-1, South's ask for a selection 1-2, the union supports the MP and the Co-operative Party
asks for a selection: in the 2021 electoral college branches 25.0 + affiliates 25.0 = 50.0%,
not more than 50%, so no selection is triggered.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

from tests.e2e.harness import Cli, Done
from tests.e2e.steps import Plan, Sitting, run_election
from tests.unit.mail.smtp_server import SmtpServer

from clearcount.cli.common import passphrase_variable
from clearcount.core.canonical import canonical_json

MEMBERS = """member_id,given_name,family_name,email,address,postcode,joined,units,categories
AV2001,Ann,Arbel,ann.arbel@example.org,1 Mill Lane,AV1 1AA,2015-03-02,av-north,
AV2002,Ben,Brask,ben.brask@example.org,2 Mill Lane,AV1 1AB,2016-03-02,av-north,
AV2003,Cat,Corrin,cat.corrin@example.org,3 Quarry Row,AV1 2BA,2017-03-02,av-north,
AV2004,Dan,Dulwich,dan.d@example.org,4 Quarry Row,AV1 2BB,2018-03-02,av-south,
AV2005,Eve,Ember,eve.ember@example.org,5 Canal Walk,AV1 3CA,2019-03-02,av-south,
AV2006,Fay,Fenwick,fay.fenwick@example.org,6 Canal Walk,AV1 3CB,2012-01-09,av-south,
AV2007,Gus,Garrow,gus.garrow@example.org,7 Station Road,AV1 4DA,2020-02-29,av-south,
"""

AFFILIATES = ("Northfold TWU", "Co-operative Party")

UNITS = (
    ("ashby-vale", "Ashby Vale CLP", "constituency_party", None),
    ("av-north", "Ashby Vale North branch", "branch", "ashby-vale"),
    ("av-south", "Ashby Vale South branch", "branch", "ashby-vale"),
)

CONTESTS = {
    "format": "clearcount-contests/1",
    "contests": [
        {
            "id": "reselect",
            "title": "Should the sitting MP be reselected without an open selection?",
            "method": "yes-no",
            "candidates": ["Yes", "No"],
            "options": {"profile": "custom", "support": "0.5", "support_strict": False},
        }
    ],
}


def branch_plan(election: str, unit: str, name: str, **kwargs: object) -> Plan:
    return Plan(
        election=election,
        organisation=("ashby-vale-clp", "Ashby Vale CLP", "party"),
        units=UNITS,
        members_csv=MEMBERS,
        rules=(
            "--kind",
            "trigger",
            "--basis",
            "Rule Book 2021 Ch.5 Cl.IV.5: the branch's members vote",
            "--qualifying-date",
            "2031-02-15",
            "--unit",
            unit,
        ),
        contests=CONTESTS,
        title=f"{name}: trigger ballot 2031",
        **kwargs,  # type: ignore[arg-type]
    )


NORTH = branch_plan(
    "av-north-trigger-2031",
    "av-north",
    "Ashby Vale North branch",
    channels="online",
    online=(
        ("AV2001", {"reselect": "Yes"}),
        ("AV2002", {"reselect": "No"}),
        ("AV2003", {"reselect": "Yes"}),
    ),
)
SOUTH = branch_plan(
    "av-south-trigger-2031",
    "av-south",
    "Ashby Vale South branch",
    channels="meeting,online",
    online=(("AV2004", {"reselect": "Yes"}),),
    sittings=(Sitting("meeting", ("AV2005", "AV2006"), {"reselect": [["No"], ["No"]]}),),
    roll_ready=True,
)


def test_a_trigger_ballot_of_branch_members_and_affiliate_officers(
    cli: Cli, smtp_server: SmtpServer
) -> None:
    cli.env.update({passphrase_variable(a): f"passphrase of {a}" for a in AFFILIATES})
    officer_key = "south/keys/officer-jo-hale.key"
    fixed: list[Done] = []

    def fix_bodies() -> None:  # both key ceremonies have run; neither branch has opened
        cli.monkeypatch.chdir(cli.cwd)
        fixed.extend(
            cli.run_doc_page("14-trigger-ballot.md", {"OFFICER_KEY": officer_key}, slice(0, 2))
        )
        cli.monkeypatch.chdir(cli.cwd / "south")

    branches = {}
    for folder, plan in (("north", NORTH), ("south", replace(SOUTH, before_open=fix_bodies))):
        (cli.cwd / folder).mkdir()
        if folder == "south":  # the same returning officer, with the same key file
            shutil.copytree(cli.cwd / "north" / "keys", cli.cwd / "south" / "keys")
        branch = Cli(cli.cwd / folder, cli.env, cli.monkeypatch, cli.clock)
        branches[folder] = run_election(branch, smtp_server, plan)
    cli.monkeypatch.chdir(cli.cwd)
    assert "3 of 7 members eligible" in branches["north"]["preview"].out
    assert "4 of 7 members eligible" in branches["south"]["preview"].out
    assert "Yes 2, No 1" in branches["north"]["declare"].out
    assert "Yes 1, No 2" in branches["south"]["declare"].out
    assert "VERIFIED: 0 checks failed" in branches["south"]["verify"].out
    assert any("list of bodies of 'av-trigger-2031' fixed" in d.out for d in fixed)

    done = cli.run_doc_page("14-trigger-ballot.md", {"OFFICER_KEY": officer_key}, slice(2, None))
    refused = [d for d in done if "affiliate-vote" in d.args and "--replace" in d.args]
    assert refused, "the page corrects a vote with --replace"
    second = cli.run("trigger", "affiliate-vote", "av-trigger-2031", "--signed", "twu-vote.json")
    assert second.code == 2
    assert "declared" in second.err
    declared = next(d for d in done if d.args[:2] == ("trigger", "declare")).out
    assert "branch Ashby Vale North branch: members 2 yes, 1 no -> YES" in declared
    assert "branch Ashby Vale South branch: members 1 yes, 2 no -> NO" in declared
    assert "affiliate Northfold TWU: YES, signed by Rita Okafor" in declared
    assert "NOT TRIGGERED" in declared
    assert "branches 25.0 + affiliates 25.0 = 50.0%, not more than 50%" in declared
    document = json.loads((cli.cwd / "trigger-declaration.json").read_bytes())
    assert document["triggered"] is False
    assert [a["vote"] for a in document["affiliates"]] == ["yes", "no"]
    assert document["bodies"]["officer"] == "Jo Hale"
    verified = next(d for d in done if d.args[0] == "verify-trigger").out
    assert "trigger declaration VERIFIED: 0 checks failed" in verified
    assert "recounted branches 25.0 + affiliates 25.0 = 50.0%" in verified
    assert verified.count(": VERIFIED (0 checks failed") == 2

    records = ("north/records/av-north-trigger-2031", "south/records/av-south-trigger-2031")
    tampered = json.loads((cli.cwd / "trigger-declaration.json").read_bytes())
    tampered["branches"][1]["no"] = 1  # a changed tally
    flipped = json.loads((cli.cwd / "trigger-declaration.json").read_bytes())
    flipped["affiliates"][0]["vote"] = "no"  # a flipped affiliate vote, not re-signed
    for name, forged, given, check in (
        ("tampered.json", tampered, records, "V-TRIG-TALLY-1"),
        ("flipped.json", flipped, records, "V-TRIG-AFFSIG-1"),
        ("trigger-declaration.json", None, records[:1], "V-TRIG-BRANCH-1"),  # a dropped branch
    ):
        if forged is not None:
            (cli.cwd / name).write_bytes(canonical_json(forged))
        bad = cli.run("verify-trigger", name, *given)
        assert bad.code == 1
        assert f"failed {check}" in bad.out
        assert "trigger declaration NOT VERIFIED" in bad.out
