"""Verification tasks on a Dask cluster (docs/operations/verify-on-a-cluster.md).

`clearcount verify RECORD --scheduler tcp://HOST:PORT` hands the independent pieces (chunks of
ballot lines, shuffle proofs, decryption shares) to the workers of an existing Dask cluster
instead of the local process pool. Each task carries only its chunk of canonical ballot bytes;
what every task shares (the election context: fingerprint, joint key, contests) is scattered to
the workers once. Results come back in task order, so the report is the one the local pool
gives. Dask (`pip install 'clearcount[cluster]'`) is imported only here, when a scheduler is
named: the verifier stays installable with libsodium alone.

The workers compute the checks' answers: a verifier who does not trust the machines of the
cluster must run it on machines they control (the result is only as honest as the workers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from clearcount.core.errors import ClearcountError
from clearcount.verifier.pool import WINDOW_PER_WORKER, Session, TaskRunner

__all__ = ["DaskRunner", "connect"]


class DaskRunner(TaskRunner):
    """Runs tasks on the workers of a `distributed.Client`, a window at a time, in order."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        """Worker threads of the cluster (each runs one task at a time)."""
        threads: dict[str, int] = self.client.nthreads()
        return max(1, sum(threads.values()))

    @contextmanager
    def session(
        self, function: Callable[..., Any], shared: tuple[Any, ...], inline: bool
    ) -> Iterator[Session]:
        """`inline` is ignored: on a cluster even a small job runs on the workers."""
        scattered = [self.client.scatter(value, broadcast=True) for value in shared]

        def submit(args: tuple[Any, ...]) -> Any:
            return self.client.submit(function, *scattered, *args, pure=False)

        def result(future: Any) -> Any:
            value = future.result()
            future.release()
            return value

        yield submit, result, WINDOW_PER_WORKER * self.workers


def connect(address: str, *, timeout: float = 10) -> Any:
    """A `distributed.Client` for the scheduler at `address`; a clear error if it cannot be."""
    try:
        from distributed import Client
    except ImportError:
        raise ClearcountError(
            "--scheduler needs Dask: install it with pip install 'clearcount[cluster]' "
            "(dask and distributed), here and on every worker"
        ) from None
    try:
        return Client(address, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise ClearcountError(
            f"cannot reach the Dask scheduler at {address}: {error}; start one with "
            "`dask scheduler` and check the address (tcp://HOST:8786)"
        ) from None
