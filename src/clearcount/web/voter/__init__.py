"""The voter's path: the booth page, its data, the one-time code, cast and challenge (issue 9)."""
