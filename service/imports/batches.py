"""Preparing an import's batches (every row checked, the valid ones' rows made) in worker processes,
in file order, while the importing process writes the batches before them.

Checking and making rows is about three quarters of an import's CPU and needs no database, so on
several CPUs it runs in `processes` forked workers. The importing process reads the file, sends each
batch of raw CSV rows to a worker, and takes the prepared batches back in file order, at most
`2 * processes` ahead of the one it writes (so memory stays bounded by batches, not by the file).
Workers ignore Ctrl-C: when the importing process stops, they finish the batch in hand and exit.
With one process, or where `fork` is unavailable, batches are prepared in the importing process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from service.ids import IdBlock, reserve
from service.imports.checking import Candidate, Checker, Problem
from service.imports.reading import RawRow, record
from service.imports.rows import Made, Rows


@dataclass
class Prepared:
    """A batch as checked: its invalid rows' problems, and its valid rows with their rows made
    (in a dry run, their lines and fingerprints only)."""

    last_line: int
    rows: int
    invalid: int
    problems: list[Problem]
    valid: Made


class Preparation:
    """What a worker does to a batch of raw rows; built before the workers fork, so they inherit it."""

    def __init__(self, columns: tuple[str, ...], checker: Checker, rows: Rows | None, *, language: str = "en"):
        self._columns = columns
        self._language = language  # how the file writes dates (service.imports.values)
        self._checker = checker
        self._rows = rows  # None in a dry run: nothing will be written

    def ids_for(self, batch: list[RawRow]) -> IdBlock:
        """Ids for the rows of the batch, taken by the importing process as it hands the batch out:
        the trainees of a file get increasing ids in file order, wherever their rows are made."""
        return reserve(0 if self._rows is None else 3 * len(batch))

    def __call__(self, batch: list[RawRow], block: IdBlock) -> Prepared:
        """Check the batch; its rows get their ids from `block`, three per row."""
        problems: list[Problem] = []
        candidates: list[Candidate] = []
        invalid = 0
        for first, last, cells in batch:
            checked = self._checker.check(record(first, last, self._columns, cells, language=self._language))
            if isinstance(checked, Candidate):
                candidates.append(checked)
            else:
                problems.extend(checked)
                invalid += 1
        valid = (self._rows.make(candidates, block) if self._rows is not None
                 else Made.of(candidates))
        return Prepared(batch[-1][1], len(batch), invalid, problems, valid)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def prepared(preparation: Preparation, rows: Iterable[RawRow], *, batch_size: int,
             processes: int) -> Iterator[Iterator[Prepared]]:
    """The prepared batches of `rows`, in order; workers, if any, live as long as the `with`.

    A worker that dies (killed, out of memory) fails the import with BrokenProcessPool rather than
    leaving it waiting; on any error, or Ctrl-C, the batches being prepared are finished and the
    others dropped before the error goes on.
    """
    batches = _batches(rows, batch_size)
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield (preparation(batch, preparation.ids_for(batch)) for batch in batches)
        return
    # fork: the workers inherit the preparation (the vault's keys) instead of receiving it pickled.
    executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(preparation,))
    try:
        yield _in_order(executor, preparation, batches, ahead=2 * processes)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _in_order(executor: ProcessPoolExecutor, preparation: Preparation, batches: Iterator[list[RawRow]], *,
              ahead: int) -> Iterator[Prepared]:
    pending: deque[Future] = deque()
    for batch in batches:
        # Workers fork on a submission: with Ctrl-C held back meanwhile, none is killed by one before
        # it ignores it (a pending Ctrl-C reaches this process once the mask is restored).
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pending.append(executor.submit(_prepare, batch, preparation.ids_for(batch)))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


_preparation: Preparation | None = None


def _start_worker(preparation: Preparation) -> None:
    global _preparation
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _preparation = preparation


def _prepare(batch: list[RawRow], block: IdBlock) -> Prepared:
    return _preparation(batch, block)


def _batches(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
