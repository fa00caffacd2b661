"""`python -m clearcount` runs the command line."""

from clearcount.cli.main import main

main()
