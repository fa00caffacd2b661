"""Issue 11's benchmark: import a 100,000-member export, then its re-import diff.

The export is fictional and as messy as a real one (tests/unit/service/messy_exports.py): a
party's headers and extra columns, dd/mm/yyyy dates, CRLF, untidy postcodes, Windows-1252 names
(Siobhán, Zoë, Núñez, O’Neill) for the first import; the re-import is the same roll saved by
Excel as "CSV UTF-8" (a BOM), with 1% of the emails changed, 0.5% of the members new and 0.5%
gone. Each phase runs in a fresh process through the real wiring (`bootstrap.build`, every audit
event written), so its wall time and its peak resident memory (ru_maxrss) are its own.

    .venv/bin/python bench/roll_import.py [--members 100000] [--postgres URL] [--write]

`--write` replaces the "Roll import" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.principals import officer  # noqa: E402
from tests.unit.service.messy_exports import party_export, people  # noqa: E402

from clearcount.bootstrap import Config, build  # noqa: E402
from clearcount.service.membership.organisations import (  # noqa: E402
    Organisation,
    OrganisationKind,
    Unit,
    UnitKind,
)

ORG = "ashby-labour"
OFFICER = officer("Jo Hale (returning officer)")


def exports(n: int, folder: Path) -> tuple[Path, Path]:
    """The first export (Windows-1252) and the re-import (UTF-8 with BOM), both CRLF."""
    members = people(n, latin1=True)
    first = folder / "members-1252.csv"
    first.write_bytes(party_export(members, encoding="windows-1252"))
    changed = [
        dataclasses.replace(p, email=f"new.{p.email}") if i % 100 == 0 else p
        for i, p in enumerate(members)
        if i % 200 != 1  # 0.5% gone
    ]
    joiners = people(n + n // 200)[n:]  # 0.5% new
    second = folder / "members-utf8.csv"
    second.write_bytes(party_export(changed + joiners, encoding="utf-8-sig"))
    return first, second


def setup(url: str) -> None:
    services = build(Config(url))
    try:
        services.organisations.create(
            OFFICER, Organisation(ORG, "Ashby Vale Labour", OrganisationKind.PARTY)
        )
        for unit in (
            Unit(ORG, "ashby-vale-clp", "Ashby Vale CLP", UnitKind.CONSTITUENCY_PARTY),
            Unit(ORG, "av-north", "Ashby Vale North", UnitKind.BRANCH, "ashby-vale-clp"),
            Unit(ORG, "av-south", "Ashby Vale South", UnitKind.BRANCH, "ashby-vale-clp"),
        ):
            services.organisations.add_unit(OFFICER, unit)
    finally:
        services.close()


def phase(url: str, path: Path) -> dict[str, object]:
    """One import in this process: wall time, CPU time, peak RSS, the plan's counts."""
    services = build(Config(url))
    try:
        data = path.read_bytes()
        started, cpu = time.perf_counter(), time.process_time()
        plan = services.importer.import_csv(
            OFFICER, ORG, data, path.name, date_format="dd/mm/yyyy", acknowledge_flags=True
        )
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        with services.store.unit_of_work() as uow:
            events = uow.audit.head()[0]
    finally:
        services.close()
    return {
        "file": path.name,
        "bytes": len(data),
        "encoding": plan.encoding,
        "rows": plan.rows,
        "added": len(plan.added),
        "changed": len(plan.changed),
        "unchanged": len(plan.unchanged),
        "absent": len(plan.absent),
        "rejected": len(plan.rejected),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "audit_events": events,
    }


def _child(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(n: int, backends: dict[str, str], folder: Path) -> list[dict[str, object]]:
    first, second = exports(n, folder)
    rows = []
    for backend, url in backends.items():
        setup(url)
        for name, path in (("import", first), ("re-import (diff)", second)):
            result = _child("--phase", url, str(path))
            rows.append({"backend": backend, "phase": name, **result})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def _postgres_reset(url: str) -> str:
    import sqlalchemy as sa

    from clearcount.storage.engine import normalise_url

    engine = sa.create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS bench_roll CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA bench_roll")
    engine.dispose()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3Dbench_roll"


def markdown(n: int, rows: list[dict[str, object]]) -> str:
    load = os.getloadavg()[0]
    lines = [
        "## Roll import (issue 11)",
        "",
        "Rerun: `.venv/bin/python bench/roll_import.py --write` "
        "(`--postgres URL` adds PostgreSQL).",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or 'x86_64'}, "
        f"{os.cpu_count()} cores shared with other work (1-minute load {load:.2f} at the end), "
        f"Python {platform.python_version()}. {n:,} fictional members: a party export in "
        "Windows-1252 (CRLF, dd/mm/yyyy, extra columns, untidy postcodes), then the same roll "
        "re-exported as UTF-8 with a BOM with 1% of emails changed, 0.5% new members and 0.5% "
        "gone. Each phase in its own process (bootstrap.build, one transaction, every audit "
        "event written and chained); peak memory is the process's maximum resident set.",
        "",
        "| backend | phase | rows | added | changed | unchanged | absent | wall s | CPU s | "
        "peak RSS MiB | audit events after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['backend']} | {r['phase']} ({r['encoding']}) | {r['rows']:,} | {r['added']:,} "
            f"| {r['changed']:,} | {r['unchanged']:,} | {r['absent']:,} | **{r['seconds']}** | "
            f"{r['cpu_seconds']} | {r['peak_rss_mib']} | {r['audit_events']:,} |"
        )
    return "\n".join(lines) + "\n"


def write_results(section: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    start = text.find("## Roll import (issue 11)")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("" if end < 0 else text[end:])
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("CLEARCOUNT_TEST_POSTGRES_URL"))
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--phase", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase[0], Path(args.phase[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        backends = {"SQLite": f"sqlite:///{folder / 'bench.db'}"}
        if args.postgres:
            backends["PostgreSQL"] = _postgres_reset(args.postgres)
        rows = run(args.members, backends, folder)
    section = markdown(args.members, rows)
    print(section)
    if args.write:
        write_results(section)


if __name__ == "__main__":
    main()
