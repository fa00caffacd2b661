"""A postal-only industrial action ballot at two workplaces, end to end through the CLI.

docs/steps/01-13 with step 15's commands: `election define --papers postal --workplace ...`,
`papers issue` (the scrutineer prints the numbered papers and seals the number list),
`papers replace`, each teller's `papers enter`, `papers reconcile` (a difference first, then
agreement), `papers count`; the Depot meets its 50% turnout, the Tram Yard does not, while the
aggregate does (s.228: separate workplace ballots).
"""

from __future__ import annotations

import json

from starlette.testclient import TestClient
from tests.e2e.harness import Cli
from tests.e2e.steps import Plan, run_election
from tests.unit.mail.smtp_server import SmtpServer
from tests.unit.web.loopback import serving

from clearcount.bootstrap import Config, Services, build
from clearcount.web.app import create_app

MEMBERS = """member_id,given_name,family_name,email,address,postcode,joined,units,categories
NTW-00001,Lee,Lowther,lee.lowther@example.org,12 Depot Rd,NF2 1AA,2010-05-04,northfold-depot,driver
NTW-00002,Mo,Marsden,mo.marsden@example.org,14 Depot Rd,NF2 1AB,2014-08-18,northfold-depot,driver
NTW-00003,Nat,Nuttall,,3 Tram Yd,NF3 2BA,2019-02-11,northfold-depot,driver
NTW-00004,Oli,Ormerod,oli.o@example.org,5 Tram Yd,NF3 2BB,2022-06-30,northfold-depot,driver
NTW-00005,Pat,Pennock,pat.pennock@example.org,7 Harbour St,NF4 3CA,2008-01-07,tram-yard,driver
NTW-00006,Quin,Quarmby,quin.q@example.org,9 Harbour St,NF4 3CB,2016-10-03,tram-yard,driver
NTW-00007,Ray,Rudd,ray.rudd@example.org,11 Harbour St,NF4 3CC,2016-10-03,tram-yard,driver
NTW-00008,Sue,Selby,sue.selby@example.org,2 Yard Ln,NF3 2BC,2011-01-03,tram-yard,driver
"""
OPTIONS = {"profile": "uk-industrial-action", "opened": "2031-05-01", "entitled": "roll"}
AUTHORITY = "keys/authority-northgate-ballot-services.key"
E = "ntwu-two-sites-2031"
STATEMENT = (
    "If you take part in a strike or other industrial action, you may be in breach of your "
    "contract of employment."
)


def _returns(cli: Cli, name: str, papers: list[dict[str, object]]) -> None:
    document = {"format": "clearcount-paper-returns/1", "papers": papers}
    (cli.cwd / name).write_text(json.dumps(document), encoding="utf-8")


def _paper(number: int, strike: str | None, received: str = "2031-05-14T10:00:00Z") -> dict:  # type: ignore[type-arg]
    answers = None if strike is None else {"strike": [strike]}
    return {"number": number, "answers": answers, "received": received}


def _services(cli: Cli) -> Services:
    """The ballot server's services over the CLI's database."""
    config = Config(database_url=cli.env["CLEARCOUNT_DATABASE_URL"], verifier_workers=1)
    return build(config, clock=cli.clock, schema=cli.env.get("CLEARCOUNT_DB_SCHEMA"))


def test_a_postal_ballot_at_two_workplaces(cli: Cli, smtp_server: SmtpServer) -> None:
    env = {"CLEARCOUNT_PAPERS_PASSPHRASE": "the scrutineer's paper list passphrase"}
    cli.env.update(env)
    done: dict[str, object] = {}

    def issue() -> None:
        done["issue"] = cli.ok(
            "papers", "issue", E, "--authority-key", AUTHORITY,
            "--return-address", "Northgate Ballot Services, Freepost NTWU, Northfold NF1 1AA",
            "--issued-on", "2031-04-24", "--who-may-call", "the General Secretary",
            "--statement", STATEMENT, "--out", "papers",
        )  # fmt: skip
        done["replace"] = cli.ok(
            "papers", "replace", E, "2", "--reason", "lost", "--paper-list",
            f"papers/{E}.paper-list", "--authority-key", AUTHORITY, "--out", "papers/9.pdf",
        )  # fmt: skip
        # the scrutineer replaces a spoilt paper from its own machine (the role API)
        services = _services(cli)
        with serving(create_app(Config(), services=services)) as server:
            done["replace-http"] = cli.ok(
                "papers", "replace", E, "7", "--reason", "spoilt", "--paper-list",
                f"papers/{E}.paper-list", "--authority-key", AUTHORITY,
                "--out", "papers/10.pdf", "--server", server,
            )  # fmt: skip
        signed = services.ballots.record(E)[-1].body
        with TestClient(create_app(Config(), services=services)) as client:
            path = f"/api/roles/elections/{E}/paper-replacements"
            assert client.post(path, json=signed).status_code == 409  # sent again
            forged = {**signed, "reason": "lost"}  # not what the scrutineer signed
            assert client.post(path, json=forged).json()["kind"] == "invalid"
        services.close()

    def count() -> None:
        # Depot: papers 1, 9 (replacing 2), 3 counted, 4 spoilt; Tram Yard: 5 counted, 6 late
        first = [_paper(1, "Yes"), _paper(9, "Yes"), _paper(3, "No"), _paper(4, None)]
        first += [_paper(5, "Yes"), _paper(6, "Yes", "2031-05-16T09:00:00Z")]
        _returns(cli, "pat.json", first)
        _returns(cli, "sam.json", [*first[:2], _paper(3, "Yes"), *first[3:]])
        # each teller enters from their own machine, signing the entry (the role API)
        services = _services(cli)
        with serving(create_app(Config(), services=services)) as server:
            for name, returns in (("Pat Quinn", "pat.json"), ("Sam Ortiz", "sam.json")):
                key = f"keys/teller-{name.lower().replace(' ', '-')}.key"
                cli.ok("papers", "enter", E, "--teller", name, "--returns", returns,
                       "--key", key, "--server", server)  # fmt: skip
            twice = cli.run("papers", "enter", E, "--teller", "Sam Ortiz", "--returns", "sam.json",
                            "--key", "keys/teller-sam-ortiz.key", "--server", server)  # fmt: skip
        services.close()
        assert twice.code != 0
        assert "already entered paper 1" in twice.out + twice.err
        differ = cli.run("papers", "reconcile", E)
        assert differ.code != 0
        assert "paper 3: Pat Quinn entered" in differ.out
        _returns(cli, "sam-3.json", [_paper(3, "No")])
        cli.ok(
            "papers", "enter", E, "--teller", "Sam Ortiz", "--returns", "sam-3.json", "--correct"
        )
        done["reconcile"] = cli.ok("papers", "reconcile", E)
        early = cli.run("tally", "run", E)
        assert early.code != 0
        assert "postal returns counted first" in early.out + early.err
        # the scrutineer and both tellers count from their own machine (the role API)
        services = _services(cli)
        with serving(create_app(Config(), services=services)) as server:
            before = len(services.ballots.record(E))
            one_teller = cli.run(
                "papers", "count", E, "--paper-list", f"papers/{E}.paper-list",
                "--authority-key", AUTHORITY, "--key-file", "ca-key.json",
                "--teller-key", "keys/teller-pat-quinn.key",
                "--teller-key", "keys/teller-pat-quinn.key", "--server", server,
            )  # fmt: skip
            assert one_teller.code != 0  # one teller signing twice is not two tellers
            assert len(services.ballots.record(E)) == before
            done["count"] = cli.ok(
                "papers", "count", E, "--paper-list", f"papers/{E}.paper-list",
                "--authority-key", AUTHORITY, "--key-file", "ca-key.json",
                "--teller-key", "keys/teller-pat-quinn.key",
                "--teller-key", "keys/teller-sam-ortiz.key", "--server", server,
            )  # fmt: skip
        with TestClient(create_app(Config(), services=services)) as client:
            stored = services.ballots.record(E)
            returns = next(e.body for e in stored if e.kind == "PaperReturns")
            batches = [e.body for e in stored if e.kind == "PaperBatch"]
            path = f"/api/roles/elections/{E}/postal-count"
            again = client.post(path, json={"voters": [], "returns": returns, "batches": batches})
            assert again.status_code == 409  # counted already: nothing more is stored
            assert len(services.ballots.record(E)) == len(stored)
        services.close()

    plan = Plan(
        election=E,
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
            "TULRCA 1992 s.227",
            "--qualifying-date",
            "2031-04-20",
            "--entitlement-basis",
            "drivers",
            "--entitled-unit",
            "northfold-depot",
            "--entitled-unit",
            "tram-yard",
            "--entitled-category",
            "driver",
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
                }
            ],
        },
        title="Northfold depots: industrial action ballot 2031",
        channels="postal,online",
        online=(),
        define=("--papers", "postal", "--workplace", "northfold-depot", "--workplace", "tram-yard"),
        after_open=issue,
        after_close=lambda: count(),
        times={
            "roll": "2031-04-01T10:00Z",
            "freeze": "2031-04-20T10:00Z",
            "define": "2031-04-21T10:00Z",
            "opens": "2031-05-01T09:00Z",
            "closes": "2031-05-15T17:00Z",
            "vote": "2031-05-05T08:00Z",
        },
    )
    out = run_election(cli, smtp_server, plan)
    assert "8 papers numbered 1..8" in str(done["issue"])
    assert "replacement paper 9" in str(done["replace"])
    assert "replacement paper 10" in str(done["replace-http"])
    assert (cli.cwd / "papers" / f"{E}.pdf").exists()
    assert (cli.cwd / "papers" / f"{E}-sample.pdf").exists()
    assert "4 to count, 1 spoilt, 1 late" in str(done["reconcile"])
    assert "4 papers" in str(done["count"])
    result = json.loads(out["result"].out)
    strike = result["contests"][0]
    assert strike["totals"] == {"Yes": 3, "No": 1}
    assert "VERIFIED: 0 checks failed" in out["verify"].out
    record = (cli.cwd / "records" / E / "record.jsonl").read_text(encoding="utf-8")
    final = json.loads(record.splitlines()[-1])
    if final["type"] != "Result":
        final = next(json.loads(line) for line in record.splitlines() if '"type":"Result"' in line)
    carried = {
        w["workplace"]: w["result"]["outcome"]["carried"]
        for w in final["body"]["contests"][0]["workplaces"]
    }
    assert carried == {"northfold-depot": True, "tram-yard": False}
