"""The composition root: configuration in, wired services out (shared/DESIGN.md).

    from clearcount.bootstrap import build, load_config
    services = build(load_config(Path("clearcount.toml")))
    services.ballots.define(...)
    ...
    services.close()

The only place that knows both the service layer and its adapters (storage, mail). The CLI and
the web app build their services here and nowhere else.
"""

from clearcount.bootstrap.config import Config, load_config
from clearcount.bootstrap.wiring import Services, build

__all__ = ["Config", "Services", "build", "load_config"]
