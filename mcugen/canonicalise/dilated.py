"""SPACE_TO_BATCH_ND -> CONV_2D/DEPTHWISE_CONV_2D -> BATCH_TO_SPACE_ND is one dilated convolution.

TensorFlow lowers a dilated Conv1D/Conv2D (and DepthwiseConv2D) that way: pad the input (by the
SAME padding plus what makes it divisible by the block), split it into block-many phases, run an
undilated VALID convolution on each, interleave them again and crop. Each output pixel is the
same sum of the same products, so the one dilated convolution is bit-exact with it. Views between
the stages (Conv1D's EXPAND_DIMS and RESHAPE) are allowed.

The padding: tflite-micro's SPACE_TO_BATCH_ND pads with int8 0, not the zero point (TFLite's
reference kernels pad with the zero point; tflite-micro is the oracle). With input zero point 0
that is what a SAME/VALID convolution's out-of-image taps read, so the padding and crops become
the dilated convolution's SAME or VALID padding; otherwise a PADV2 with the constant int8 0 pads
the input as tflite-micro does and the dilated convolution is VALID."""
from __future__ import annotations

from dataclasses import replace

from mcugen.canonicalise.graphs import VIEWS, const_array, new_tensor, rebuild, same_quant, sole_consumer, view
import numpy as np

from mcugen.ir import Graph, Op, Tensor

CONVS = ("CONV_2D", "DEPTHWISE_CONV_2D")


def _follow_views(graph: Graph, tid: int) -> tuple[list[Op], int, Op | None]:
    """The views read from `tid` one after another, the tensor after them and the op reading it."""
    chain: list[Op] = []
    op = sole_consumer(graph, tid)
    while op is not None and op.kind in VIEWS and op.inputs[0] == tid:
        chain.append(op)
        tid = op.outputs[0]
        op = sole_consumer(graph, tid)
    return chain, tid, op


def _padding(size: int, k: int, block: int, pads, crops) -> tuple[set[str], int, int]:
    """Along one spatial axis: which of SAME/VALID the dilated convolution needs to equal the
    padded, split, convolved, joined and cropped one (empty: neither), and the explicit padding
    (before, after) that makes it a VALID one (negative: none does)."""
    pl, pr = int(pads[0]), int(pads[1])
    cl, cr = int(crops[0]), int(crops[1])
    padded = size + pl + pr
    if min(pl, pr, cl, cr) < 0 or padded % block:
        return set(), -1, -1
    span = (k - 1) * block
    out, before = padded - span - cl - cr, pl - cl
    found = set()
    if before == 0 and out == size - span and out > 0:
        found.add("VALID")
    if out == size and before == span // 2:
        found.add("SAME")
    return found, before, pr - cr


def _match(graph: Graph, s2b: Op):
    """(ops replaced, new ops, new tensors) for the pattern starting at `s2b`, or None."""
    if len(s2b.inputs) != 3:
        return None
    x = graph.tensor(s2b.inputs[0])
    block, pads = const_array(graph, s2b.inputs[1]), const_array(graph, s2b.inputs[2])
    if block is None or pads is None or block.ndim != 1 or pads.shape != (len(block), 2):
        return None
    m = len(block)
    if m not in (1, 2) or len(x.shape) != m + 2 or x.shape[0] != 1:
        return None
    before, conv_in, conv = _follow_views(graph, s2b.outputs[0])
    if conv is None or conv.kind not in CONVS or conv.inputs[0] != conv_in:
        return None
    o = conv.options
    if (o.get("padding") != "VALID" or o.get("stride_h", 1) != 1 or o.get("stride_w", 1) != 1
            or o.get("dilation_h_factor", 1) != 1 or o.get("dilation_w_factor", 1) != 1):
        return None
    after, b2s_in, b2s = _follow_views(graph, conv.outputs[0])
    if b2s is None or b2s.kind != "BATCH_TO_SPACE_ND" or b2s.inputs[0] != b2s_in or len(b2s.inputs) != 3:
        return None
    block2, crops = const_array(graph, b2s.inputs[1]), const_array(graph, b2s.inputs[2])
    if block2 is None or crops is None or block2.tolist() != block.tolist() or crops.shape != (m, 2):
        return None
    cin, filt, y = graph.tensor(conv_in), graph.tensor(conv.inputs[1]), graph.tensor(b2s.outputs[0])
    s2b_out, cout = graph.tensor(s2b.outputs[0]), graph.tensor(conv.outputs[0])
    if len(cin.shape) != 4 or len(filt.shape) != 4 or len(y.shape) != m + 2 or y.shape[0] != 1:
        return None
    if not (same_quant(x, s2b_out) and same_quant(x, cin) and same_quant(cout, y)):
        return None
    # which conv axes (1 = H, 2 = W) the block's spatial axes are
    if m == 2:
        axes = (1, 2)
    elif cin.shape[1] == 1 and cin.shape[2] == s2b_out.shape[1]:
        axes = (2,)
    elif cin.shape[2] == 1 and cin.shape[1] == s2b_out.shape[1]:
        axes = (1,)
    else:
        return None
    if cin.shape[3] != x.shape[-1]:
        return None
    b2s_src = graph.tensor(b2s_in)
    # the views only add or drop the unit axis: the spatial sizes go through them unchanged
    if ([cin.shape[a] for a in axes] != list(s2b_out.shape[1:-1])
            or [cout.shape[a] for a in axes] != list(b2s_src.shape[1:-1])
            or len(b2s_src.shape) != m + 2 or cout.shape[3] != b2s_src.shape[-1]):
        return None
    in_hw, out_hw, dil = [1, 1], [1, 1], [1, 1]
    choices, explicit = {"SAME", "VALID"}, []
    for i, axis in enumerate(axes):
        k = filt.shape[axis]
        found, before_i, after_i = _padding(x.shape[1 + i], k, int(block[i]), pads[i], crops[i])
        choices &= found
        explicit.append((before_i, after_i))
        in_hw[axis - 1], out_hw[axis - 1], dil[axis - 1] = x.shape[1 + i], y.shape[1 + i], int(block[i])
        if x.shape[1 + i] + before_i + after_i - (k - 1) * int(block[i]) != y.shape[1 + i]:
            explicit[-1] = (-1, -1)
    for axis in (1, 2):  # an axis the block leaves alone must be one the convolution leaves alone
        if axis not in axes and (cin.shape[axis] != 1 or filt.shape[axis] != 1):
            return None
    tensors = list(graph.tensors)
    pad_ops: list[Op] = []
    if any(zp != 0 for zp in x.quant.zero_points) and any(p != (0, 0) for p in explicit):
        if any(min(p) < 0 for p in explicit):
            return None
        padded = tuple(n + b + a for n, (b, a) in zip(x.shape[1:-1], explicit))
        for i, axis in enumerate(axes):
            in_hw[axis - 1] = padded[i]
        pad_ops.append(_zero_pad(tensors, x, explicit, padded))
        x = tensors[pad_ops[0].outputs[0]]
        padding = "VALID"
    elif any(zp != 0 for zp in x.quant.zero_points):
        padding = "VALID"
    elif choices:
        padding = "VALID" if "VALID" in choices else "SAME"
    else:
        return None
    xin = x.id if len(x.shape) == 4 else new_tensor(tensors, x, (1, *in_hw, x.shape[-1]), "dilated_in")
    out_shape = (1, *out_hw, y.shape[-1])
    yout = y.id if y.shape == out_shape else new_tensor(tensors, cout, out_shape, "dilated_out")
    options = dict(o, padding=padding, dilation_h_factor=dil[0], dilation_w_factor=dil[1])
    new = replace(conv, inputs=(xin, *conv.inputs[1:]), outputs=(yout,), options=options)
    ops = (pad_ops + ([view(x.id, xin)] if xin != x.id else []) + [new]
           + ([view(yout, y.id)] if yout != y.id else []))
    return {s2b.index, conv.index, b2s.index, *(v.index for v in before + after)}, ops, tensors


def _zero_pad(tensors: list[Tensor], x: Tensor, explicit: list[tuple[int, int]], padded: tuple[int, ...]) -> Op:
    """PADV2 of `x` by `explicit` (per spatial axis) with the int8 constant 0, as tflite-micro's
    SPACE_TO_BATCH_ND pads; appends its constants and output to `tensors`."""
    rows = [(0, 0), *explicit, (0, 0)]
    pads = Tensor(len(tensors), f"{x.name}/dilated_paddings", (len(rows), 2), "INT32", None,
                  np.array(rows, dtype=np.int32).tobytes())
    tensors.append(pads)
    zero = Tensor(len(tensors), f"{x.name}/dilated_pad_value", (), "INT8", x.quant, b"\x00")
    tensors.append(zero)
    out = new_tensor(tensors, x, (x.shape[0], *padded, x.shape[-1]), "dilated_padded")
    return Op(-1, "PADV2", 1, (x.id, pads.id, zero.id), (out,), {})


def fuse_dilated(graph: Graph) -> Graph:
    for s2b in graph.ops:
        if s2b.kind != "SPACE_TO_BATCH_ND":
            continue
        found = _match(graph, s2b)
        if found is None:
            continue
        gone, new_ops, tensors = found
        ops: list[Op] = []
        for op in graph.ops:
            if op.index == s2b.index:
                ops.extend(new_ops)
            elif op.index not in gone:
                ops.append(op)
        return rebuild(graph, ops, tensors)  # one at a time: the fixpoint loop finds the next
    return graph
