#!/usr/bin/env bash
# The crypto benchmark with its peers, in one run: bench/crypto/run.sh [--quick]
#
# Installs the peers at run time (never vendored): ElectionGuard 1.4.0 from PyPI into a Python
# 3.10 venv under bench/.peers/eg (gitignored; it does not import on 3.11), and Belenios from the
# Debian package belenios-tool. Then runs the ballot, shuffle and threshold benchmarks (results
# as JSON under bench/out/crypto) and rewrites the "## Cryptographic core" section of
# bench/RESULTS.md. --quick uses small sizes (a smoke test, minutes -> seconds).
set -euo pipefail
cd "$(dirname "$0")/../.."

py=.venv/bin/python
peers=bench/.peers

if ! command -v belenios-tool >/dev/null; then
  echo "installing belenios-tool (Debian package)" >&2
  sudo_=""; [ "$(id -u)" -ne 0 ] && sudo_=sudo
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y belenios-tool >/dev/null
fi

if [ ! -x "$peers/eg/bin/python" ] || ! "$peers/eg/bin/python" -c "import electionguard" 2>/dev/null; then
  echo "installing ElectionGuard 1.4.0 into $peers/eg (Python 3.10)" >&2
  py310=${PYTHON310:-}
  if [ -z "$py310" ]; then
    if command -v pyenv >/dev/null && [ -x "$(pyenv root)/versions/3.10.13/bin/python" ]; then
      py310="$(pyenv root)/versions/3.10.13/bin/python"
    else
      py310=$(command -v python3.10)
    fi
  fi
  mkdir -p "$peers" && "$py310" -m venv "$peers/eg"
  # electionguard_tools (its key-ceremony helpers) imports hypothesis without declaring it.
  "$peers/eg/bin/pip" install -q electionguard==1.4.0 hypothesis
fi

if [ "${1:-}" = "--quick" ]; then
  ballot_args=(--ballots 20 --peer-ballots 5 --repeats 2)
  shuffle_args=(--ballots 100 --peer-ballots 10 --repeats 2)
  threshold_args=(--repeats 2)
else
  ballot_args=(--ballots 200 --peer-ballots 50 --repeats 7)
  shuffle_args=(--ballots 10000 --peer-ballots 200 --repeats 3)
  threshold_args=(--repeats 5)
fi

$py bench/crypto/ballot_bench.py "${ballot_args[@]}"
$py bench/crypto/shuffle_bench.py "${shuffle_args[@]}"
$py bench/crypto/threshold_bench.py "${threshold_args[@]}"
$py bench/crypto/report.py
