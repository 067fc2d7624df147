"""Detection on several processes (``check``, ``stats`` and ``fix`` with ``--jobs``): the same results, in order.

The main process reads the records and sends batches of their strings to worker processes,
each of which holds its own copy of the detector (rules, and the classifier when hybrid; see
the ``__reduce__`` of :class:`~safelint.engine.Engine`, ``HybridEngine`` and ``LeakClassifier``).
A few batches are in flight at once, so memory stays flat on huge files, and results come back
in input order.  An input error part-way through a file is raised after the records read before
it, as in a sequential run.  Workers start from a fork server (a clean process, never a fork of
this one with its threads), so onnxruntime and spaCy start fresh in each.  As with any
multiprocessing code, a script that uses ``Linter(jobs=N)`` through the Python API must guard its
entry point (``if __name__ == "__main__":``): the workers import the script's main module.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Self, TypeVar

T = TypeVar("T")

BATCH_CHARS = 200_000  # characters of text per batch sent to a worker (~ a few hundred LLaVA records)
BATCH_ITEMS = 256  # records per batch at most
IN_FLIGHT = 2  # batches queued per worker

_WORK: Callable[[Any], Any] | None = None  # the worker's own copy of the job


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_jobs(jobs: int) -> int:
    """``jobs`` as a process count: 0 means one per CPU."""
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (one per CPU) or more (got {jobs})")
    return jobs or cpu_count()


class WorkerError(RuntimeError):
    """A worker process failed or could not start (not an input problem)."""


def _init(payload: bytes, threads: int) -> None:
    global _WORK
    from safelint.model import runtime

    runtime.WORKER_THREADS = threads
    _WORK = pickle.loads(payload)


def run_batch(work: Callable[[Any], Any], batch: list[Any]) -> list[Any]:
    """``work`` on each item of a batch: through its ``many`` method when it has one (all the batch at once)."""
    many = getattr(work, "many", None)
    return list(many(batch)) if many is not None else [work(x) for x in batch]


def _run(batch: list[Any]) -> list[Any]:
    assert _WORK is not None
    return run_batch(_WORK, batch)


def batches(items: Iterable[T], size: Callable[[T], int], *, chars: int | None = None,
            count: int | None = None) -> Iterator[list[T]]:
    """``items`` in consecutive lists of at most ``count`` items (default :data:`BATCH_ITEMS`) or about
    ``chars`` of ``size`` (default :data:`BATCH_CHARS`).  An exception raised while reading ``items``
    comes after the batch of the items read before it."""
    chars = BATCH_CHARS if chars is None else chars
    count = BATCH_ITEMS if count is None else count
    it = iter(items)
    while True:
        batch: list[T] = []
        weight = 0
        try:
            for x in it:
                batch.append(x)
                weight += size(x)
                if weight >= chars or len(batch) >= count:
                    break
        except Exception:
            if batch:
                yield batch
            raise
        if not batch:
            return
        yield batch


class Pool:
    """Runs ``work`` (a picklable callable) on ``jobs`` processes, over a stream of items, in order."""

    def __init__(self, work: Callable[[Any], Any], jobs: int):
        self.work = work
        self.jobs = jobs
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
        threads = max(1, cpu_count() // jobs)
        try:
            payload = pickle.dumps(work)
        except Exception as exc:
            raise WorkerError(f"the detector cannot be copied to worker processes ({exc}); use one job") from exc
        self._ex = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init, initargs=(payload, threads))

    def map(self, items: Iterable[T], send: Callable[[T], Any], size: Callable[[T], int]) -> Iterator[tuple[T, Any]]:
        """``(item, work(send(item)))`` for each item, in order; ``size(item)`` weighs it for batching
        (e.g. its characters).  An exception raised while reading ``items`` is raised again after the
        results of the items before it."""
        pending: deque[tuple[list[T], Future[list[Any]]]] = deque()
        chunks = batches(items, size)
        error: BaseException | None = None
        done = False
        try:
            while True:
                while not done and len(pending) < IN_FLIGHT * self.jobs:
                    try:
                        batch = next(chunks)
                    except StopIteration:
                        done = True
                        break
                    except Exception as exc:  # noqa: BLE001 - an input error: raised after what came before it
                        error, done = exc, True
                        break
                    try:
                        pending.append((batch, self._ex.submit(_run, [send(x) for x in batch])))
                    except Exception as exc:  # a broken pool
                        raise WorkerError(f"a worker process failed: {exc or type(exc).__name__}") from exc
                if not pending:
                    break
                batch, fut = pending.popleft()
                try:
                    results = fut.result()
                except Exception as exc:
                    raise WorkerError(f"a worker process failed: {exc or type(exc).__name__}") from exc
                yield from zip(batch, results)
        finally:
            for _, fut in pending:
                fut.cancel()
        if error is not None:
            raise error

    def close(self) -> None:
        self._ex.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
