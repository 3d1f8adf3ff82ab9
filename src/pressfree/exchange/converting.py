"""The rows of a file as a mapping reads them, for the import: converted in this process or,
for a large file, in a second one while this one writes them (a machine's second core).

Either way each row comes out as (number, row, outcome), in the file's order: the outcome
is the ParsedRow, None for a row that is not an incident (skip_rows_without), or the
RowError saying why it cannot be one; a failure to read the file is raised after the rows
before it. The second process only reads the file and converts: it never opens the
database, ignores Ctrl-C (the command's own handling stops it), and ends when the import
ends, fails or is killed (it then finds no one reading what it sends).
"""

from __future__ import annotations

import os
import pickle
import queue
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from threading import Event
from typing import Any

from pressfree.errors import PressfreeError
from pressfree.exchange import matching, readers
from pressfree.exchange.convert import Converter, NotAnIncident, ParsedRow, RowError
from pressfree.exchange.mapping import Mapping

# From this many bytes a file is converted in a second process: starting one costs about
# 0.3 s of the other core, and a file this size takes seconds to convert.
PARALLEL_FROM = 8 << 20
SENT = 500  # rows to each message from the second process
AHEAD = 40  # messages received and not yet taken: two batches of the import

Outcome = ParsedRow | RowError | None
Row = dict[str, Any]


class Conversion:
    """Iterate for (number, row, outcome); `created_kinds` are the kinds the mapping made
    from the rows read so far (unknown_kinds = "create"), as Converter has them."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        mapping: Mapping,
        kinds: set[str],
        own: dict[str, dict[str, Any]],
        progress: Callable[[int], None] | None = None,
    ):
        self.path, self.fmt, self.mapping, self.progress = path, fmt, mapping, progress
        self.converter = Converter(mapping, kinds, own)
        self.arguments = (path, fmt, mapping, kinds, own)

    @property
    def created_kinds(self) -> dict[str, str]:
        return self.converter.created_kinds

    def __iter__(self) -> Iterator[tuple[int, Row | None, Outcome]]:
        if in_parallel(self.path):
            return self._from_second_process()
        return self._here()

    def _here(self) -> Iterator[tuple[int, Row | None, Outcome]]:
        for number, row in readers.rows(self.path, self.fmt, self.mapping.delimiter, self.progress):
            yield number, row, outcome(self.converter, row)

    def _from_second_process(self) -> Iterator[tuple[int, Row | None, Outcome]]:
        import multiprocessing
        import threading

        context = multiprocessing.get_context("spawn")  # nothing of this process is shared
        receiving, sending = context.Pipe(duplex=False)
        worker = context.Process(target=_convert_rows, args=(sending, *self.arguments), daemon=True)
        worker.start()
        sending.close()  # the second process holds the only sending end
        # A thread takes each message off the pipe as it comes, while this one writes: the
        # second process runs up to AHEAD messages ahead, instead of one pipe's buffer.
        received: queue.Queue[bytes | None] = queue.Queue(AHEAD)
        stop = threading.Event()
        taker = threading.Thread(target=_take, args=(receiving, received, stop), daemon=True)
        taker.start()
        try:
            while True:
                data = received.get()
                if data is None:
                    worker.join(5)
                    raise PressfreeError(
                        "import: the process converting the file's rows stopped (exit code "
                        f"{worker.exitcode}): nothing was imported"
                    )
                message = pickle.loads(data)
                if message[0] == "failed":
                    raise message[1]
                done, created, outcomes = message[1:]
                self.converter.created_kinds.update(created)
                yield from outcomes
                if self.progress:
                    self.progress(done)
                if message[0] == "end":
                    return
        finally:
            stop.set()
            if worker.is_alive():
                worker.kill()
            worker.join()
            taker.join()
            receiving.close()


def _take(receiving: Connection, received: queue.Queue[bytes | None], stop: Event) -> None:
    """Messages from the pipe into the queue until the pipe ends (None is put then), or
    until the import stops taking them."""
    while not stop.is_set():
        try:
            data: bytes | None = receiving.recv_bytes()
        except (EOFError, OSError):
            data = None
        while not stop.is_set():
            try:
                received.put(data, timeout=0.1)
                break
            except queue.Full:
                continue
        if data is None:
            return


def in_parallel(path: Path) -> bool:
    """Whether a file is converted in a second process: large, read from the disk (a
    sealed file decrypted in memory stays in this one), on a machine of two cores or more."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) > 1 and not readers.in_memory(path) and readers.size(path) >= PARALLEL_FROM


def outcome(converter: Converter, row: Row) -> Outcome:
    try:
        return converter.convert(row)
    except NotAnIncident:
        return None
    except RowError as error:
        return error


def _convert_rows(
    sending: Connection,
    path: Path,
    fmt: str,
    mapping: Mapping,
    kinds: set[str],
    own: dict[str, dict[str, Any]],
) -> None:
    """The second process: rows read and converted, sent SENT at a time with the bytes
    read so far and the kinds made since the last message; a failure to read the file is
    sent as it was raised."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the first process's to handle
    converter = Converter(mapping, kinds, own)
    done = [0]
    told: dict[str, str] = {}
    pending: list[tuple[int, Any, Outcome]] = []

    def read(count: int) -> None:
        done[0] = count

    def send(kind: str) -> None:
        created = {s: n for s, n in converter.created_kinds.items() if s not in told}
        told.update(created)
        sending.send((kind, done[0], created, pending))

    try:
        try:
            for number, row in readers.rows(path, fmt, mapping.delimiter, read):
                result = outcome(converter, row)
                if isinstance(result, ParsedRow):
                    matching.hashes(result)  # here, not in the process writing the rows
                # the row itself is wanted only where it is rejected (--skip-invalid)
                pending.append((number, row if isinstance(result, RowError) else None, result))
                if len(pending) >= SENT:
                    send("rows")
                    pending = []
        except Exception as error:  # noqa: BLE001 - sent to be raised where it is handled
            send("rows")  # the rows before it first, as one process would have seen them
            try:
                sending.send(("failed", error))
            except pickle.PicklingError:
                sending.send(("failed", PressfreeError(f"import: {error}")))
            return
        send("end")
    except (BrokenPipeError, OSError):
        pass  # the import ended, failed or was killed: nobody reads what is left
    finally:
        sending.close()
