"""Without `cryptography` the record still reads and a share says clearly what it needs (§5.2.5)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
sys.modules["cryptography"] = None  # any `import cryptography...` now fails
import clearcount.record.setup_body, clearcount.verifier  # the verifier imports without it
from clearcount.core.errors import CryptoError
from clearcount.crypto.dkg import KeyShare
from clearcount.crypto.group import Point, Scalar
from clearcount.crypto.share_encryption import encrypt_share
try:
    encrypt_share(b"context", KeyShare(1, 2, Scalar.from_int(5)), Point.generator())
except CryptoError as error:
    print(error)
"""


def test_the_verifier_imports_and_sealing_names_the_missing_package() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          check=False, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "needs the `cryptography` package" in done.stdout
