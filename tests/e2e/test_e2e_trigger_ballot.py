"""A CLP's trigger ballot, end to end through the CLI: the steps of docs/steps/01-13.

The voters are the bodies: each branch and affiliate votes once, through the delegate its
meeting chose (an entitlement list by category). The 2021 rule: the MP needs at least half of
the bodies that vote. Two of five bodies support the MP: an open selection is triggered.
"""

from __future__ import annotations

import json

from tests.e2e.harness import Cli
from tests.e2e.steps import Plan, run_election
from tests.unit.mail.smtp_server import SmtpServer

MEMBERS = """member_id,given_name,family_name,email,address,postcode,joined,units,categories
AV2001,Ann,Arbel,ann.arbel@example.org,1 Mill Lane,AV1 1AA,2015-03-02,av-north,body-delegate
AV2002,Ben,Brask,ben.brask@example.org,2 Mill Lane,AV1 1AB,2016-03-02,av-south,body-delegate
AV2003,Cat,Corrin,cat.corrin@example.org,3 Quarry Row,AV1 2BA,2017-03-02,av-central,body-delegate
AV2004,Dan,Dulwich,dan.d@example.org,4 Quarry Row,AV1 2BB,2018-03-02,av-riverside,body-delegate
AV2005,Eve,Ember,eve.ember@example.org,5 Canal Walk,AV1 3CA,2019-03-02,av-ntwu,body-delegate
AV2006,Fay,Fenwick,fay.fenwick@example.org,6 Canal Walk,AV1 3CB,2012-01-09,av-coop,body-delegate
AV2007,Gus,Garrow,gus.garrow@example.org,7 Station Road,AV1 4DA,2020-02-29,av-north,
"""

PLAN = Plan(
    election="av-trigger-2031",
    organisation=("ashby-vale-clp", "Ashby Vale CLP", "party"),
    units=(
        ("ashby-vale", "Ashby Vale CLP", "constituency_party", None),
        ("av-north", "Ashby Vale North branch", "branch", "ashby-vale"),
        ("av-south", "Ashby Vale South branch", "branch", "ashby-vale"),
        ("av-central", "Ashby Vale Central branch", "branch", "ashby-vale"),
        ("av-riverside", "Riverside branch", "branch", "ashby-vale"),
        ("av-ntwu", "Northfold TWU, Ashby Vale branch", "affiliate", "ashby-vale"),
        ("av-coop", "Ashby Vale Co-operative Party", "affiliate", "ashby-vale"),
    ),
    members_csv=MEMBERS,
    rules=(
        "--kind",
        "trigger",
        "--basis",
        "Rule Book 2021 Ch.5 Cl.IV.5",
        "--qualifying-date",
        "2031-02-15",
        "--entitlement-basis",
        "one body vote per branch and affiliate, by its delegate",
        "--entitled-category",
        "body-delegate",
    ),
    contests={
        "format": "clearcount-contests/1",
        "contests": [
            {
                "id": "reselect",
                "title": "Reselect the sitting MP without an open selection?",
                "method": "yes-no",
                "candidates": ["Yes", "No"],
                "options": {"profile": "custom", "support": "0.5", "support_strict": False},
            }
        ],
    },
    title="Ashby Vale trigger ballot 2031",
    channels="online",
    online=(
        ("AV2001", {"reselect": "Yes"}),
        ("AV2002", {"reselect": "No"}),
        ("AV2003", {"reselect": "Yes"}),
        ("AV2004", {"reselect": "No"}),
        ("AV2005", {"reselect": "No"}),
        ("AV2003", {"reselect": "No"}),  # Central's delegate corrects the body's vote
        ("AV2003", {"reselect": "Yes"}),  # ... and back: the last ballot counts
    ),
)


def test_a_trigger_ballot_triggers_an_open_selection(cli: Cli, smtp_server: SmtpServer) -> None:
    out = run_election(cli, smtp_server, PLAN)
    assert "6 of 7 members eligible" in out["preview"].out
    assert "AV2007" in out["preview"].out
    assert "body-delegate" in out["preview"].out
    declared = out["declare"].out
    assert "Yes 2, No 3" in declared
    assert "NOT CARRIED" in declared
    assert "turnout: 5 of 6 eligible members" in declared
    result = json.loads(out["result"].out)
    assert result["contests"][0]["count"]["outcome"]["carried"] is False
    assert "VERIFIED: 0 checks failed" in out["verify"].out
    assert out["verify-diff"].out.startswith("EXTENDS:")
