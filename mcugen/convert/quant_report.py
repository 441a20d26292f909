"""How far the int8 model is from its float source, on the same samples.

The int8 (or 16x8) model runs in LiteRT with the reference kernels (BUILTIN_REF: the exact integer
arithmetic, no XNNPACK shortcuts); a model with INT4 weights runs on tflite-micro's Python runtime
instead (mcugen.oracle), as the device would: LiteRT's reference kernels do not compute INT4
weights as tflite-micro does (11 of 210 outputs of a two-layer dense model differ, against 2 with
int8 weights). Inputs are quantized and outputs dequantized with the model's own scales.
Classifier outputs are compared by top-1 agreement, others by max abs error and signal-to-noise
ratio.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from mcugen.ir import Graph, Tensor


@dataclass(frozen=True)
class OutputQuality:
    name: str
    classifier: bool
    top1_agreement: float | None  # fraction of samples whose arg-max agrees; None when not a classifier
    max_abs_error: float
    snr_db: float  # inf when the outputs are identical


@dataclass(frozen=True)
class QuantReport:
    samples: int
    data: str  # "calibration", "validation" or "synthetic"
    outputs: tuple[OutputQuality, ...]
    quantized: str = "int8"  # what the float model was compared with: "int8", "16x8" or "int4"

    def summary(self) -> str:
        parts = []
        for q in self.outputs:
            if q.classifier and q.top1_agreement is not None:
                parts.append(f"{q.name}: top-1 agreement {q.top1_agreement * 100:.1f}%")
            else:
                parts.append(f"{q.name}: max abs error {q.max_abs_error:.4g}, SNR {format_db(q.snr_db)}")
        return f"float vs {self.quantized} on {self.samples} {self.data} samples: " + "; ".join(parts)

    def to_json(self) -> dict:
        """Plain JSON data (mcugen.json's "quantization"); an infinite SNR (identical outputs) is
        null there, with "identical": true, as JSON has no infinity."""
        return {"samples": self.samples, "data": self.data, "quantized": self.quantized, "outputs": [
            {"name": q.name, "kind": "classifier" if q.classifier else "values",
             "top1_agreement": q.top1_agreement, "max_abs_error": q.max_abs_error,
             "snr_db": None if math.isinf(q.snr_db) else q.snr_db, "identical": q.max_abs_error == 0.0}
            for q in self.outputs]}


def format_db(value: float) -> str:
    return "inf dB (identical)" if math.isinf(value) else f"{value:.1f} dB"


def quantize(x: np.ndarray, t: Tensor) -> np.ndarray:
    assert t.quant is not None
    q = np.round(x / t.quant.scale) + t.quant.zero_point
    dtype = np.int16 if t.dtype == "INT16" else np.int8
    info = np.iinfo(dtype)
    return np.clip(q, info.min, info.max).astype(dtype)


def dequantize(q: np.ndarray, t: Tensor) -> np.ndarray:
    if t.quant is None or t.dtype not in ("INT8", "INT16", "INT32"):
        return q.astype(np.float32)
    return (q.astype(np.float32) - t.quant.zero_point) * t.quant.scale


def run_int8(tflite: bytes, graph: Graph, inputs: Sequence[np.ndarray],
             advance: Callable[[int], None] | None = None) -> list[np.ndarray]:
    """Run every sample through LiteRT's reference kernels; float in, float (dequantized) out.

    `advance(1)` is called after each sample (a progress bar's step)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    it = Interpreter(model_content=bytes(tflite),
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    in_details = it.get_input_details()
    out_details = it.get_output_details()
    in_tensors = [graph.tensors[d["index"]] for d in in_details]
    out_tensors = [graph.tensors[d["index"]] for d in out_details]
    count = len(inputs[0])
    results: list[list[np.ndarray]] = [[] for _ in out_details]
    for n in range(count):
        for d, t, xs in zip(in_details, in_tensors, inputs):
            x = xs[n][None, ...].reshape(d["shape"])
            it.set_tensor(d["index"], quantize(x, t) if t.dtype in ("INT8", "INT16") else x.astype(np.float32))
        it.invoke()
        for k, (d, t) in enumerate(zip(out_details, out_tensors)):
            results[k].append(dequantize(it.get_tensor(d["index"]), t)[0])
        if advance is not None:
            advance(1)
    return [np.stack(r) for r in results]


def run_tflm(tflite: bytes, graph: Graph, inputs: Sequence[np.ndarray],
             advance: Callable[[int], None] | None = None) -> list[np.ndarray]:
    """`run_int8` on tflite-micro's Python runtime: float in, float (dequantized) out."""
    from mcugen.oracle import TflmOracle

    oracle = TflmOracle(bytes(tflite))
    in_tensors = [graph.tensor(t) for t in graph.inputs]
    out_tensors = [graph.tensor(t) for t in graph.outputs]
    results: list[list[np.ndarray]] = [[] for _ in out_tensors]
    for n in range(len(inputs[0])):
        xs = [xs[n][None, ...] for xs in inputs]
        outputs = oracle.run([quantize(x, t) if t.dtype in ("INT8", "INT16") else x.astype(np.float32)
                              for x, t in zip(xs, in_tensors)])
        for k, (y, t) in enumerate(zip(outputs, out_tensors)):
            results[k].append(dequantize(y, t)[0])
        if advance is not None:
            advance(1)
    return [np.stack(r) for r in results]


def has_int4_weights(graph: Graph) -> bool:
    return any(t.dtype == "INT4" for t in graph.tensors)


def looks_like_softmax(y: np.ndarray) -> bool:
    """More than one class and each row a probability distribution."""
    if y.ndim < 2 or y.shape[-1] < 2:
        return False
    rows = y.reshape(-1, y.shape[-1])
    return bool(np.all(rows >= -1e-6) and np.all(rows <= 1 + 1e-6)
                and np.allclose(rows.sum(axis=1), 1.0, atol=1e-3))


def compare(name: str, reference: np.ndarray, approx: np.ndarray) -> OutputQuality:
    reference = reference.astype(np.float64).reshape(approx.shape)
    approx = approx.astype(np.float64)
    err = approx - reference
    noise = float(np.sum(err * err))
    signal = float(np.sum(reference * reference))
    snr = math.inf if noise == 0 else (10 * math.log10(signal / noise) if signal > 0 else -math.inf)
    classifier = looks_like_softmax(reference)
    top1 = None
    if classifier:
        ref_rows = reference.reshape(-1, reference.shape[-1])
        app_rows = approx.reshape(-1, approx.shape[-1])
        top1 = float(np.mean(ref_rows.argmax(axis=1) == app_rows.argmax(axis=1)))
    return OutputQuality(name, classifier, top1, float(np.max(np.abs(err))) if err.size else 0.0, snr)


def quant_report(tflite: bytes, graph: Graph, inputs: Sequence[np.ndarray],
                 float_outputs: Sequence[np.ndarray], data: str,
                 advance: Callable[[int], None] | None = None, quantized: str = "int8") -> QuantReport:
    """Compare `float_outputs` (the source model on `inputs`) with the quantized model on the same
    inputs (run by `run_tflm` when it has INT4 weights, else by `run_int8`)."""
    run = run_tflm if has_int4_weights(graph) else run_int8
    quantized_outputs = run(tflite, graph, inputs, advance)
    names = [graph.tensors[t].name for t in graph.outputs]
    qualities = tuple(compare(n, f, q) for n, f, q in zip(names, float_outputs, quantized_outputs))
    return QuantReport(samples=len(inputs[0]), data=data, outputs=qualities, quantized=quantized)
