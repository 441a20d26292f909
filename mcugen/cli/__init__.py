"""Command-line interface: parse arguments, call one stage function, map errors to exit codes.

Each command lives in its own module and imports heavy libraries (TensorFlow, the tflite-micro
runtime) inside its function, so `mcugen --help` and non-converting commands start fast.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from mcugen import __version__
from mcugen.errors import McugenError
from mcugen.report import Reporter

# command name -> module under mcugen.cli (each defines `command`, a click.Command)
COMMANDS = {
    "convert": "convert",
    "inspect": "inspect_cmd",
    "plan": "plan",
    "generate": "generate",
    "build": "build",
    "selftest": "selftest",
    "boards": "boards",
    "flash": "flash",
    "bench": "bench",
    "demo": "demo",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (or help lists it)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, mod in COMMANDS.items()
                if importlib.util.find_spec(f"mcugen.cli.{mod}") is not None]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None or importlib.util.find_spec(f"mcugen.cli.{module}") is None:
            return None
        return importlib.import_module(f"mcugen.cli.{module}").command


class State:
    """What every command gets through `click.pass_obj`."""

    def __init__(self, debug: bool, quiet: bool, verbose: bool, progress: bool):
        self.debug = debug
        self.reporter = Reporter(quiet=quiet, verbose=verbose, progress=progress)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.version_option(__version__, prog_name="mcugen")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors (for bug reports).")
@click.option("-q", "--quiet", is_flag=True, help="Only print results and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail about each step.")
@click.option("--no-progress", is_flag=True, help="Never draw progress bars.")
@click.pass_context
def group(ctx: click.Context, debug: bool, quiet: bool, verbose: bool, no_progress: bool) -> None:
    """Turn a trained neural network into fast, small int8 firmware for microcontrollers.

    \b
    The usual path (here on an emulated Cortex-M4; `mcugen boards` lists the others):
      mcugen inspect model.h5                        what is in the model, what mcugen supports
      mcugen build model.h5 --board mps2_an386       convert, plan, generate, compile
      mcugen selftest --project model_mps2_an386     run it under QEMU: bit-exact with tflite-micro?
      mcugen bench --project model_mps2_an386 --emulate    latency, per layer, RAM, flash
      mcugen build model.h5 --board esp32            a PlatformIO project for a real board

    Run `mcugen COMMAND --help` for each command's options and examples.
    """
    ctx.obj = State(debug=debug, quiet=quiet, verbose=verbose, progress=not no_progress)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status so tests can call it in-process.

    Whatever ends the command (success, error, SIGTERM/SIGHUP/SIGINT), every program it started
    (QEMU, pio, compilers) is ended with it (mcugen.procs); a signal N exits 128 + N."""
    from mcugen import procs

    with procs.handle_signals():
        try:
            with procs.ending_children():
                return _main(argv)
        except procs.Stopped as exc:
            Reporter().error(f"stopped by {exc.name}")
            return exc.exit_code


def _main(argv: list[str] | None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args
    try:
        group.main(args=args, prog_name="mcugen", standalone_mode=False)
        return 0
    except McugenError as exc:
        if debug:
            raise
        Reporter().error(exc.message, exc.hint)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        Reporter().error("interrupted")
        return 130
    except KeyboardInterrupt:
        Reporter().error("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: a bug, shown in full
        from mcugen.fsutil import is_write_error, write_error

        if not debug and is_write_error(exc) and getattr(exc, "filename", None):
            # a place the OS refuses to write (read-only, no permission, disk full) is not a bug
            err = write_error(exc, exc.filename)  # type: ignore[arg-type]
            Reporter().error(err.message, err.hint)
            return err.exit_code
        import traceback

        traceback.print_exc()
        Reporter().error("this is a bug in mcugen; please report it with the output above")
        return 1
