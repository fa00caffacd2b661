"""Where the server's sealing key comes from (`sealing`): the environment, else a key file in
the data directory, made at first use with mode 0600.

- `CLEARCOUNT_SECRET_KEY_FILE`: a file holding the key, for installs on several machines
  (each gets the same file, e.g. a container secret); it must exist.
- `CLEARCOUNT_SECRET_KEY`: the key itself, base64 of 32 bytes.
- else `clearcount-secret.key` in the data directory (beside the SQLite database, or the
  working directory for another database), created with 32 random bytes at first use.

The key file holds base64 of the 32 bytes and a newline; a file that others may read is
refused (it would undo the sealing). Losing the key loses the officials' second factors
(set their accounts up again); it does not touch any election record.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from clearcount.core.errors import ConfigError
from clearcount.crypto.sealing import KEY_BYTES, ServerKey

__all__ = ["ENV_KEY", "ENV_KEY_FILE", "KEY_FILE", "data_directory", "load_server_key"]

KEY_FILE = "clearcount-secret.key"
ENV_KEY_FILE = "CLEARCOUNT_SECRET_KEY_FILE"
ENV_KEY = "CLEARCOUNT_SECRET_KEY"


def data_directory(sqlite_path: str | Path | None) -> Path:
    """The data directory: the SQLite database's folder, else (another database, or one in
    memory) the working directory. The server and the migration that seals find the same."""
    if sqlite_path is None or str(sqlite_path) in ("", ":memory:"):
        return Path.cwd()
    return Path(sqlite_path).resolve().parent


def _decode(text: str, source: str) -> ServerKey:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigError(
            f"{source}: expected base64 of {KEY_BYTES} random bytes (make one with "
            f"`head -c {KEY_BYTES} /dev/urandom | base64`)"
        )
    return ServerKey(key, source)


def _read(path: Path) -> ServerKey:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path}: the server key file may be read by others; chmod 600 {path}")
    return _decode(path.read_text(encoding="ascii"), str(path))


def _create(path: Path) -> ServerKey:
    """A new key file with mode 0600; a file another process made first is read instead."""
    text = base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii") + "\n"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return _read(path)


def load_server_key(data_dir: Path, env: Mapping[str, str]) -> ServerKey:
    """The sealing key: `CLEARCOUNT_SECRET_KEY_FILE`, else `CLEARCOUNT_SECRET_KEY`, else the key
    file in `data_dir` (made at first use)."""
    named = env.get(ENV_KEY_FILE, "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"{ENV_KEY_FILE}={named}: no such file; give the server key file")
        return _read(path)
    given = env.get(ENV_KEY, "").strip()
    if given:
        return _decode(given, ENV_KEY)
    path = data_dir / KEY_FILE
    return _read(path) if path.exists() else _create(path)
