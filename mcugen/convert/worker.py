"""TensorFlow in a child process, so that TensorFlow crashing cannot take mcugen down with it.

TensorFlow's converter dies with SIGSEGV on some models (a Keras LSTM, for one); in mcugen's own
process that was exit 139 and no word. Here the loading, converting and float runs of a Keras or
SavedModel model happen in a child started with the *spawn* context (a fork of a process that may
hold TensorFlow's threads is unsafe), talking over a pipe; a child that dies mid-request becomes
an `UnsupportedModel` naming the model, the step and what to try.

- The child's fds 1 and 2 go to a log file from its first instruction on, so TensorFlow's C-level
  chatter (and faulthandler's dump on a crash) never reaches the terminal; `chatter()` hands the
  new text back for `Reporter.debug` (shown with -v), as the in-process fd capture did.
- The child dies with mcugen: it is a daemon (terminated at exit), it asks the kernel for
  SIGKILL when mcugen dies (PR_SET_PDEATHSIG, `mcugen.procs`), it leaves when the pipe closes,
  and `float_worker()` kills it in a `finally` when a request did not complete.
- One idle child is kept for the next conversion in the same process (importing TensorFlow
  costs ~5 s); it exits by itself after `IDLE_SECONDS` without a request.
"""
from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import signal
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from mcugen import errors
from mcugen.convert.source import ModelSource

IDLE_SECONDS = 60.0


@dataclass(frozen=True)
class LoadedModel:
    """What the child knows about the model it loaded (see keras_convert.FloatModel)."""

    loader: str
    input_shapes: tuple[tuple[int | None, ...], ...]
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    layers: tuple[str, ...]
    notes: tuple[str, ...] = ()


class WorkerDied(Exception):
    """The child ended (crashed or was killed) before answering; `signal_name` says how."""

    def __init__(self, exitcode: int | None):
        self.exitcode = exitcode
        if exitcode is not None and exitcode < 0:
            try:
                self.signal_name = signal.Signals(-exitcode).name
            except ValueError:
                self.signal_name = f"signal {-exitcode}"
        else:
            self.signal_name = f"exit status {exitcode}"
        super().__init__(self.signal_name)


class FloatWorker:
    """The parent's handle on one child: `call("load" | "convert" | "predict", ...)`."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        # the child opens the log by name, then removes the name: nothing is left behind even
        # when mcugen is killed; both ends keep their descriptor
        self._log_fd, self.log_path = tempfile.mkstemp(prefix="mcugen-tensorflow-", suffix=".log")
        self._log_pos = 0
        self._conn, child_end = ctx.Pipe()
        # PR_SET_PDEATHSIG fires when the creating *thread* ends: asked for from the main thread only
        pdeathsig = threading.current_thread() is threading.main_thread()
        self._proc = ctx.Process(target=_serve, args=(child_end, self.log_path, os.getpid(), pdeathsig),
                                 name="mcugen-tensorflow", daemon=True)
        self._proc.start()
        child_end.close()  # the child's end lives in the child only: its death reads as EOF here
        self.busy = False

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def alive(self) -> bool:
        return self._proc.is_alive()

    def call(self, request: str, *args: Any) -> Any:
        """Send one request and wait for its answer. Raises the McugenError the child raised,
        WorkerDied when the child died first, RuntimeError (a bug) for anything else."""
        self.busy = True
        try:
            self._conn.send((request, args))
            reply = self._conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self._proc.join(5)
            raise WorkerDied(self._proc.exitcode) from None
        self.busy = False
        kind, *payload = reply
        if kind == "ok":
            return payload[0]
        if kind == "error":
            raise _rebuild_error(*payload)
        raise RuntimeError("the TensorFlow worker failed:\n" + payload[0])

    def chatter(self) -> str:
        """What the child wrote to fds 1 and 2 since the last call."""
        parts = []
        try:
            while chunk := os.pread(self._log_fd, 1 << 16, self._log_pos):
                parts.append(chunk)
                self._log_pos += len(chunk)
        except OSError:
            pass
        return b"".join(parts).decode("utf-8", "replace")

    def close(self) -> None:
        """End the child (politely when idle, else SIGKILL) and remove its log."""
        try:
            if self._proc.is_alive() and not self.busy:
                with contextlib.suppress(OSError, ValueError):
                    self._conn.send(("exit", ()))
                self._proc.join(2)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join(5)
        finally:
            self._conn.close()
            with contextlib.suppress(OSError):
                os.close(self._log_fd)
            with contextlib.suppress(OSError):
                os.unlink(self.log_path)  # in case the child died before it could


_idle: FloatWorker | None = None


@contextlib.contextmanager
def float_worker() -> Iterator[FloatWorker]:
    """A worker for one conversion: the idle one when it is still alive, else a new one. Kept
    for the next conversion when every request completed, killed otherwise (an interrupt, a
    crash, an exception while the child was busy)."""
    global _idle
    worker, _idle = _idle, None
    if worker is not None and not worker.alive():
        worker.close()
        worker = None
    worker = worker or FloatWorker()
    keep = False
    try:
        yield worker
        keep = True
    except errors.McugenError:
        keep = not worker.busy  # an error the child reported leaves it ready for the next one
        raise
    finally:
        if keep and worker.alive():
            _idle = worker
        else:
            worker.close()


@atexit.register
def _close_idle() -> None:
    global _idle
    if _idle is not None:
        _idle.close()
        _idle = None


def _rebuild_error(class_name: str, message: str, hint: str | None) -> errors.McugenError:
    cls = getattr(errors, class_name, errors.McugenError)
    if not (isinstance(cls, type) and issubclass(cls, errors.McugenError)):
        cls = errors.McugenError
    err = cls.__new__(cls)
    errors.McugenError.__init__(err, message, hint)
    return err


# --- the child ------------------------------------------------------------------------------

def _serve(conn: Any, log_path: str, parent: int, pdeathsig: bool) -> None:
    """The child's main loop: one request at a time until "exit", EOF or `IDLE_SECONDS` idle."""
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND)
    with contextlib.suppress(OSError):
        os.unlink(log_path)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    import faulthandler
    import sys
    import traceback

    faulthandler.enable(file=sys.stderr)  # a crash leaves its Python stack in the log (-v)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is mcugen's to handle; it ends us
    if pdeathsig:
        _die_with(parent)
    model = None
    while True:
        try:
            if not conn.poll(IDLE_SECONDS):
                return
            request, args = conn.recv()
        except (EOFError, OSError):
            return
        if request == "exit":
            return
        try:
            if request == "load":
                model = None
                model = _load(*args)
                reply: tuple[Any, ...] = ("ok", LoadedModel(model.loader, model.input_shapes, model.input_names,
                                                           model.output_names, model.layers,
                                                           model.notes))
            elif request == "convert":
                reply = ("ok", model.to_int8(*args))
            elif request == "predict":
                reply = ("ok", model.predict(*args))
            else:
                raise ValueError(f"unknown request {request!r}")
        except errors.McugenError as exc:
            reply = ("error", type(exc).__name__, exc.message, exc.hint)
        except Exception:  # noqa: BLE001 - a bug: its traceback goes to the parent
            reply = ("bug", traceback.format_exc())
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def _load(path: str, kind: str) -> Any:
    from mcugen.convert.keras_convert import load_float_model

    with contextlib.suppress(Exception):  # free the previous model's graph state, if any
        import keras

        keras.backend.clear_session()
    return load_float_model(ModelSource(Path(path), kind))


def _die_with(parent: int) -> None:
    """PR_SET_PDEATHSIG through mcugen.procs: the kernel kills this child when mcugen dies."""
    try:
        from mcugen import procs
    except ImportError:
        return
    setup = getattr(procs, "_child_setup", None)
    if setup is not None:
        setup(parent, True)
