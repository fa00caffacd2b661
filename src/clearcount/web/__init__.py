"""The web layer: the Starlette app that `clearcount serve` runs (issue 9; shared/DESIGN.md).

Above `bootstrap`, beside `cli`: it builds its services through the composition root and calls
them, never storage directly. `create_app(config)` in `web.app` is the only way in; each part of
the site (the voter's booth in `web.voter`, the public pages in `web.public`, the officials'
console and API in `web.console` and `web.api`) adds its routes there with one line.
"""
