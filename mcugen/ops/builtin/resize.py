"""RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR, int8 (TFLM resize_nearest_neighbor.cc,
resize_bilinear.cc over reference_ops' ResizeNearestNeighbor and ResizeBilinearInteger).

Both work on the raw int8 values (no requantization: the interpolation weights sum to one) and
depend on the output position only through per-row and per-column source indices, which are
computed here once: nearest neighbour in TFLM's float32 arithmetic, bilinear in its 10-bit
fixed point (scale_10, the half-pixel shift, truncating C divisions). The kernels only gather.
"""
from __future__ import annotations

import math

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io
from mcugen.ops.fixedpoint import trunc_div

KINDS = ("RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR")
ONE_10 = 1 << 10  # ResizeBilinearInteger's fixed-point 1.0


def nearest_indices(out_size: int, in_size: int, align_corners: bool, half_pixel_centers: bool) -> list[int]:
    """GetNearestNeighbor for every output position, in float32 as TFLM computes it."""
    f32 = np.float32
    if align_corners and out_size > 1:
        scale = f32(in_size - 1) / f32(out_size - 1)
    else:
        scale = f32(in_size) / f32(out_size)
    offset = f32(0.5) if half_pixel_centers else f32(0.0)
    out = []
    for v in range(out_size):
        pos = f32(f32(v) + offset) * scale
        # TfLiteRound rounds half away from zero; floor otherwise
        index = int(math.copysign(math.floor(abs(pos) + 0.5), pos)) if align_corners else math.floor(pos)
        index = min(index, in_size - 1)
        out.append(max(0, index) if half_pixel_centers else index)
    return out


def bilinear_scale_10(out_size: int, in_size: int, align_corners: bool) -> int:
    if align_corners and out_size > 1:
        return trunc_div(ONE_10 * (in_size - 1) + (out_size - 1) // 2, out_size - 1)
    return trunc_div(ONE_10 * in_size + out_size // 2, out_size)


def bilinear_taps(out_size: int, in_size: int, align_corners: bool, half_pixel_centers: bool
                  ) -> tuple[list[int], list[int], list[int]]:
    """(lower index, upper index, fraction of the upper one in 1/1024) per output position:
    ComputeInterpolationValuesInteger. The fraction is below 0 or the weights above 1024 only
    at a half-pixel border, exactly as in TFLM."""
    scale = bilinear_scale_10(out_size, in_size, align_corners)
    lows, highs, fracs = [], [], []
    for v in range(out_size):
        scaled = v * scale + (scale // 2 - (1 << 9) if half_pixel_centers else 0)
        low = max(trunc_div(scaled, ONE_10), 0)
        lows.append(low)
        highs.append(min(trunc_div(scaled + ONE_10 - 1, ONE_10), in_size - 1))
        fracs.append(scaled - ONE_10 * low)
    return lows, highs, fracs


def _geometry(graph: Graph, op: Op) -> tuple[int, int, int, int, int, int]:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    return (inp.shape[0], inp.shape[1], inp.shape[2], out.shape[1], out.shape[2], inp.shape[3])


def check(graph: Graph, op: Op) -> str | None:
    problem = check_int8_io(graph, op, n_inputs=(2,), activation_inputs=1)
    if problem:
        return problem
    inp, size, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    if len(inp.shape) != 4 or len(out.shape) != 4:
        return "input and output must be 4-D (NHWC)"
    if not size.is_constant or size.dtype != "INT32" or size.num_elements != 2:
        return "the output size must be a constant int32 [2] tensor"
    if tuple(int(v) for v in size.array().reshape(-1)) != tuple(out.shape[1:3]):
        return "the output size does not match the output shape"
    if inp.shape[0] != out.shape[0] or inp.shape[3] != out.shape[3]:
        return "batch and channels must be kept"
    if min(*inp.shape, *out.shape) < 1:
        return "empty tensor"
    if op.options.get("align_corners") and op.options.get("half_pixel_centers"):
        return "align_corners with half_pixel_centers (TFLite forbids the pair)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    batches, in_h, in_w, out_h, out_w, depth = _geometry(graph, op)
    align, half = bool(op.options.get("align_corners")), bool(op.options.get("half_pixel_centers"))
    geometry = (("batches", batches), ("in_h", in_h), ("in_w", in_w), ("out_h", out_h),
                ("out_w", out_w), ("depth", depth))
    ins, outs = (op.inputs[0],), (op.outputs[0],)
    if op.kind == "RESIZE_NEAREST_NEIGHBOR":
        rows, cols = nearest_indices(out_h, in_h, align, half), nearest_indices(out_w, in_w, align, half)
        return KernelCall(
            op_index=op.index, kind=op.kind, kernel="resize_nearest_neighbor",
            params=(*geometry, ("rows", ConstRef("rows")), ("cols", ConstRef("cols"))),
            inputs=ins, outputs=outs,
            consts=(ConstArray("rows", "int32_t", tuple(rows)), ConstArray("cols", "int32_t", tuple(cols))))
    y0, y1, fy = bilinear_taps(out_h, in_h, align, half)
    x0, x1, fx = bilinear_taps(out_w, in_w, align, half)
    names = ("y0", "y1", "fy", "x0", "x1", "fx")
    arrays = (y0, y1, fy, x0, x1, fx)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="resize_bilinear",
        params=(*geometry, *((n, ConstRef(n)) for n in names)),
        inputs=ins, outputs=outs,
        consts=tuple(ConstArray(n, "int32_t", tuple(a)) for n, a in zip(names, arrays)))
