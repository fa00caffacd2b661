"""The command line starts light: `--help` imports no command module, and no group's or
command's `--help` imports the database, PDF, numerics or AEAD library, the verifier, the
protocol, the documents or the storage (issue 11: every command starts in under 0.3 s).
Checked by which modules a fresh interpreter has imported, never by timing."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from clearcount.cli.main import COMMANDS, cli

HEAVY = ("sqlalchemy", "numpy", "fpdf", "cryptography", "alembic", "openpyxl")
HEAVY_OWN = (
    "clearcount.verifier",
    "clearcount.protocol",
    "clearcount.documents",
    "clearcount.storage",
)
"""Our own packages that `--help` must not load: they pull in the above, or are slow."""

_PROBE = """
import json, sys
args, watched = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["clearcount", *args]
from clearcount.cli.entry import main
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & watched)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _imports(args: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    result: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    assert "Usage: clearcount" in done.stdout, done.stdout + done.stderr
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["roll", "--help"],
        ["roll", "import", "--help"],
        ["org", "--help"],
        ["count", "--help"],
    ],
)
def test_help_imports_no_heavy_module(args: list[str]) -> None:
    assert _imports(args) == {"code": 0, "heavy": []}


def test_help_lists_every_command_without_loading_it() -> None:
    for name in COMMANDS:
        cli.commands.pop(name, None)
    text = cli.get_help(click.Context(cli, info_name="clearcount"))
    assert not set(COMMANDS) & set(cli.commands)
    for name in COMMANDS:
        assert f"\n  {name} " in text


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_summary_is_the_commands_own_help(name: str) -> None:
    """The table's summary prints exactly as the loaded command's own help would."""
    real = COMMANDS[name].load()
    stub = click.Command(name, help=COMMANDS[name].summary)
    for width in (30, 45, 60, 80, 10**6):
        assert stub.get_short_help_str(width) == real.get_short_help_str(width)


_EACH_HELP = """
import contextlib, io, json, sys
runs, watched = json.loads(sys.argv[1]), json.loads(sys.argv[2])
from clearcount.cli.entry import main
failed = []
for args in runs:
    sys.argv = ["clearcount", *args, "--help"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main()
        except SystemExit as exit:
            if exit.code:
                failed.append(args)
    if "Usage: clearcount" not in out.getvalue():
        failed.append(args)
heavy = sorted(
    w for w in watched if any(m == w or m.startswith(w + ".") for m in sys.modules)
)
print(json.dumps({"failed": failed, "heavy": heavy}), file=sys.stderr)
"""


def _command_paths(command: click.Command, path: list[str]) -> list[list[str]]:
    """`path` and the path of every command below it (groups nest: `election ceremony start`)."""
    paths = [path]
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            paths += _command_paths(sub, [*path, name])
    return paths


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_help_of_a_group_imports_no_heavy_module(name: str) -> None:
    """`clearcount NAME --help` and `--help` of every command under NAME, run one after the
    other in one fresh interpreter: none of them loads a heavy module."""
    runs = _command_paths(COMMANDS[name].load(), [name])
    done = subprocess.run(
        [sys.executable, "-c", _EACH_HELP, json.dumps(runs), json.dumps(HEAVY + HEAVY_OWN)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result == {"failed": [], "heavy": []}, (runs, done.stderr[-2000:])


@pytest.mark.parametrize(
    ("group", "sub"),
    [
        ("trustee", "init"),
        ("trustee", "ceremony"),
        ("election", "register-card"),
        ("election", "ceremony"),
        ("credentials", "cancel-list"),
        ("teller", "init"),
    ],
)
def test_mounted_subcommands_load_with_their_group(group: str, sub: str) -> None:
    loaded = cli.get_command(click.Context(cli), group)
    assert isinstance(loaded, click.Group)
    assert sub in loaded.commands
