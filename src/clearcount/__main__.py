"""`python -m clearcount` runs the command line."""

from clearcount.cli.entry import main

main()
