"""The public pages (no sign-in, issue 9): the elections, each one's board of tracking codes,
the published record with its hashes, the results (stage tables, a transfers chart, yes/no
thresholds), the trigger declaration and the verifier's report. Routes in `routes`."""
