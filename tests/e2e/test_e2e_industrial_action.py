"""A union's industrial action ballot, end to end through the CLI: docs/steps/01-13's steps.

Northfold Bus Depot's drivers and engineers (an entitlement list under TULRCA s.227, one
member excluded with a reason), two yes/no questions under the uk-industrial-action profile
(majority and 50% turnout, the mandate), online and by post.
"""

from __future__ import annotations

import json

from tests.e2e.harness import Cli
from tests.e2e.steps import Plan, Sitting, run_election
from tests.unit.mail.smtp_server import SmtpServer

MEMBERS = """member_id,given_name,family_name,email,address,postcode,joined,units,categories
NTW-00001,Lee,Lowther,lee.lowther@example.org,12 Depot Rd,NF2 1AA,2010-05-04,northfold-depot,driver
NTW-00002,Mo,Marsden,mo.marsden@example.org,14 Depot Rd,NF2 1AB,2014-08-18,northfold-depot,driver
NTW-00003,Nat,Nuttall,,3 Tram Yd,NF3 2BA,2019-02-11,northfold-depot,engineer
NTW-00004,Oli,Ormerod,oli.o@example.org,5 Tram Yd,NF3 2BB,2022-06-30,northfold-depot,engineer;driver
NTW-00005,Pat,Pennock,pat.pennock@example.org,7 Harbour St,NF4 3CA,2008-01-07,northfold-depot,driver
NTW-00006,Quin,Quarmby,quin.q@example.org,9 Harbour St,NF4 3CB,2016-10-03,northfold-depot,driver
NTW-00007,Ray,Rudd,ray.rudd@example.org,11 Harbour St,NF4 3CC,2016-10-03,northfold-depot,clerical
NTW-00008,Sue,Selby,sue.selby@example.org,2 Yard Ln,NF3 2BC,2011-01-03,tram-yard,driver
"""
OPTIONS = {"profile": "uk-industrial-action", "opened": "2031-05-01", "entitled": "roll"}

PLAN = Plan(
    election="ntwu-depot-2031",
    organisation=("northfold-twu", "Northfold Transport Workers' Union", "union"),
    units=(
        ("northfold-branch", "Northfold branch", "branch", None),
        ("northfold-depot", "Northfold Bus Depot", "workplace", "northfold-branch"),
        ("tram-yard", "Northfold Tram Yard", "workplace", "northfold-branch"),
    ),
    members_csv=MEMBERS,
    rules=(
        "--kind",
        "industrial-action",
        "--basis",
        "TULRCA 1992 s.227; executive 2031-04-14",
        "--qualifying-date",
        "2031-04-20",
        "--entitlement-basis",
        "drivers and engineers at Northfold Bus Depot",
        "--entitled-unit",
        "northfold-depot",
        "--entitled-category",
        "driver",
        "--entitled-category",
        "engineer",
        "--exclude",
        "NTW-00006:on the employer's leaver list, 2031-04-18",
    ),
    contests={
        "format": "clearcount-contests/1",
        "contests": [
            {
                "id": "strike",
                "title": "Are you prepared to take part in strike action?",
                "method": "yes-no",
                "candidates": ["Yes", "No"],
                "options": OPTIONS,
            },
            {
                "id": "asos",
                "title": "Are you prepared to take part in action short of a strike?",
                "method": "yes-no",
                "candidates": ["Yes", "No"],
                "options": OPTIONS,
            },
        ],
    },
    title="Northfold Bus Depot: industrial action ballot 2031",
    channels="postal,online",
    online=(
        ("NTW-00001", {"strike": "Yes", "asos": "Yes"}),
        ("NTW-00002", {"strike": "Yes", "asos": "No"}),
        ("NTW-00004", {"strike": "No", "asos": "Yes"}),
    ),
    sittings=(Sitting("postal", ("NTW-00003",), {"strike": [["Yes"]], "asos": [["Yes"]]}),),
    times={
        "roll": "2031-04-01T10:00Z",
        "freeze": "2031-04-20T10:00Z",
        "define": "2031-04-21T10:00Z",
        "opens": "2031-05-01T09:00Z",
        "closes": "2031-05-15T17:00Z",
        "vote": "2031-05-05T08:00Z",
    },
)


def test_an_industrial_action_ballot_is_carried(cli: Cli, smtp_server: SmtpServer) -> None:
    out = run_election(cli, smtp_server, PLAN)
    preview = out["preview"].out
    assert "5 of 8 members eligible" in preview
    assert "employer's leaver list" in preview
    assert "NTW-00007" in preview
    assert "1 letters in letters.pdf" in out["letters"].out
    declared = out["declare"].out
    assert declared.count("CARRIED") == 2
    assert "NOT CARRIED" not in declared
    assert "at least 50% of those entitled to vote did so: met" in declared
    assert "mandate: 12 months" in declared
    result = json.loads(out["result"].out)
    strike = result["contests"][0]
    assert strike["totals"] == {"Yes": 3, "No": 1}
    assert strike["count"]["outcome"]["entitled"] == 5
    assert "postal 1, online 3" in declared
    assert "VERIFIED: 0 checks failed" in out["verify"].out
