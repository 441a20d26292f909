"""QEMU's execution trace of translation blocks, read while the bench runs.

With `-d exec,nochain,in_asm` QEMU prints each translation block's instructions once, when it
translates it ("IN:" then one line per instruction), and one "Trace" line every time a block
runs (nochain: every time, not only when entered from the main loop). Two more lines correct
that record: "Stopped execution of TB chain before ..." (the block just logged did not run:
its instruction budget was spent) and "cpu_io_recompile: rewound execution of TB to ADDR" (the
block ran up to ADDR, a device access that must end a block under -icount, and is re-run from
there). `-dfilter` keeps the log to the functions an inference runs.

The log goes through a pipe to a thread of ours (`TraceReader`), never to disk: a VWW inference
logs about 1.2 M blocks (~100 MB of text).
"""
from __future__ import annotations

import os
import threading
from array import array
from typing import Iterable

from mcugen.errors import McugenError

TRACE_FLAGS = "exec,nochain,in_asm"


class TraceError(McugenError):
    """The execution trace cannot be read or does not agree with the firmware."""


def trace_args(log_path: str, ranges: Iterable[tuple[int, int]]) -> list[str]:
    """QEMU options that log executed blocks of the (start, size) address ranges to `log_path`."""
    spans = ",".join(f"0x{start:x}+0x{size:x}" for start, size in ranges if size > 0)
    return ["-d", TRACE_FLAGS, "-D", log_path, "-dfilter", spans]


class TraceParser:
    """Executed blocks in order: `seq` holds block ids, `blocks[id]` the block's instruction
    addresses (a block cut short by a device access is a block of its own)."""

    def __init__(self) -> None:
        self.blocks: list[tuple[int, ...]] = []
        self.seq = array("I")
        self._by_host: dict[bytes, int] = {}  # QEMU's code address of a block -> our id
        self._cut: dict[tuple[int, int], int] = {}  # (block, instructions run) -> id
        self._addrs: list[int] = []
        self._translated: tuple[int, ...] | None = None

    def feed(self, lines: Iterable[bytes]) -> None:
        seq, by_host = self.seq, self._by_host
        for line in lines:
            head = line[:1]
            if head == b"T":  # Trace 0: 0x7f12... [00800408/08000b88/00000010/ff020200] sym
                host = line.split(b" ", 3)[2]
                if self._addrs:
                    self._end_block()
                if self._translated is not None:
                    by_host[host] = self._new_block(self._translated)
                    self._translated = None
                block = by_host.get(host)
                if block is None:
                    raise TraceError(f"QEMU ran a block it never showed: {line.decode(errors='replace').strip()}")
                seq.append(block)
            elif head == b"0":  # 0x08000bbc:  4815       ldr      r0, [pc, #0x54]
                self._addrs.append(int(line.split(b":", 1)[0], 16))
            elif head == b"I":  # IN: symbol
                self._addrs = []
            elif head == b"\n":
                if self._addrs:
                    self._end_block()
            elif head == b"S" and line.startswith(b"Stopped execution"):
                if seq:
                    seq.pop()
            elif head == b"c" and line.startswith(b"cpu_io_recompile: rewound"):
                self._rewind(int(line.rsplit(None, 1)[1], 16))

    def _end_block(self) -> None:
        self._translated = tuple(self._addrs)
        self._addrs = []

    def _new_block(self, addrs: tuple[int, ...]) -> int:
        self.blocks.append(addrs)
        return len(self.blocks) - 1

    def _rewind(self, to: int) -> None:
        if not self.seq:
            return
        last = self.seq[-1]
        addrs = self.blocks[last]
        if to not in addrs:
            raise TraceError(f"QEMU rewound a block at 0x{addrs[0]:08x} to 0x{to:08x}, outside it")
        ran = addrs.index(to)
        if ran == 0:
            self.seq.pop()
            return
        key = (last, ran)
        if key not in self._cut:
            self._cut[key] = self._new_block(addrs[:ran])
        self.seq[-1] = self._cut[key]


class TraceReader:
    """A pipe QEMU writes its log to (`path` for -D) and a thread parsing it as it comes."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self.ranges = list(ranges)  # (start, size) of the functions to log
        self._read, self._write = os.pipe()
        self.parser = TraceParser()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="qemu-trace", daemon=True)
        self._thread.start()

    @property
    def path(self) -> str:
        return f"/dev/fd/{self._write}"

    @property
    def qemu_args(self) -> list[str]:
        return trace_args(self.path, self.ranges)

    @property
    def pass_fds(self) -> tuple[int, ...]:
        return (self._write,)

    def started(self) -> None:
        """QEMU holds the write end now: drop ours, so its exit ends the stream."""
        if self._write >= 0:
            os.close(self._write)
            self._write = -1

    def _run(self) -> None:
        with os.fdopen(self._read, "rb", buffering=1 << 20) as stream:
            try:
                self.parser.feed(stream)
            except BaseException as exc:  # reported by finish(), in the caller's thread
                self.error = exc
                while stream.read(1 << 20):  # keep QEMU from blocking on a full pipe
                    pass

    def finish(self, timeout: float) -> TraceParser:
        """Wait for the end of the log (QEMU has exited) and hand back what it said."""
        self.started()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TraceError(f"QEMU's execution trace did not end within {timeout:g} s")
        if self.error is not None:
            if isinstance(self.error, TraceError):
                raise self.error
            raise TraceError(f"could not read QEMU's execution trace: {self.error}") from self.error
        return self.parser

    def close(self) -> None:
        self.started()
