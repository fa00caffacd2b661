"""The booth this installation serves: the SRI values of its built bundles (spec §11.2).

`npm run build` in booth/ writes `clearcount/web/static/booth/manifest.json` = {file:
"sha384-…"}; the web pages put the values in the script tags' `integrity`, and the ballot
service pins them in each new election's Setup (`BallotService(booth=served_booth)`), so the
record says which booth voters were meant to run. Read here, in the composition root, because
it is a fact of the deployment (a file shipped with the package), not of any service.
"""

from __future__ import annotations

from pathlib import Path

from clearcount.core.errors import ConfigError, RecordError
from clearcount.core.json_text import load_json
from clearcount.record.booth import booth_files

__all__ = ["BOOTH_FOLDER", "served_booth"]

BOOTH_FOLDER = Path(__file__).resolve().parents[1] / "web" / "static" / "booth"


def served_booth(folder: Path = BOOTH_FOLDER) -> dict[str, str]:
    """{file: SRI} from the built manifest; {} when the booth has not been built."""
    path = folder / "manifest.json"
    try:
        document = load_json(path.read_text(encoding="utf-8"))
        return booth_files(document, str(path))
    except FileNotFoundError:
        return {}
    except (ValueError, RecordError) as error:
        raise ConfigError(f"{path}: not a booth manifest ({error}); rebuild the booth") from None
