"""`mcugen build`: model -> PlatformIO project -> firmware, checked under QEMU on emulated boards."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from mcugen.boards import DEFAULT_BOARD
from mcugen.report import human_bytes


@click.command("build")
@click.argument("models", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-b", "--board", default=DEFAULT_BOARD, show_default=True,
              help="Target board (see `mcugen boards`).")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Project directory to write. Default: <model>_<board>. An existing one is "
                   "replaced only if it is empty or an earlier mcugen output.")
@click.option("--force", is_flag=True,
              help="Replace -o even if mcugen did not make it (never the current, home or model's folder).")
@click.option("-c", "--calibration", type=click.Path(exists=True, path_type=Path),
              help="Representative inputs (.npy/.npz) for converting a float model to int8.")
@click.option("--name", "prefix", default=None,
              help="C symbol prefix of the generated model (model_invoke, ...) [default: model]. With "
                   "several models one each, comma-separated [default: the file names].")
@click.option("--concurrent", is_flag=True,
              help="Several models that may run at the same time: disjoint arena bytes (the sum) "
                   "instead of one arena they share running one after another (the largest).")
@click.option("--no-inplace", is_flag=True, help="Plan the arena without in-place reuse.")
@click.option("--compile/--no-compile", "compile_", default=None,
              help="Build with `pio run` (default: emulated boards always; real boards when "
                   "PlatformIO has or can download their platform).")
@click.option("--run", is_flag=True, help="Run the self-test under QEMU (emulated boards).")
@click.option("--weights-in-ram", "weights_in_ram", type=click.IntRange(min=0), default=0, metavar="BYTES",
              help="Copy the weights read most per byte (convolution filters first) into up to BYTES of "
                   "the fastest RAM before the first invoke; the plan and the fit check count them.")
@click.option("--target", type=click.Choice(["firmware", "micropython"]), default="firmware",
              show_default=True,
              help="micropython: a MicroPython module instead (natmod Makefile for the board's "
                   "ARCH + USER_C_MODULES folder); --board unix for MicroPython's unix port.")
@click.option("--module", default=None,
              help="With --target micropython and several models: the one module's name [default: models].")
@click.option("--mpy-dir", type=click.Path(file_okay=False, path_type=Path),
              help="With --target micropython: a MicroPython source tree; also builds the .mpy "
                   "(default: $MCUGEN_MPY_DIR).")
@click.pass_obj
def command(state, models: tuple[Path, ...], board: str, output: Path | None, force: bool,
            calibration: Path | None, prefix: str | None, concurrent: bool, no_inplace: bool,
            compile_: bool | None, run: bool, weights_in_ram: int, target: str, module: str | None,
            mpy_dir: Path | None) -> None:
    """Turn MODEL(s) into a PlatformIO firmware project for BOARD, and build it.

    MODEL is a Keras (.h5/.keras), SavedModel or int8 .tflite file. The project has two
    environments: `<board>` is the benchmark firmware `mcugen bench` talks to, and
    `<board>_selftest` runs the model on test inputs baked into the image and compares every
    output byte with tflite-micro's, printing PASS or FAIL. A model too big for the board stops
    before anything is written, with the numbers.

    Several models go into one firmware: one kernel library, each model its own C API
    (<prefix>_invoke, ...), one arena they share running one after another (--concurrent: each
    its own part); the self-test and the bench run every model.

    \b
    Examples:
      mcugen build kws.tflite                                  # mps2_an386 (QEMU), compiled
      mcugen build kws.tflite --board netduinoplus2 --run      # ... and self-tested under QEMU
      mcugen build model.h5 --calibration x.npy --board esp32 -o fw/   # project for a real board
      mcugen build vww.tflite --board nucleo_f401re --no-compile
      mcugen build vww.tflite --board nucleo_h743zi --weights-in-ram 32768   # hot filters in RAM
      mcugen build kws.tflite --target micropython --board esp32 --name kws -o kws_mpy
      mcugen build kws.tflite ic.tflite --name kws,ic --run    # two models, one shared arena
    """
    if module is not None and target != "micropython":
        raise click.UsageError("--module names a MicroPython module: add --target micropython")
    if target == "micropython":
        from mcugen.cli.micropython_target import build_command

        build_command(state.reporter, [str(m) for m in models], board, str(output) if output else None, prefix,
                      str(calibration) if calibration else None, str(mpy_dir) if mpy_dir else None,
                      force=force, concurrent=concurrent, module=module)
        return
    from mcugen.project.api import build_models

    mode = "auto" if compile_ is None else ("yes" if compile_ else "no")
    if run and compile_ is False:
        raise click.UsageError("--run needs the firmware compiled; drop --no-compile")
    rep = state.reporter
    prefixes = [prefix or "model"]
    if len(models) > 1:
        from mcugen.codegen.models import parse_names

        prefixes = parse_names(prefix, [m.stem for m in models])
    result = build_models(models, board, output, calibration, prefixes, inplace=not no_inplace,
                          concurrent=concurrent, compile_mode=mode, run=run, reporter=rep, force=force,
                          weights_in_ram=weights_in_ram,
                          command_line="mcugen " + " ".join(shlex.quote(a) for a in sys.argv[1:]))
    if result.quantization is not None:  # a Keras/SavedModel source: what int8 cost, as `convert` says
        from mcugen.cli.convert import show_quantization

        show_quantization(rep, result.quantization)
    b = result.project.board
    if result.sizes:
        env = result.project.bench_env if result.project.bench_env in result.sizes else next(iter(result.sizes))
        sizes = result.sizes[env]
        main = [u for u in result.regions if not u.section]
        arena, state = ((main[0].arena, main[0].state) if main else (result.arena_bytes, result.state_bytes))
        copied = main[0].weights if main else result.weights_ram_bytes
        rows = [
            ("flash (text + data)", human_bytes(sizes.flash), human_bytes(b.flash_bytes),
             f"{100 * sizes.flash / b.flash_bytes:.1f}%"),
            ("RAM: arena" + (" (shared)" if result.separate_arena_bytes and not result.concurrent else ""),
             human_bytes(arena), "", f"{100 * arena / b.ram_bytes:.1f}%"),
            *([("RAM: state (kept between invokes)", human_bytes(state), "",
                f"{100 * state / b.ram_bytes:.1f}%")] if state else []),
            *([("RAM: weights copied from flash", human_bytes(copied), "",
                f"{100 * copied / b.ram_bytes:.1f}%")] if copied else []),
            ("RAM: other static data", human_bytes(sizes.ram_other(arena + state + copied)), "",
             f"{100 * sizes.ram_other(arena + state + copied) / b.ram_bytes:.1f}%"),
            ("RAM: stack reserve", human_bytes(b.stack_bytes), "", f"{100 * b.stack_bytes / b.ram_bytes:.1f}%"),
        ]
        ram_total = sizes.ram_static + b.stack_bytes
        footer = ("RAM total" + (f" ({main[0].name})" if main else ""), human_bytes(ram_total), human_bytes(b.ram_bytes),
                  f"{100 * ram_total / b.ram_bytes:.1f}%")
        rows += [(f"region {u.name} ({u.section}): arena" + (" + state" if u.state else "")
                  + (" + weights" if u.weights else ""), human_bytes(u.arena + u.state + u.weights),
                  human_bytes(u.size), f"{100 * (u.arena + u.state + u.weights) / u.size:.1f}%")
                 for u in result.regions if u.section and (u.arena or u.state or u.weights)]
        rep.table(f"firmware `{env}` on {b.name}" + (f" (RAM = the main region {main[0].name})" if main else ""),
                  ["", "used", "board has", "%"], rows, footer=footer, right=("used", "board has", "%"))
    elif result.objects is not None:
        _object_tables(rep, result)
    else:
        est = result.estimate
        rep.table(f"estimate for {b.name} (not compiled here)", ["", "needs", "board has", "%"], [
            ("flash (weights + firmware, est.)", human_bytes(est.flash), human_bytes(b.flash_bytes),
             f"{100 * est.flash / b.flash_bytes:.1f}%"),
            ("RAM (arena + stack + firmware, est.)", human_bytes(est.ram), human_bytes(b.ram_bytes),
             f"{100 * est.ram / b.ram_bytes:.1f}%"),
        ], right=("needs", "board has", "%"))
    for env_name in result.sizes:
        rep.info(f"firmware {env_name}: {result.project.elf(env_name)}")
    if result.next_steps:
        rep.info("On a machine with PlatformIO and the board connected:" if not b.emulated else "Next:")
        for line in result.next_steps:
            rep.info("  " + line)


def _object_tables(rep, result) -> None:
    """A real board whose portable sources were compiled for its ISA here: their sections, then
    the fit from them plus the framework's estimated share."""
    b, objects, fit = result.project.board, result.objects, result.measured
    columns = ["", "text", "rodata", "data", "bss"]
    rows = [(name, *(f"{v:,}" for v in (s.text, s.rodata, s.data, s.bss)))
            for name, s in objects.parts.items()]
    rep.table(f"{objects.isa} object sizes, bytes ({objects.compiler}; without the framework)",
              columns, rows, right=columns[1:])
    pct = (lambda used, has: f"{100 * used / has:.1f}%")
    rep.table(f"fit on {b.name}: objects measured, framework estimated", ["", "needs", "board has", "%"], [
        ("flash: objects (text + rodata + data)", human_bytes(fit.objects.flash), "", pct(fit.objects.flash, b.flash_bytes)),
        ("flash: framework (est.)", human_bytes(fit.framework_flash), "", pct(fit.framework_flash, b.flash_bytes)),
        ("flash total", human_bytes(fit.flash), human_bytes(b.flash_bytes), pct(fit.flash, b.flash_bytes)),
        ("RAM: objects (data + bss, arena included)", human_bytes(fit.objects.ram), "", pct(fit.objects.ram, b.ram_bytes)),
        ("RAM: stack reserve", human_bytes(fit.stack), "", pct(fit.stack, b.ram_bytes)),
        ("RAM: framework (est.)", human_bytes(fit.framework_ram), "", pct(fit.framework_ram, b.ram_bytes)),
        ("RAM total", human_bytes(fit.ram), human_bytes(b.ram_bytes), pct(fit.ram, b.ram_bytes)),
    ], right=("needs", "board has", "%"))
