"""`mcugen inspect`: what is in a model, op by op, and what mcugen's kernels support."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mcugen.report import human_bytes


def _shapes(shapes: list[list[int]]) -> str:
    from mcugen.stats import shape_text

    return ", ".join(shape_text(tuple(s)) for s in shapes)


def show(reporter, data: dict[str, Any]) -> None:  # noqa: ANN001 - Reporter
    """The human view: one row per op, totals in the footer and a summary line."""
    rows = [(o["index"], o["op"], _shapes(o["inputs"]), _shapes(o["outputs"]), f"{o['macs']:,}",
             human_bytes(o["weight_bytes"]), human_bytes(o["output_bytes"]),
             "yes" if o["supported"] else "no") for o in data["ops"]]
    t = data["totals"]
    footer = ("", f"{t['ops']} ops", "", "", f"{t['macs']:,}", human_bytes(t["weight_bytes"]),
              f"max {human_bytes(t['largest_activation_bytes'])}",
              f"{sum(o['supported'] for o in data['ops'])}/{t['ops']}")
    shown = ("raw graph, as read from the file" if data["graph"] == "raw"
             else "canonicalised graph, as mcugen lowers it; --raw for the file's")
    reporter.table(f"{data['model']}  (sha256 {data['sha256'][:12]}; {shown})",
                   ("#", "op", "input", "output", "MACs", "weights", "output bytes", "supported"),
                   rows, footer=footer, right=("#", "MACs", "weights", "output bytes"))
    io = "; ".join(f"{x['name']} {'x'.join(map(str, x['shape']))} {x['dtype']}" for x in data["inputs"])
    oo = "; ".join(f"{x['name']} {'x'.join(map(str, x['shape']))} {x['dtype']}" for x in data["outputs"])
    reporter.text(f"inputs: {io}\noutputs: {oo}")
    reporter.text(f"parameters {t['params']:,} ({human_bytes(t['weight_bytes'])}), MACs {t['macs'] / 1e6:.3f} M, "
                  f"largest activation {human_bytes(t['largest_activation_bytes'])}")
    unsupported = [o for o in data["ops"] if not o["supported"]]
    if unsupported:
        reporter.text(f"not supported yet ({len(unsupported)} of {t['ops']} ops; `mcugen generate` and "
                      f"`build` refuse the model):")
        for o in unsupported:
            reporter.text(f"  op {o['index']} {o['op']} v{o['version']}: {o['reason']}")


@click.command("inspect")
@click.argument("model", type=click.Path(path_type=Path))
@click.option("-c", "--calibration", type=click.Path(path_type=Path),
              help="Calibration samples, used when MODEL has to be converted first.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the table.")
@click.option("--raw", is_flag=True, help="Show the graph as read from the file, before canonicalisation "
              "(constant shape math folded, dilated convolutions fused, view chains collapsed).")
@click.pass_obj
def command(state, model: Path, calibration: Path | None, as_json: bool, raw: bool) -> None:  # noqa: ANN001
    """Show MODEL op by op: shapes, MACs, weight and activation bytes, kernel support.

    MODEL is an int8 .tflite, or a Keras/SavedModel model that is converted to int8 first (in
    memory, nothing written; with synthetic calibration unless --calibration is given). MACs
    count one per multiply-accumulate in convolutions and matrix products. Any readable model is
    shown, also one with ops mcugen cannot run yet: they say "no" and why. The graph shown is
    the canonicalised one mcugen lowers (--raw: the one in the file).

    \b
    Examples:
      mcugen inspect kws_ref_model.tflite
      mcugen inspect vww_96.h5 --calibration images.npy
      mcugen inspect model.tflite --json | jq .totals.macs
      mcugen inspect conv1d_int8.tflite --raw
    """
    from mcugen import pipeline
    from mcugen.convert.api import stage_count

    reporter = state.reporter
    data = pipeline.inspect_model(model, calibration, reporter=reporter, steps=(1, stage_count(model)),
                                  raw=raw)
    if as_json:
        reporter.json(data)
    else:
        show(reporter, data)
