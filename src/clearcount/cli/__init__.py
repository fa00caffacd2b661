"""Layer `cli`: the command-line entry point."""
