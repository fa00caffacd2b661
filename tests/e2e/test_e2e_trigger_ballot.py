"""A CLP's trigger ballot end to end through the CLI (issues 5, 8, 11; docs/steps/14).

ONE election with a yes/no contest per branch, taking the steps of docs/steps/01-13 (the roll:
both branches' members, each scoped to its own branch's contest, `roll rules --unit ...
--contest-by-unit`); North votes online, South online and on paper at its branch meeting. The
commands of docs/steps/14-trigger-ballot.md, literally, in its two parts: once the key ceremony
has run and before the election opens, the affiliates' officers make their keys and the
returning officer signs the list of bodies; after the result, each affiliate's officer signs
its vote, the secretary records it (a correction needs --replace), the returning officer signs
the abstention of the affiliate that did not meet and enters the casting vote of South's chair
(its members tied 1-1), the secretary declares under labour-2021 and anyone verifies the
declaration against the record and every signature. North's members support the MP 2-1,
South's chair casts for a selection, the union supports the MP and the Co-operative Party asks
for a selection: in the 2021 electoral college branches 25.0 + affiliates 25.0 = 50.0%, not
more than 50%, so no selection is triggered.
"""

from __future__ import annotations

import json
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

AFFILIATES = ("Northfold TWU", "Co-operative Party", "Ashby Vale Fabian Society")

UNITS = (
    ("ashby-vale", "Ashby Vale CLP", "constituency_party", None),
    ("av-north", "Ashby Vale North branch", "branch", "ashby-vale"),
    ("av-south", "Ashby Vale South branch", "branch", "ashby-vale"),
)

CONTESTS = {
    "format": "clearcount-contests/1",
    "contests": [
        {
            "id": unit,
            "title": f"{name}: should the sitting MP be reselected without an open selection?",
            "method": "yes-no",
            "candidates": ["Yes", "No"],
            "options": {"profile": "custom", "support": "0.5", "support_strict": False},
        }
        for unit, name, _, _ in UNITS[1:]
    ],
}

TRIGGER = Plan(
    election="av-trigger-2031",
    organisation=("ashby-vale-clp", "Ashby Vale CLP", "party"),
    units=UNITS,
    members_csv=MEMBERS,
    rules=(
        "--kind",
        "trigger",
        "--basis",
        "Rule Book 2021 Ch.5 Cl.IV.5: each branch's members decide its vote",
        "--qualifying-date",
        "2031-02-15",
        "--unit",
        "av-north",
        "--unit",
        "av-south",
        "--contest-by-unit",
    ),
    contests=CONTESTS,
    title="Ashby Vale CLP trigger ballot 2031",
    channels="meeting,online",
    online=(
        ("AV2001", {"av-north": "Yes"}),
        ("AV2002", {"av-north": "No"}),
        ("AV2003", {"av-north": "Yes"}),
        ("AV2004", {"av-south": "Yes"}),
    ),
    sittings=(Sitting("meeting", ("AV2005",), {"av-south": [["No"]]}),),
)


def test_a_trigger_ballot_of_branch_members_and_affiliate_officers(
    cli: Cli, smtp_server: SmtpServer
) -> None:
    cli.env.update({passphrase_variable(a): f"passphrase of {a}" for a in AFFILIATES})
    officer_key = "keys/officer-jo-hale.key"
    fixed: list[Done] = []

    def fix_bodies() -> None:  # the key ceremony has run; the election has not opened
        fixed.extend(
            cli.run_doc_page("14-trigger-ballot.md", {"OFFICER_KEY": officer_key}, slice(0, 2))
        )

    done = run_election(cli, smtp_server, replace(TRIGGER, before_open=fix_bodies))
    assert "7 of 7 members eligible" in done["preview"].out
    assert "Yes 2, No 1" in done["declare"].out
    assert "Yes 1, No 1" in done["declare"].out
    assert "VERIFIED: 0 checks failed" in done["verify"].out
    assert any("list of bodies of 'av-trigger-2031' fixed" in d.out for d in fixed)
    stray = cli.run(
        "vote", "online", "av-trigger-2031", "--member", "AV2006", "--credential", "x",
        "--choice", "av-north=Yes",
    )  # fmt: skip
    assert stray.code != 0

    done = cli.run_doc_page("14-trigger-ballot.md", {"OFFICER_KEY": officer_key}, slice(2, None))
    refused = [d for d in done if "affiliate-vote" in d.args and "--replace" in d.args]
    assert refused, "the page corrects a vote with --replace"
    second = cli.run("trigger", "affiliate-vote", "av-trigger-2031", "--signed", "twu-vote.json")
    assert second.code == 2
    assert "declared" in second.err
    declared = next(d for d in done if d.args[:2] == ("trigger", "declare")).out
    assert "branch Ashby Vale North branch: members 2 yes, 1 no -> YES" in declared
    assert (
        "branch Ashby Vale South branch: members 1 yes, 1 no -> NO, chair Lee Grant's casting vote"
        in declared
    )
    assert "affiliate Northfold TWU: YES, signed by Rita Okafor" in declared
    assert "affiliate Ashby Vale Fabian Society: ABSTAINED (did not meet)" in declared
    assert "NOT TRIGGERED" in declared
    assert "branches 25.0 + affiliates 25.0 = 50.0%, not more than 50%" in declared
    document = json.loads((cli.cwd / "trigger-declaration.json").read_bytes())
    assert document["triggered"] is False
    assert [a["vote"] for a in document["affiliates"]] == ["yes", "no"]
    assert [a["body"] for a in document["abstentions"]] == ["Ashby Vale Fabian Society"]
    assert document["bodies"]["officer"] == "Jo Hale"
    verified = next(d for d in done if d.args[0] == "verify-trigger").out
    assert "trigger declaration VERIFIED: 0 checks failed" in verified
    assert "recounted branches 25.0 + affiliates 25.0 = 50.0%" in verified
    assert verified.count(": VERIFIED (0 checks failed") == 1

    records = ("records/av-trigger-2031",)
    original = (cli.cwd / "trigger-declaration.json").read_bytes()
    tampered = json.loads(original)
    tampered["branches"][1]["no"] = 2  # a changed tally
    flipped = json.loads(original)
    flipped["affiliates"][0]["vote"] = "no"  # a flipped affiliate vote, not re-signed
    unaccounted = json.loads(original)
    unaccounted["abstentions"] = []  # the Fabians' abstention dropped
    untied = json.loads(original)
    untied["casting_votes"] = []  # South's casting vote dropped
    for name, forged, check in (
        ("tampered.json", tampered, "V-TRIG-TALLY-1"),
        ("flipped.json", flipped, "V-TRIG-AFFSIG-1"),
        ("unaccounted.json", unaccounted, "V-TRIG-LISTED-1"),
        ("untied.json", untied, "V-TRIG-CASTING-1"),
    ):
        (cli.cwd / name).write_bytes(canonical_json(forged))
        bad = cli.run("verify-trigger", name, *records)
        assert bad.code == 1
        assert f"failed {check}" in bad.out
        assert "trigger declaration NOT VERIFIED" in bad.out
