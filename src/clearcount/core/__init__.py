"""Layer `core`: errors, identifiers, canonical encoding, injected clock and RNG (stdlib only)."""
