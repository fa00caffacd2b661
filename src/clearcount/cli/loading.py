"""Reading ballot and rules files for the CLI: the only place that opens files for a count."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Mapping
from pathlib import Path

from clearcount.core.errors import ConfigError, InputFormatError
from clearcount.core.json_text import load_json
from clearcount.counting.ballots import Contest
from clearcount.counting.readers.text import decode_text

__all__ = ["MAX_TEXT_BYTES", "load_contest", "load_rules", "read_bytes", "read_text"]

MAX_TEXT_BYTES = 2 * 2**30
"""The most a ballot or rules file may hold (gunzipped): ten times a 10M-ballot BLT file, and
a cap on what a gzip bomb can make the reader hold."""


def read_bytes(path: Path) -> bytes:
    """The file's bytes (gunzipped when it ends in .gz), or a clear error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(str(path), None, f"cannot read file: {exc.strerror}") from None
    if path.suffix == ".gz":
        data = _gunzipped(data, str(path))
    elif len(data) > MAX_TEXT_BYTES:
        raise InputFormatError(str(path), None, f"larger than {MAX_TEXT_BYTES} bytes")
    return data


def read_text(path: Path) -> str:
    """The file's text (UTF-8, gunzipped when it ends in .gz), or a clear error."""
    return decode_text(read_bytes(path), str(path))


def _gunzipped(data: bytes, source: str) -> bytes:
    try:
        chunks: list[bytes] = []
        size = 0
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
            while chunk := unzipped.read(2**20):  # in chunks: read(n) would reserve n bytes
                size += len(chunk)
                if size > MAX_TEXT_BYTES:
                    raise InputFormatError(
                        source, None, f"unzips to more than {MAX_TEXT_BYTES} bytes"
                    )
                chunks.append(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFormatError(source, None, f"not a valid gzip file: {exc}") from None
    return b"".join(chunks)


def load_rules(path: Path | None) -> dict[str, object]:
    """A rules file: a JSON object of options for the rule set (or an RCTab contest config)."""
    if path is None:
        return {}
    text = read_text(path)
    try:
        value = load_json(text)
    except json.JSONDecodeError as exc:
        raise InputFormatError(str(path), exc.lineno, f"invalid JSON: {exc.msg}") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: expected a JSON object of options, got {type(value).__name__}")
    return value


def _format_of(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".blt"):
        return "blt"
    if name.endswith(".json"):
        return "json"
    if name.endswith(".csv"):
        return "csv"
    raise InputFormatError(
        str(path), None, "unknown ballot file type; expected .blt, .csv, .json (optionally .gz)"
    )


def load_contest(path: Path, rules: Mapping[str, object] | None = None) -> Contest:
    """Read a ballot file of any supported format into a Contest (a BLT file's bytes are held
    once, never also as text: the reader decodes only its header, options and names)."""
    data = read_bytes(path)
    kind = _format_of(path)
    source = str(path)
    if kind == "blt":
        from clearcount.counting.readers.blt import parse_blt

        return parse_blt(data, source)
    text = decode_text(data, source)
    del data  # held once
    if kind == "json":
        from clearcount.counting.readers.json_ballots import parse_json_ballots

        return parse_json_ballots(text, source)
    first = text.lstrip().split("\n", 1)[0].lower().replace(" ", "")
    if first.startswith("ballot_id,precinct,"):
        from clearcount.counting.readers.cvr_csv import parse_cvr_csv

        return parse_cvr_csv(text, source, _config_candidates(rules or {}))
    from clearcount.counting.readers.rank_csv import parse_rank_csv

    return parse_rank_csv(text, source)


def _config_candidates(rules: Mapping[str, object]) -> list[str] | None:
    """Candidate names from an RCTab contest config's `candidates` list, if present."""
    candidates = rules.get("candidates")
    if not isinstance(candidates, list):
        return None
    names: list[str] = []
    for item in candidates:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
    return names or None
