"""Running `clearcount` as an official, scrutineer, trustee, teller or voter would, in-process.

`Cli.run(*args)` calls the real entry point (`clearcount.cli.main.main`, with its one-line
errors and exit statuses) with sys.argv set, in the election's working folder, with the
election's environment; the ballot service gets a fictional clock the test moves (the CLI's
only seam: `clearcount.cli.context.build`). `run_doc_page` runs the commands of a docs/steps
page literally: its `sh` blocks line by line, its `file=NAME` blocks written as files.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import clearcount.cli.context as cli_context
from clearcount.bootstrap import build
from clearcount.cli.main import main

__all__ = ["DOCS", "Cli", "Done", "FakeClock", "credential_codes", "doc_blocks"]

DOCS = Path(__file__).parents[2] / "docs" / "steps"
_CODE = re.compile(r"\b([0-9A-Z]{4}(?:-[0-9A-Z]{4}){13})\b")
_MEMBER = re.compile(r"Your membership number: ([^.\s]+)\.")


class FakeClock:
    def __init__(self, instant: str = "2031-01-05T10:00:00+00:00") -> None:
        self.at = datetime.fromisoformat(instant)

    def now(self) -> datetime:
        return self.at

    def set(self, instant: str) -> None:
        self.at = datetime.fromisoformat(instant.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Done:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    def ok(self) -> Done:
        assert self.code == 0, f"clearcount {' '.join(self.args)}\n{self.out}\n{self.err}"
        return self


@dataclass
class Cli:
    """`clearcount` in folder `cwd` with environment `env`; remembers the commands it ran."""

    cwd: Path
    env: dict[str, str]
    monkeypatch: pytest.MonkeyPatch
    clock: FakeClock = field(default_factory=FakeClock)
    ran: list[tuple[str, ...]] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    """Values printed by earlier commands: TRACKING_CODE, SALT (for `$NAME` in the docs)."""

    def __post_init__(self) -> None:
        clock = self.clock

        def build_with_clock(config: Any, **kwargs: Any) -> Any:
            return build(config, clock=clock, **kwargs)

        self.monkeypatch.setattr(cli_context, "build", build_with_clock)
        self.monkeypatch.chdir(self.cwd)

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> Done:
        runner = CliRunner()
        argv = ["clearcount", *args]
        code = 0
        with runner.isolation(env={**self.env, **(env or {})}) as (out, err, _):
            saved = sys.argv
            sys.argv = argv
            try:
                main()
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            finally:
                sys.argv = saved
            done = Done(tuple(args), code, out.getvalue().decode(), err.getvalue().decode())
        self.ran.append(tuple(args))
        for name, pattern in (
            ("TRACKING_CODE", r"tracking code: (\S+)"),
            ("SALT", r"salt \(for the member only\): ([0-9a-f]+)"),
        ):
            found = re.search(pattern, done.out)
            if found:
                self.values[name] = found.group(1)
        return done

    def ok(self, *args: str, env: Mapping[str, str] | None = None) -> Done:
        return self.run(*args, env=env).ok()

    def run_doc_page(
        self,
        page: str,
        variables: Mapping[str, str] | None = None,
        blocks: slice = slice(None),
    ) -> list[Done]:
        """Every command of docs/steps/PAGE in order (`$NAME` from `variables` and `values`);
        `blocks` picks some of its code blocks (a page whose steps wait for other events)."""
        results = []
        for kind, name, text in doc_blocks(DOCS / page)[blocks]:
            if kind == "file":
                (self.cwd / name).write_text(text, encoding="utf-8")
                continue
            for line in _logical_lines(text):
                words = shlex.split(_substitute(line, {**self.values, **(variables or {})}))
                if words[0] == "export":
                    key, _, value = words[1].partition("=")
                    if key not in self.env:  # the test's database wins over the docs' example
                        self.env[key] = value
                    continue
                assert words[0] == "clearcount", f"{page}: not a clearcount command: {line}"
                results.append(self.ok(*words[1:]))
        return results


def _substitute(line: str, values: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"the docs use ${name}, which the test does not know"
        return values[name]

    return re.sub(r"\$([A-Z][A-Z0-9_]*)", value, line)


def _logical_lines(text: str) -> Iterator[str]:
    pending = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield pending + line
        pending = ""


def doc_blocks(path: Path) -> list[tuple[str, str, str]]:
    """("sh", "", text) for each sh block and ("file", NAME, text) for each `file=NAME` block."""
    blocks = []
    pattern = re.compile(r"^```(\w+)(?: file=(\S+))?\n(.*?)^```", re.S | re.M)
    for match in pattern.finditer(path.read_text(encoding="utf-8")):
        lang, name, text = match.groups()
        if name:
            blocks.append(("file", name, text))
        elif lang == "sh":
            blocks.append(("sh", "", text))
    return blocks


def credential_codes(messages: list[EmailMessage]) -> dict[str, str]:
    """Member id -> credential code, read from the credential emails the server received."""
    codes = {}
    for message in messages:
        body = message.get_content()
        code, member = _CODE.search(body), _MEMBER.search(body)
        assert code, f"no credential in the email to {message['To']}"
        assert member, f"no membership number in the email to {message['To']}"
        codes[member.group(1)] = code.group(1)
    return codes
