"""clearcount: verifiable ballots for members' organisations."""

__all__ = ["__version__"]

__version__ = "0.1.0"
