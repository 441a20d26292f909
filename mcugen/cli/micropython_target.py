"""The CLI side of `mcugen build --target micropython` and `mcugen bench --micropython`: the
tables and next steps printed over mcugen.micropython's functions, which print nothing."""
from __future__ import annotations

import json
from pathlib import Path

from mcugen.errors import McugenError, OutputsDiffer
from mcugen.report import Reporter, human_bytes


def build_command(rep: Reporter, models: list[str], board: str, out_dir: str | None, name: str | None,
                  calibration: str | None = None, mpy_dir: str | None = None, force: bool = False,
                  concurrent: bool = False, module: str | None = None) -> Path:
    """Write the MicroPython folder and tell the user the next commands. Returns the folder.
    One model: the module is `name` (default "model"). Several: one module `module` (default
    "models") holding them all, `name` their C prefixes (comma-separated)."""
    from mcugen.micropython.project import build_micropython

    stems = [Path(m).stem for m in models]
    if len(models) == 1:
        if module is not None:
            raise McugenError("--module names the module of several models; one model's module is --name",
                              hint=f"mcugen build {models[0]} --target micropython --name {module}")
        out = Path(out_dir) if out_dir else Path(f"{stems[0]}_micropython_{board}")
        project = build_micropython(models[0], board, out, name=name or "model", calibration=calibration,
                                    mpy_dir=mpy_dir, reporter=rep, force=force)
    else:
        from mcugen.codegen.models import parse_names

        prefixes = parse_names(name, stems)
        out = Path(out_dir) if out_dir else Path("_".join(stems) + f"_micropython_{board}")
        project = build_micropython(models, board, out, name=module or "models", calibration=calibration,
                                    mpy_dir=mpy_dir, reporter=rep, force=force, prefixes=prefixes,
                                    concurrent=concurrent)
    arch = project.target.arch.name
    rows = [("folder", str(out)),
            ("module", f"{project.module} (natmod ARCH {arch})"),
            ("weights", human_bytes(project.weight_bytes)),
            ("arena", human_bytes(project.arena_bytes)),
            ("natmod", str(project.mpy) if project.mpy else "not built (no MicroPython tree given)")]
    rep.table("MicroPython module", ["", "value"], rows)
    if project.isa is not None:
        rep.info(f"{project.target.board}'s ISA: {project.isa.summary}")
        if project.isa.report is not None:
            objects = project.isa.report
            columns = ["", "text", "rodata", "data", "bss"]
            rep.table(f"{objects.isa} object sizes, bytes ({objects.compiler}; natmod flags)", columns,
                      [(part, *(f"{v:,}" for v in (s.text, s.rodata, s.data, s.bss)))
                       for part, s in objects.parts.items()], right=columns[1:])
    mpy = project.mpy or out / "natmod" / f"{project.module}.mpy"
    steps = [] if project.mpy else [f"make -C {out / 'natmod'} MPY_DIR=/path/to/micropython"]
    steps += [f"mpremote cp {mpy} {out / 'mcugen_io.py'} :",
              f"mpremote exec \"import {project.module}; print({project.module}."
              + ("models())\"" if len(models) > 1 else "input_shape())\""),
              f"mcugen bench --micropython --port PORT --project {out}"]
    rep.info("next:\n  " + "\n  ".join(steps))
    return out


def bench_command(rep: Reporter, project_dir: str | None, port: str | None, install: str,
                  runs: int | None, seed: int | None, json_out: str | None) -> None:
    """Run bench.py on the board at `port`, report, and fail (exit 2) on any differing byte.

    `install`: "copy" the natmod to the board first, "mount" it from here, or "" (already there)."""
    from mcugen.micropython.mpbench import bench_micropython, report_result

    if not port:
        raise McugenError("--micropython needs --port: the board's serial port (or the path of a "
                          "unix-port micropython executable)",
                          hint="mcugen bench --micropython --port /dev/ttyACM0 --project DIR")
    if not project_dir:
        raise McugenError("--micropython needs --project: the folder `mcugen build --target "
                          "micropython` wrote", hint="mcugen build MODEL --target micropython --board B -o DIR")
    result = bench_micropython(project_dir, port, install=install, runs=runs, seed=seed, reporter=rep)
    results = result if isinstance(result, tuple) else (result,)  # a module of several models: each
    doc = (result.as_json() if not isinstance(result, tuple)
           else {"module": results[0].module, "models": [r.as_json() for r in results],
                 "exact": all(r.exact for r in results)})
    if json_out == "-":
        rep.json(doc)
    else:
        for each in results:
            report_result(each, rep)
        if json_out:
            from mcugen.fsutil import atomic_write

            atomic_write(json_out, json.dumps(doc, indent=2) + "\n")
            rep.info(f"wrote {json_out}")
    if not all(r.exact for r in results):
        raise OutputsDiffer("the board's outputs differ from tflite-micro "
                            f"({sum(sum(r.mismatched_bytes) for r in results)} bytes)",
                            hint="rebuild the module with this mcugen and reinstall it; if it persists, "
                                 "report it with the build folder")
