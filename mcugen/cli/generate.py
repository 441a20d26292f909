"""mcugen generate: the C library only (model.h, model.c, model_weights.c + kernels; several models
in one library: mcugen.codegen.models)."""
from __future__ import annotations

from pathlib import Path

import click

from mcugen.report import human_bytes


@click.command("generate")
@click.argument("models", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the C library into (replaced whole, atomically, if it is "
                   "empty or an earlier mcugen output).")
@click.option("--force", is_flag=True,
              help="Replace -o even if mcugen did not make it (never the current, home or model's folder).")
@click.option("--name", "prefix", default=None,
              help="C symbol prefix: model_invoke(), MODEL_ARENA_BYTES, ... [default: model]. With "
                   "several models one prefix each, comma-separated [default: the file names].")
@click.option("--concurrent", is_flag=True,
              help="Several models that may run at the same time: disjoint arena bytes (the sum) "
                   "instead of one arena they share running one after another (the largest).")
@click.option("--no-inplace", is_flag=True, help="Give every tensor its own bytes (no in-place or overlap).")
@click.option("--align", default=16, show_default=True, help="Arena alignment in bytes.")
@click.option("--calibration", type=click.Path(exists=True, path_type=Path),
              help="Calibration samples (.npy/.npz) when MODEL is a float Keras/SavedModel (one model only).")
@click.option("--no-size", is_flag=True, help="Skip the Cortex-M4 code-size measurement.")
@click.option("--json", "as_json", is_flag=True, help="Print the size report as JSON on stdout.")
@click.option("--kernels", "variant", type=click.Choice(["portable", "dsp", "rv32", "m0", "mve", "xtensa"]),
              default="portable", show_default=True,
              help="Kernel variant: portable C; dsp (SMLAD/SXTB16 for Cortex-M4/M7/M33/M55, plain C "
                   "elsewhere); rv32 (register-blocked C for RV32IMC); m0 (Thumb-1 for Cortex-M0/M0+, "
                   "plain C elsewhere); mve (Helium for Cortex-M55, plain C elsewhere); xtensa (unsigned "
                   "bytes and 16-bit multiplies for the ESP8266/ESP32 Xtensa cores). All bit-exact.")
@click.option("--weights-in-ram", "weights_in_ram", type=click.IntRange(min=0), default=0, metavar="BYTES",
              help="Copy the weights read most per byte into up to BYTES of RAM (model_wram) before the "
                   "first invoke, for parts whose flash is slower than their RAM (one model).")
@click.pass_obj
def command(state, models: tuple[Path, ...], out_dir: Path, force: bool, prefix: str | None, concurrent: bool,
            no_inplace: bool, align: int, calibration: Path | None, no_size: bool, as_json: bool,
            variant: str = "portable", weights_in_ram: int = 0) -> None:
    """Generate the C inference library for MODEL(s), for your own firmware project.

    MODEL is an int8 .tflite, a Keras .h5/.keras file or a SavedModel directory (converted to
    int8 first). The output directory gets model.h (the API), model.c, model_weights.c, and the
    kernel sources and headers the model needs: compile every .c file in it.

    Several models make one library: each kernel file once, each model its own prefix and files
    (<prefix>.h, <prefix>.c, <prefix>_weights.c), and one arena in mg_models.h/.c. Models run one
    after another share it (as big as the largest model's plan); with --concurrent each gets
    its own bytes of it (the sum).

    \b
    Examples:
      mcugen generate kws_ref_model.tflite -o kws_lib
      mcugen generate model.h5 --calibration samples.npy -o lib --name kws
      mcugen generate vww_96_int8.tflite -o vww_lib --no-inplace --json
      mcugen generate kws_ref_model.tflite -o kws_m4 --kernels dsp   # for a Cortex-M4
      mcugen generate kws.tflite ic.tflite -o lib --name kws,ic      # kws_invoke(), ic_invoke()
      mcugen generate kws_ref_model.tflite -o kws_m55 --kernels mve  # for a Cortex-M55

    \b
    Then, in your firmware:
      #include "model.h"
      memcpy(model_input(0), features, (size_t)model_input_info[0].bytes);  /* every time */
      if (model_invoke() == 0) { const int8_t *scores = model_output(0); ... }
    Compile all .c files of the directory (C99; no malloc, no stdio). Define MG_LAYER_BEGIN(i) /
    MG_LAYER_END(i) (or MG_HOOKS_HEADER) to time layers.
    """
    from mcugen import pipeline
    from mcugen.codegen import check_prefix
    from mcugen.codegen.size import cortex_m4_size
    from mcugen.convert.api import stage_count
    from mcugen.errors import McugenError
    from mcugen.fsutil import atomic_output_dir, check_output_dir, library_manifest
    from mcugen.stats import model_stats

    rep = state.reporter
    multi = len(models) > 1
    if multi:
        from mcugen.codegen.models import parse_names

        prefixes = parse_names(prefix, [m.stem for m in models])
        if calibration is not None:
            raise McugenError("--calibration converts one model; several models are generated from "
                              "their int8 files", hint="convert each first: mcugen convert MODEL -c DATA")
        if weights_in_ram:
            raise McugenError("--weights-in-ram copies one model's weights; it does not take several models yet",
                              hint="generate the models without it, or one model with it")
    else:
        prefixes = [check_prefix(prefix or "model")]
    if variant != "portable" and align % 4:
        raise McugenError(f"--kernels {variant} reads scratch and weights a word at a time; --align {align} "
                          "would misplace them", hint="use --align 4 or more (the default is 16)")
    if variant == "xtensa" and align % 8:
        raise McugenError(f"--kernels xtensa keeps a table of pointers in scratch (8-byte slots, for 64-bit "
                          f"hosts too); --align {align} would misalign it", hint="use --align 8 or more (the default is 16)")
    check_output_dir(out_dir, force, protect=models)
    loads = [stage_count(m) for m in models]
    total = sum(loads) + 3 + (0 if no_size else 1)
    graphs, step = [], 1
    for model, n in zip(models, loads):
        graphs.append(pipeline.load(model, calibration, reporter=rep, steps=(step, total)).graph)
        step += n
    built = pipeline.generate_models(graphs, pipeline.Target(variant, align, weights_in_ram=weights_in_ram),
                                     inplace=not no_inplace,
                                     prefixes=prefixes, concurrent=concurrent)
    sources, combined = built.sources, built.plan
    rep.stage(step, total, "lower", "; ".join(f"{lib.graph.name}: {len(lib.calls)} ops, "
                                              f"{model_stats(lib.graph).macs:,} MACs" for lib in built.libraries))
    rep.stage(step + 1, total, "plan", _plan_summary(built, no_inplace))
    with atomic_output_dir(out_dir, force, protect=models) as tmp:
        written = sources.write(tmp)
        library_manifest(tmp, graphs[0].sha256, prefixes[0], [p.name for p in written],
                         models=[{"prefix": p, "model_sha256": g.sha256} for p, g in zip(prefixes, graphs)]
                         if multi else None)
    rep.stage(step + 2, total, "generate", f"{out_dir}/ ({len(written)} files)")
    if no_size:
        result = {"weights_bytes": sources.weight_bytes, "arena_bytes": sources.arena_bytes,
                  "state_bytes": sources.state_bytes}
    else:
        c_files = [p.name for p in sources.c_files(out_dir)]
        weights = tuple(f for f in sources.files if f.endswith("_weights.c"))
        size = cortex_m4_size(out_dir, c_files, sources.weight_bytes, sources.arena_bytes, weight_files=weights)
        rep.stage(step + 3, total, "size", "arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb")
        result = {"weights_bytes": size.weights_bytes, "code_bytes": size.code_bytes,
                  "arena_bytes": size.arena_bytes, "flash_bytes": size.flash_bytes,
                  "files": [dict(zip(("file", "text", "data", "bss"), row)) for row in size.per_file]}
    result.setdefault("state_bytes", sources.state_bytes)
    if multi:
        result.update(output=str(out_dir), kernels=list(sources.kernels), concurrent=concurrent,
                      separate_arena_bytes=combined.separate_size, saving_bytes=combined.saving,
                      models=[{"prefix": lib.sources.prefix, "model_sha256": lib.graph.sha256,
                               "layers": len(lib.calls), "arena_bytes": int(lib.plan.size),
                               "state_bytes": int(lib.plan.state_size), "weights_bytes": lib.sources.weight_bytes,
                               "kernels": list(lib.sources.kernels)} for lib in built.libraries])
    else:
        lib = built.libraries[0]
        result.update(model_sha256=lib.graph.sha256, output=str(out_dir), prefix=prefixes[0],
                      kernels=list(sources.kernels), layers=len(lib.calls), weights_ram_bytes=sources.weights_ram_bytes)
    if as_json:
        rep.json(result)
        return
    rows = [("weights (flash)", f"{result['weights_bytes']:,}", human_bytes(result["weights_bytes"]))]
    if "code_bytes" in result:
        rows.append(("code (flash, Cortex-M4 -Os)", f"{result['code_bytes']:,}", human_bytes(result["code_bytes"])))
    rows.append(("arena (RAM)" + (" shared" if multi and not concurrent else ""),
                 f"{result['arena_bytes']:,}", human_bytes(result["arena_bytes"])))
    if multi:
        rows.append(("arenas if separate (RAM)", f"{combined.separate_size:,}", human_bytes(combined.separate_size)))
    if sources.state_bytes:
        rows.append(("state (RAM, kept between invokes)", f"{sources.state_bytes:,}", human_bytes(sources.state_bytes)))
    if sources.weights_ram_bytes:
        rows.append(("weights copied to RAM (--weights-in-ram)", f"{sources.weights_ram_bytes:,}",
                     human_bytes(sources.weights_ram_bytes)))
    names = ", ".join(f"{lib.sources.prefix} ({len(lib.calls)} layers)" for lib in built.libraries)
    rep.table(f"{names if multi else graphs[0].name + ': ' + str(len(built.libraries[0].calls)) + ' layers'}, "
              f"kernels: {', '.join(k[:-2] for k in sources.kernels)}", ["", "bytes", ""], rows, right=["bytes"])


def _plan_summary(built, no_inplace: bool) -> str:
    """The plan stage's line: the arena, and for several models how they share it."""
    how = "no in-place" if no_inplace else "in-place"
    if len(built.libraries) == 1:
        plan = built.libraries[0].plan
        return f"arena {human_bytes(int(plan.size))} ({how}, {plan.algorithm})"
    combined = built.plan
    each = " + ".join(f"{lib.sources.prefix} {human_bytes(int(lib.plan.size))}" for lib in built.libraries)
    if combined.concurrent:
        return f"arena {human_bytes(combined.size)} ({each}, concurrent: disjoint; {how})"
    return (f"arena {human_bytes(combined.size)} shared ({each} run one after another; "
            f"{human_bytes(combined.saving)} less than separate arenas; {how})")
