"""The front end's figures: MACs and op counts of the official int8 models against the published
ones, and the conversion of each float MLPerf Tiny model (time, operators vs the official int8
model, float-vs-int8 quality on a few real-range samples).

    .venv/bin/python benchmarks/front_end.py [--skip-convert] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
MODELS = (REPO / "../shared/models").resolve()

# name: (float source, official int8 model, published MACs in millions from ../shared/notes/anchors.md)
BENCHMARKS = {
    "kws": ("kws/kws_ref_model", "kws/kws_ref_model.tflite", 2.66),
    "vww": ("vww/vww_96.h5", "vww/vww_96_int8.tflite", 7.49),
    "ic": ("ic/pretrainedResnet.h5", "ic/pretrainedResnet_quant.tflite", 12.5),
    "ad": ("ad/ad01.h5", "ad/ad01_int8.tflite", 0.26),
}


def calibration(name: str, rng: np.random.Generator) -> np.ndarray:
    """A few samples in each model's input range, built from the shipped real samples where there are any."""
    if name == "ad":
        frames = np.fromfile(MODELS / "ad/samples/normal_id_01_00000000_hist_librosa.bin", "<f4").reshape(200, 128)
        return np.stack([frames[i:i + 5].reshape(-1) for i in range(0, 196, 4)])
    if name == "kws":
        q = np.fromfile(MODELS / "kws/samples/kws_input_data_int8_1x49x10x1.bin", np.int8).reshape(49, 10, 1)
        mfcc = (q.astype(np.float32) - 83) * 0.5847029
        return np.stack([mfcc + rng.normal(0, 2.0, mfcc.shape) for _ in range(32)]).astype(np.float32)
    if name == "vww":
        gray = np.fromfile(MODELS / "vww/samples/vww_input_legacy_96x96x1_float32.bin", "<f4").reshape(96, 96, 1)
        rgb = np.repeat((gray + 1) / 2, 3, axis=2)
        return np.clip(np.stack([rgb + rng.normal(0, 0.05, rgb.shape) for _ in range(16)]), 0, 1).astype(np.float32)
    return rng.integers(0, 256, size=(32, 32, 32, 3)).astype(np.float32)


def mac_table() -> list[dict]:
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.stats import model_stats

    rows = []
    for name, (_, official, anchor) in BENCHMARKS.items():
        stats = model_stats(read_graph((MODELS / official).read_bytes()))
        rows.append({"model": name, "ops": len(stats.ops), "op_counts": dict(stats.op_counts),
                     "macs": stats.macs, "published_mmacs": anchor,
                     "deviation_pct": round(100 * (stats.macs / 1e6 - anchor) / anchor, 2),
                     "params": stats.params, "largest_activation_bytes": stats.largest_activation_bytes})
    return rows


def conversions() -> list[dict]:
    from mcugen.convert import convert_model
    from mcugen.convert.tflite_reader import read_graph

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (source, official, _) in BENCHMARKS.items():
            data = Path(tmp) / f"{name}.npy"
            np.save(data, calibration(name, np.random.default_rng(0)))
            start = time.perf_counter()
            result = convert_model(MODELS / source, data)
            seconds = time.perf_counter() - start
            ref = read_graph((MODELS / official).read_bytes())
            (quality,) = result.report.outputs
            io = [result.graph.tensors[t].dtype for t in result.graph.inputs + result.graph.outputs]
            rows.append({"model": name, "source": source, "loaded_with": result.source_kind,
                         "seconds": round(seconds, 1), "samples": result.report.samples,
                         "int8_io": all(d == "INT8" for d in io),
                         "ops_match_official": Counter(o.kind for o in result.graph.ops)
                         == Counter(o.kind for o in ref.ops),
                         "top1_agreement": quality.top1_agreement, "max_abs_error": quality.max_abs_error,
                         "snr_db": quality.snr_db, "bytes": len(result.tflite),
                         "official_bytes": (MODELS / official).stat().st_size})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-convert", action="store_true", help="only the MAC table (fast, no TensorFlow)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    macs = mac_table()
    print(f"{'model':6} {'ops':>4} {'MACs':>12} {'published':>10} {'dev %':>6} {'params':>8} {'max act B':>9}")
    for r in macs:
        print(f"{r['model']:6} {r['ops']:>4} {r['macs']:>12,} {r['published_mmacs']:>9}M {r['deviation_pct']:>6}"
              f" {r['params']:>8,} {r['largest_activation_bytes']:>9,}")
    conv = [] if args.skip_convert else conversions()
    if conv:
        print(f"\n{'model':6} {'loader':10} {'s':>5} {'n':>3} {'int8 I/O':>8} {'ops = official':>14} "
              f"{'top-1':>6} {'max err':>8} {'SNR dB':>7} {'bytes':>8} {'official':>8}")
        for r in conv:
            top1 = f"{r['top1_agreement'] * 100:.0f}%" if r["top1_agreement"] is not None else "-"
            print(f"{r['model']:6} {r['loaded_with']:10} {r['seconds']:>5} {r['samples']:>3} {str(r['int8_io']):>8} "
                  f"{str(r['ops_match_official']):>14} {top1:>6} {r['max_abs_error']:>8.4f} {r['snr_db']:>7.1f} "
                  f"{r['bytes']:>8,} {r['official_bytes']:>8,}")
    if args.json:
        args.json.write_text(json.dumps({"macs": macs, "conversions": conv}, indent=2) + "\n")


if __name__ == "__main__":
    main()
