"""Int8 .tflite -> the same model with INT4 weights (TFLite's packed INT4 tensors).

The pinned TensorFlow converter does not emit INT4 weights from a plain Keras model, so mcugen
makes them from its int8 model: the CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED filters are
re-quantized per output channel (per tensor for FULLY_CONNECTED, which
tflite-micro refuses per channel in int4), symmetric, to [-7, 7] (from the int8 values: the float weights
TensorFlow quantized), the int32 bias re-scaled to input_scale * new filter scale, and the filter
packed two per byte, low nibble first, into a new buffer (the object API of the LiteRT schema).
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import pack_int4

INT4_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")
# the axis of the output channel in each op's filter
_CHANNEL_AXIS = {"CONV_2D": 0, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 0}


def to_int4_weights(model: bytes) -> bytes:
    """`model` (int8, flatbuffer bytes) with its CONV/DEPTHWISE/FC int8 filters as INT4."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    m = schema.ModelT.InitFromPackedBuf(bytearray(model), 0)
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    buffers = list(m.buffers or [])
    done: set[int] = set()
    users: dict[int, int] = {}  # buffer -> tensors reading it (a buffer of one is rewritten in place)
    for sg in m.subgraphs or []:
        for t in sg.tensors or []:
            users[t.buffer] = users.get(t.buffer, 0) + 1
    for sg in m.subgraphs or []:
        for o in sg.operators or []:
            code = m.operatorCodes[o.opcodeIndex]
            kind = names.get(max(int(code.builtinCode), int(code.deprecatedBuiltinCode)))
            if kind not in INT4_OPS or len(o.inputs) < 2 or o.inputs[1] < 0 or o.inputs[1] in done:
                continue
            filt = sg.tensors[o.inputs[1]]
            data = buffers[filt.buffer].data if 0 < filt.buffer < len(buffers) else None
            if filt.type != schema.TensorType.INT8 or data is None or not len(data) or filt.quantization is None:
                continue
            axis = _CHANNEL_AXIS[kind]
            q8 = np.asarray(data, dtype=np.uint8).view(np.int8).reshape(filt.shape).astype(np.float64)
            old = np.asarray(filt.quantization.scale, dtype=np.float64)
            zps = np.asarray(filt.quantization.zeroPoint if filt.quantization.zeroPoint is not None
                             else [0] * old.size, dtype=np.float64)
            channels = filt.shape[axis]
            bshape = [1] * q8.ndim
            bshape[axis] = channels
            old_c = np.broadcast_to(old, (channels,)) if old.size == 1 else old
            zp_c = np.broadcast_to(zps, (channels,)) if zps.size == 1 else zps
            real = (q8 - zp_c.reshape(bshape)) * old_c.reshape(bshape)
            peak = np.max(np.abs(np.moveaxis(real, axis, 0).reshape(channels, -1)), axis=1)
            if kind == "FULLY_CONNECTED":  # tflite-micro refuses per-channel int4 dense weights
                peak = np.full(channels, peak.max())
            new = np.where(peak > 0, peak / 7.0, old_c).astype(np.float32)
            q4 = np.clip(np.round(real / new.astype(np.float64).reshape(bshape)), -7, 7).astype(np.int8)
            _store(filt, buffers, users, pack_int4(q4))
            filt.type = schema.TensorType.INT4
            kept = 1 if kind == "FULLY_CONNECTED" else channels
            filt.quantization.scale = [float(s) for s in new[:kept]]
            filt.quantization.zeroPoint = [0] * kept
            filt.quantization.quantizedDimension = axis
            done.add(o.inputs[1])
            if len(o.inputs) > 2 and o.inputs[2] >= 0:
                _rescale_bias(sg.tensors[o.inputs[2]], buffers, users, old_c, new.astype(np.float64), kept)
    m.buffers = buffers
    builder = flatbuffers.Builder(len(model) + 1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _store(tensor, buffers, users: dict[int, int], data: bytes) -> None:
    """`data` as `tensor`'s buffer: in place when only it reads the buffer, else a new one."""
    from ai_edge_litert import schema_py_generated as schema

    if users.get(tensor.buffer, 0) == 1:
        buffers[tensor.buffer].data = list(data)
        return
    users[tensor.buffer] -= 1
    buf = schema.BufferT()
    buf.data = list(data)
    buffers.append(buf)
    tensor.buffer = len(buffers) - 1
    users[tensor.buffer] = 1


def _rescale_bias(bias, buffers, users, old: np.ndarray, new: np.ndarray, kept: int) -> None:
    """int32 bias quantized with input_scale * old filter scale -> with input_scale * new."""
    from ai_edge_litert import schema_py_generated as schema

    data = buffers[bias.buffer].data if 0 < bias.buffer < len(buffers) else None
    if bias.type != schema.TensorType.INT32 or data is None or not len(data):
        return
    b = np.asarray(data, dtype=np.uint8).view(np.int32).astype(np.float64)
    scaled = np.clip(np.round(b * old / new), -2**31, 2**31 - 1).astype(np.int32)
    _store(bias, buffers, users, scaled.tobytes())
    if bias.quantization is not None and bias.quantization.scale is not None:
        in_scale = float(bias.quantization.scale[0]) / float(old[0])
        bias.quantization.scale = [in_scale * float(s) for s in new[:kept]]
        bias.quantization.zeroPoint = [0] * kept
