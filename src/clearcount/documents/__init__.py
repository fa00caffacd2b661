"""Layer `documents` (beside `mail`): statutory notices, reports and declarations as files.

`reports` builds each document from a verified record; this layer verifies the record
(`build`), lays the document out as PDF (`pdf`) and writes it. docs/documents.md.
"""
