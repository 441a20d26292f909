"""mcugen generate: the C library only (model.h, model.c, model_weights.c + kernels)."""
from __future__ import annotations

from pathlib import Path

import click

from mcugen.report import human_bytes


@click.command("generate")
@click.argument("model", type=click.Path(dir_okay=True, path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the C library into (replaced whole, atomically, if it is "
                   "empty or an earlier mcugen output).")
@click.option("--force", is_flag=True,
              help="Replace -o even if mcugen did not make it (never the current, home or model's folder).")
@click.option("--name", "prefix", default="model", show_default=True,
              help="C symbol prefix: model_invoke(), MODEL_ARENA_BYTES, ...")
@click.option("--no-inplace", is_flag=True, help="Give every tensor its own bytes (no in-place or overlap).")
@click.option("--align", default=16, show_default=True, help="Arena alignment in bytes.")
@click.option("--calibration", type=click.Path(exists=True, path_type=Path),
              help="Calibration samples (.npy/.npz) when MODEL is a float Keras/SavedModel.")
@click.option("--no-size", is_flag=True, help="Skip the Cortex-M4 code-size measurement.")
@click.option("--json", "as_json", is_flag=True, help="Print the size report as JSON on stdout.")
@click.option("--kernels", "variant", type=click.Choice(["portable", "dsp", "rv32", "xtensa"]), default="portable",
              show_default=True,
              help="Kernel variant: portable C; dsp (SMLAD/SXTB16 for Cortex-M4/M7/M33/M55, plain C "
                   "elsewhere); rv32 (register-blocked C for RV32IMC); xtensa (unsigned bytes and "
                   "16-bit multiplies for the ESP8266/ESP32 Xtensa cores). All bit-exact.")
@click.pass_obj
def command(state, model: Path, out_dir: Path, force: bool, prefix: str, no_inplace: bool, align: int,
            calibration: Path | None, no_size: bool, as_json: bool, variant: str = "portable") -> None:
    """Generate the C inference library for MODEL, for your own firmware project.

    MODEL is an int8 .tflite, a Keras .h5/.keras file or a SavedModel directory (converted to
    int8 first). The output directory gets model.h (the API), model.c, model_weights.c, and the
    kernel sources and headers the model needs: compile every .c file in it.

    \b
    Examples:
      mcugen generate kws_ref_model.tflite -o kws_lib
      mcugen generate model.h5 --calibration samples.npy -o lib --name kws
      mcugen generate vww_96_int8.tflite -o vww_lib --no-inplace --json
      mcugen generate kws_ref_model.tflite -o kws_m4 --kernels dsp   # for a Cortex-M4

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
    from mcugen.fsutil import atomic_output_dir, check_output_dir, library_manifest
    from mcugen.stats import model_stats

    rep = state.reporter
    check_prefix(prefix)
    if variant != "portable" and align % 4:
        from mcugen.errors import McugenError

        raise McugenError(f"--kernels {variant} reads scratch and weights a word at a time; --align {align} "
                          "would misplace them", hint="use --align 4 or more (the default is 16)")
    if variant == "xtensa" and align % 8:
        from mcugen.errors import McugenError

        raise McugenError(f"--kernels xtensa keeps a table of pointers in scratch (8-byte slots, for 64-bit "
                          f"hosts too); --align {align} would misalign it", hint="use --align 8 or more (the default is 16)")
    check_output_dir(out_dir, force, protect=(model,))
    n_convert = stage_count(model)
    total = n_convert + 3 + (0 if no_size else 1)
    converted = pipeline.load(model, calibration, reporter=rep, steps=(1, total))
    graph = converted.graph
    step = n_convert + 1
    library = pipeline.generate(graph, pipeline.Target(variant, align), inplace=not no_inplace, prefix=prefix)
    calls, plan, sources = library.calls, library.plan, library.sources
    rep.stage(step, total, "lower", f"{len(calls)} ops, {model_stats(graph).macs:,} MACs")
    rep.stage(step + 1, total, "plan", f"arena {human_bytes(int(plan.size))} "
              f"({'no in-place' if no_inplace else 'in-place'}, {plan.algorithm})")
    with atomic_output_dir(out_dir, force, protect=(model,)) as tmp:
        written = sources.write(tmp)
        library_manifest(tmp, graph.sha256, prefix, [p.name for p in written])
    rep.stage(step + 2, total, "generate", f"{out_dir}/ ({len(written)} files)")
    if no_size:
        result = {"weights_bytes": sources.weight_bytes, "arena_bytes": sources.arena_bytes,
                  "state_bytes": sources.state_bytes}
    else:
        c_files = ["model.c", "model_weights.c", *sources.kernels]
        size = cortex_m4_size(out_dir, c_files, sources.weight_bytes, sources.arena_bytes)
        rep.stage(step + 3, total, "size", "arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb")
        result = {"weights_bytes": size.weights_bytes, "code_bytes": size.code_bytes,
                  "arena_bytes": size.arena_bytes, "flash_bytes": size.flash_bytes,
                  "files": [dict(zip(("file", "text", "data", "bss"), row)) for row in size.per_file]}
    result.setdefault("state_bytes", sources.state_bytes)
    result.update(model_sha256=graph.sha256, output=str(out_dir), prefix=prefix,
                  kernels=list(sources.kernels), layers=len(calls))
    if as_json:
        rep.json(result)
        return
    rows = [("weights (flash)", f"{result['weights_bytes']:,}", human_bytes(result["weights_bytes"]))]
    if "code_bytes" in result:
        rows.append(("code (flash, Cortex-M4 -Os)", f"{result['code_bytes']:,}", human_bytes(result["code_bytes"])))
    rows.append(("arena (RAM)", f"{result['arena_bytes']:,}", human_bytes(result["arena_bytes"])))
    if sources.state_bytes:
        rows.append(("state (RAM, kept between invokes)", f"{sources.state_bytes:,}", human_bytes(sources.state_bytes)))
    rep.table(f"{graph.name}: {len(calls)} layers, kernels: {', '.join(k[:-2] for k in sources.kernels)}",
              ["", "bytes", ""], rows, right=["bytes"])
