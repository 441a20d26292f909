"""Child processes that end when mcugen ends, however it ends.

Every program mcugen starts (QEMU, pio and scons, compilers, size tools, make, mpremote, the
host-compiled model) is started through `popen()` or `run()` here, never through `subprocess`
directly. Three guards hold for each child:

- it leads a session of its own (so a terminal's Ctrl-C reaches only mcugen), and it is killed
  as a whole process group, so what it starts in turn (scons -> gcc) goes with it;
- it is in a registry of live children: `stop_all()` kills them, and the CLI calls it from its
  SIGTERM/SIGHUP/SIGINT handlers (`handle_signals`) and when it returns;
- on Linux, PR_SET_PDEATHSIG: the kernel kills the child when mcugen dies, even by SIGKILL or a
  crash, where no Python code runs. (It fires when the *thread* that started the child ends, so
  it is set only for children started by the main thread; the registry covers the others.)
"""
from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
from typing import Any, Callable, Sequence

PIPE = subprocess.PIPE
DEVNULL = subprocess.DEVNULL
STDOUT = subprocess.STDOUT
TimeoutExpired = subprocess.TimeoutExpired
CalledProcessError = subprocess.CalledProcessError
CompletedProcess = subprocess.CompletedProcess

_PR_SET_PDEATHSIG = 1
# pid -> child, for every child started here and not yet reaped
_live: dict[int, "Child"] = {}


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.restype = ctypes.c_int
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return prctl


_prctl = _load_prctl()  # looked up once here: the forked child only calls it


class Stopped(BaseException):
    """mcugen was told to stop by a signal; raised in the main thread by `handle_signals`.

    A BaseException, like KeyboardInterrupt, so `except Exception` handlers let it through
    and only `finally` blocks (cleanup) run on the way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class Child(subprocess.Popen):
    """A Popen in the registry until reaped. Leaving its `with` block ends it (its whole process
    group) if it still runs: wait for it inside the block when it should finish by itself."""

    def poll(self):  # type: ignore[override]
        status = super().poll()
        if status is not None:
            _live.pop(self.pid, None)
        return status

    def wait(self, timeout: float | None = None):  # type: ignore[override]
        status = super().wait(timeout)
        _live.pop(self.pid, None)
        return status

    def kill_group(self) -> None:
        """SIGKILL the child and everything in its process group (no-op once it was reaped)."""
        if self.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.send_signal(signal.SIGKILL)  # in case it left its group

    def __exit__(self, exc_type, value, traceback):
        try:
            if self.poll() is None:
                self.kill_group()
        finally:
            super().__exit__(exc_type, value, traceback)
            self.wait()


def _child_setup(parent: int, pdeathsig: bool) -> None:
    """Runs in the forked child before exec: die with the parent, even by SIGKILL."""
    if pdeathsig and _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGKILL)


def popen(args: Sequence[str | os.PathLike], **kwargs: Any) -> Child:
    """`subprocess.Popen` with the guards above. stdin defaults to /dev/null (a child in its own
    session must not read the terminal)."""
    for key in ("start_new_session", "preexec_fn", "process_group"):
        if key in kwargs:
            raise TypeError(f"procs.popen sets {key} itself")
    kwargs.setdefault("stdin", DEVNULL)
    pdeathsig = threading.current_thread() is threading.main_thread()
    parent = os.getpid()
    proc = Child(list(args), start_new_session=True,
                 preexec_fn=lambda: _child_setup(parent, pdeathsig), **kwargs)
    _live[proc.pid] = proc
    return proc


def run(args: Sequence[str | os.PathLike], *, input: bytes | str | None = None,
        capture_output: bool = False, timeout: float | None = None, check: bool = False,
        **kwargs: Any) -> subprocess.CompletedProcess:
    """`subprocess.run` with the guards above; on a timeout or any exception (a signal included)
    the child's whole process group is killed before the exception propagates."""
    if input is not None:
        if "stdin" in kwargs:
            raise ValueError("stdin and input arguments may not both be used")
        kwargs["stdin"] = PIPE
    if capture_output:
        if "stdout" in kwargs or "stderr" in kwargs:
            raise ValueError("stdout and stderr arguments may not be used with capture_output")
        kwargs["stdout"] = kwargs["stderr"] = PIPE
    with popen(args, **kwargs) as proc:
        try:
            stdout, stderr = proc.communicate(input, timeout=timeout)
        except TimeoutExpired:
            proc.kill_group()
            stdout, stderr = proc.communicate()
            raise TimeoutExpired(proc.args, timeout, output=stdout, stderr=stderr) from None
        except BaseException:
            proc.kill_group()
            raise
    if check and proc.returncode:
        raise CalledProcessError(proc.returncode, proc.args, output=stdout, stderr=stderr)
    return CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def live() -> list[Child]:
    """The children started here that have not been reaped yet."""
    return list(_live.values())


def kill_all() -> None:
    """SIGKILL every live child with its process group, without waiting (the signal handlers
    call this: a wait there could block on a lock the interrupted code holds)."""
    for proc in list(_live.values()):
        proc.kill_group()


def stop_all(wait: float = 2.0, keep: frozenset[int] = frozenset()) -> None:
    """Kill every live child (with its process group) but those in `keep` (pids), and reap it."""
    children = [proc for pid, proc in list(_live.items()) if pid not in keep]
    for proc in children:
        proc.kill_group()
    for proc in children:
        with contextlib.suppress(TimeoutExpired, ChildProcessError, OSError):
            proc.wait(wait)


atexit.register(stop_all)

HANDLED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


_stopping: list[int] = []  # signals received while handle_signals is active


def _on_signal(signum: int, _frame) -> None:
    kill_all()
    _stopping.append(signum)
    if len(_stopping) > 1:
        return  # already on the way out: let the cleanup finish
    if signum == signal.SIGINT:
        raise KeyboardInterrupt  # what Ctrl-C always raised (click turns it into Abort)
    raise Stopped(signum)


@contextlib.contextmanager
def ending_children():
    """Children started while the block runs are ended (killed and reaped) when it ends."""
    before = frozenset(_live)
    try:
        yield
    finally:
        stop_all(keep=before)


@contextlib.contextmanager
def handle_signals():
    """While the block runs, SIGTERM/SIGHUP/SIGINT kill the children, then raise `Stopped`
    (KeyboardInterrupt for SIGINT) in the main thread, so cleanup runs and the caller can exit
    128+N. Only the main thread can install handlers; elsewhere this does nothing. The previous
    handlers are restored afterwards (tests call the CLI in-process)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _stopping.clear()
    previous = {sig: signal.signal(sig, _on_signal) for sig in HANDLED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
