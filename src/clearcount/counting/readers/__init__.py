"""Ballot file readers: text in, `Contest` out, errors naming source, line and expectation.

Readers take the file's text (the BLT reader also its bytes, so a large file is held once) and a
source name (the caller opens the file), so the counting layer stays free of I/O.
"""
