"""`mcugen convert`: any supported model -> full-integer int8 .tflite, with a quantization report."""
from __future__ import annotations

from pathlib import Path

import click

from mcugen.errors import McugenError
from mcugen.report import human_bytes


def default_output(model: Path, kind: str = "int8") -> Path:
    """`<stem>_int8.tflite` (or `_16x8` for int16 activations, `_int4` for int4 weights) in the
    current directory (a SavedModel dir's stem is its name)."""
    model = Path(model)
    stem = model.name if model.is_dir() else model.stem
    return Path.cwd() / f"{stem}_{kind}.tflite"


def show_report(reporter, result, weights: str = "int8") -> None:  # noqa: ANN001 - Reporter, ConvertResult
    """The quantization report as a table (stdout), or a note when there is nothing to compare."""
    if result.report is None:
        done = "its weights re-quantized to int4" if weights == "int4" else "passed through unchanged"
        reporter.info(f"already int8: {done} (no float model to compare with)")
        return
    show_quantization(reporter, result.report)
    if result.int8_report is not None:
        show_quantization(reporter, result.int8_report)


def show_quantization(reporter, rep) -> None:  # noqa: ANN001 - Reporter, QuantReport
    """What quantization cost, as a table (stdout): `convert` and `build` print the same."""
    from mcugen.convert.quant_report import format_db

    rows = []
    for q in rep.outputs:
        top1 = f"{q.top1_agreement * 100:.1f}%" if q.top1_agreement is not None else "-"
        rows.append((q.name, "classifier" if q.classifier else "values", top1,
                     f"{q.max_abs_error:.4g}", format_db(q.snr_db)))
    reporter.table(f"float vs {rep.quantized} on {rep.samples} {rep.data} samples",
                   ("output", "kind", "top-1 agreement", "max abs error", "SNR"), rows,
                   right=("top-1 agreement", "max abs error", "SNR"))


@click.command("convert")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("-c", "--calibration", type=click.Path(path_type=Path),
              help="Calibration samples: .npy/.npz (samples x input shape) or a folder of .npy files.")
@click.option("--validation", type=click.Path(path_type=Path),
              help="Samples for the float-vs-int8 report (default: the calibration samples).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Where to write the int8 model (a file, or a directory for MODEL_int8.tflite in it) "
                   "[default: ./MODEL_int8.tflite; _16x8 or _int4 with --activations int16 or --weights int4].")
@click.option("--weights", type=click.Choice(["int8", "int4"]), default="int8", show_default=True,
              help="int4: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED weights re-quantized to packed INT4 "
                   "(half the flash); the report shows int8 beside it.")
@click.option("--activations", type=click.Choice(["int8", "int16"]), default="int8", show_default=True,
              help="int16: TensorFlow's 16x8 mode (int16 activations and I/O, int8 weights, int64 bias), "
                   "for accuracy-sensitive audio models; the report shows int8 beside it.")
@click.pass_obj
def command(state, model: Path, calibration: Path | None, validation: Path | None,  # noqa: ANN001
            output: Path | None, weights: str = "int8", activations: str = "int8") -> None:
    """Convert MODEL to a full-integer int8 .tflite with int8 input and output.

    MODEL is a Keras file (.h5 from Keras 2 or 3, .keras), a SavedModel directory, or an int8
    .tflite (checked and copied unchanged). Calibration data sets the int8 ranges; without it
    mcugen uses random inputs and warns that accuracy is unknown. The report at the end compares
    the float model with the int8 one on the same samples (with --activations int16 or --weights
    int4, that model's and the int8 one's): top-1 agreement for classifiers, max abs error and SNR
    otherwise.

    \b
    Examples:
      mcugen convert kws_model/ --calibration mfcc_samples.npy
      mcugen convert vww_96.h5 -c images/ --validation val.npz -o vww_int8.tflite
      mcugen convert model.keras                    # synthetic calibration, with a warning
      mcugen convert denoiser.keras -c audio.npy --activations int16   # 16x8, int8 beside it
      mcugen convert ad.keras -c frames.npy --weights int4   # int4 weights, int8 beside it
    """
    from mcugen.convert.api import convert_model, stage_count
    from mcugen.fsutil import atomic_write

    if activations == "int16" and weights == "int4":
        raise McugenError("--activations int16 with --weights int4: mcugen has no 16x4 kernels",
                          hint="choose one of them")
    reporter = state.reporter
    kind = "16x8" if activations == "int16" else weights
    target = output if output is not None else default_output(model, kind)
    if target.is_dir():
        target = target / default_output(model, kind).name
    total = stage_count(model) + 1
    result = convert_model(model, calibration, validation, reporter=reporter, steps=(1, total),
                           activations=activations, weights=weights)
    show_report(reporter, result, weights)
    try:
        atomic_write(target, result.tflite)
    except OSError as exc:
        raise McugenError(f"cannot write {target}: {exc.strerror or exc}",
                          hint="choose another path with -o") from exc
    g = result.graph
    reporter.stage(total, total, "write", f"{target} ({human_bytes(len(result.tflite))}, {len(g.ops)} ops, "
                                          f"{'int16' if activations == 'int16' else 'int8'} I/O)")
    if result.synthetic_calibration:
        reporter.warn("calibrated on synthetic data: accuracy on real inputs is unknown")
    _warn_unsupported(reporter, g)


def _warn_unsupported(reporter, graph) -> None:  # noqa: ANN001 - Reporter, Graph
    """A converted model may still hold ops mcugen has no kernel for: say so now, not at build
    (judged on the canonical graph, as generate and build see it)."""
    from mcugen.ops import unsupported_ops
    from mcugen.pipeline import canonical

    problems = unsupported_ops(canonical(graph))
    if problems:
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        reporter.warn(f"mcugen cannot generate code for {len(problems)} op(s) of this model yet ({shown}): "
                      "`mcugen generate` and `build` refuse it; `mcugen inspect` lists them all")
