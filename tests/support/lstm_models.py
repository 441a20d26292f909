"""Synthetic UNIDIRECTIONAL_SEQUENCE_LSTM models, written as flatbuffers with random weights and
quantization: what TensorFlow's converter cannot make (16x8, no cell clip, a sigmoid cell gate,
the LSTM variants tflite-micro refuses) or makes only slowly (one conversion per shape).

The tensors follow TFLite's 24-input layout (tflite-micro's lstm_shared.h): 0 input; 1-4 input
weights and 5-8 recurrent weights of the input, forget, cell and output gates; 9-11 peephole;
12-15 gate biases; 16-17 projection; 18 output state and 19 cell state (variable tensors);
20-23 layer-norm coefficients.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GATES = ("input", "forget", "cell", "output")


@dataclass(frozen=True)
class LstmSpec:
    input_size: int = 6
    state_size: int = 4
    batch: int = 1
    steps: int = 3
    time_major: bool = False
    int16: bool = False  # 16x8: int16 activations and states, int64 biases
    cell_clip: float = 10.0  # 0: no clipping
    activation: str = "TANH"  # the cell gate's, TFLite's fused activation name
    cell_scale_log2: int = -11  # the cell state's scale, 2^cell_scale_log2
    cell_scale_factor: float = 1.0  # != 1: a cell scale that is not a power of two
    gain: float = 2.0  # typical |gate pre-activation| (real units): large values saturate
    seed: int = 0
    extra: dict = field(default_factory=dict)  # tensor slot -> "peephole", "projection", ...


def _quant(schema, scale: float | list[float], zero_point: int | list[int] = 0, axis: int = 0):
    q = schema.QuantizationParametersT()
    q.scale = list(scale) if isinstance(scale, list) else [float(scale)]
    q.zeroPoint = list(zero_point) if isinstance(zero_point, list) else [int(zero_point)]
    q.quantizedDimension = axis
    return q


def lstm_model(spec: LstmSpec, per_channel_slot: int | None = None, weight_zero_point: int = 0,
               hidden_shape_1d: bool = False, bias_type: str | None = None, omit: tuple[int, ...] = (),
               cell_type: str = "INT16") -> bytes:
    """One UNIDIRECTIONAL_SEQUENCE_LSTM op as a model. Scales are drawn so that gate
    pre-activations are around `spec.gain` (sigmoid and tanh neither flat nor saturated); the
    keyword arguments make the invalid variants the refusal tests need."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    rng = np.random.default_rng(spec.seed)
    act_type, act_dtype = ("INT16", np.int16) if spec.int16 else ("INT8", np.int8)
    bias_type = bias_type or ("INT64" if spec.int16 else "INT32")
    bias_dtype = {"INT32": np.int32, "INT64": np.int64}[bias_type]
    tt = schema.TensorType
    tensors, buffers = [], [schema.BufferT()]

    def add(name, dtype, shape, quant=None, data=None, variable=False) -> int:
        t = schema.TensorT()
        t.name, t.type, t.shape, t.quantization, t.isVariable = name, getattr(tt, dtype), list(shape), quant, variable
        t.buffer = 0
        if data is not None:
            b = schema.BufferT()
            b.data = list(np.ascontiguousarray(data).tobytes())
            buffers.append(b)
            t.buffer = len(buffers) - 1
        tensors.append(t)
        return len(tensors) - 1

    n_in, n_state = spec.input_size, spec.state_size
    qmax = 32767 if spec.int16 else 127
    in_scale = float(rng.uniform(0.005, 0.05)) * (127 / qmax)
    in_zp = 0 if spec.int16 else int(rng.integers(-40, 40))
    hidden_scale = float(rng.uniform(0.5, 1.5)) / qmax
    hidden_zp = 0 if spec.int16 else int(rng.integers(-20, 20))
    in_std = in_scale * qmax / 1.7  # uniform input over the whole type
    hidden_std = 0.5  # a tanh times a sigmoid
    inputs = [-1] * 24
    in_shape = (spec.steps, spec.batch, n_in) if spec.time_major else (spec.batch, spec.steps, n_in)
    inputs[0] = add("input", act_type, in_shape, _quant(schema, in_scale, in_zp))
    for slot in range(1, 9):
        recurrent = slot >= 5
        cols = n_state if recurrent else n_in
        w = rng.integers(-127, 128, (n_state, cols)).astype(np.int8)
        if weight_zero_point:
            w = np.clip(w.astype(np.int32) + weight_zero_point, -128, 127).astype(np.int8)
        # sum of `cols` products of w (sd ~73 levels) with the input: real sd gain
        scale = spec.gain / (73.0 * np.sqrt(cols) * (hidden_std if recurrent else in_std))
        if per_channel_slot == slot:
            scales = list(scale * rng.uniform(0.5, 1.5, n_state))
            q = _quant(schema, scales, [0] * n_state)
        else:
            q = _quant(schema, scale, weight_zero_point)
        inputs[slot] = add(f"{GATES[(slot - 1) % 4]}_{'recurrent' if recurrent else 'input'}_weights",
                           "INT8", w.shape, q, w)
    for slot in range(12, 16):
        w_scale = tensors[inputs[slot - 11]].quantization.scale[0]
        bias_scale = in_scale * w_scale
        bias = np.round(rng.normal(0, spec.gain / 2, n_state) / bias_scale).astype(bias_dtype)
        inputs[slot] = add(f"{GATES[slot - 12]}_bias", bias_type, (n_state,), _quant(schema, bias_scale), bias)
    state_shape = (spec.batch * n_state,) if hidden_shape_1d else (spec.batch, n_state)
    inputs[18] = add("output_state", act_type, state_shape, _quant(schema, hidden_scale, hidden_zp), variable=True)
    cell_scale = 2.0 ** spec.cell_scale_log2 * spec.cell_scale_factor
    inputs[19] = add("cell_state", cell_type, state_shape, _quant(schema, cell_scale), variable=True)
    for slot, what in spec.extra.items():
        shape = (n_state, n_state) if what == "projection_weights" else (n_state,)
        dtype = "INT8" if what in ("projection_weights", "peephole") else ("INT16" if what == "layer_norm" else bias_type)
        data = rng.integers(-100, 100, shape).astype({"INT8": np.int8, "INT16": np.int16, "INT32": np.int32,
                                                      "INT64": np.int64}[dtype])
        inputs[slot] = add(what, dtype, shape, _quant(schema, 0.01), data)
    for slot in omit:
        inputs[slot] = -1
    out_shape = (spec.steps, spec.batch, n_state) if spec.time_major else (spec.batch, spec.steps, n_state)
    output = add("output", act_type, out_shape, _quant(schema, hidden_scale, hidden_zp))

    options = schema.UnidirectionalSequenceLSTMOptionsT()
    options.fusedActivationFunction = getattr(schema.ActivationFunctionType, spec.activation)
    options.cellClip, options.timeMajor = float(spec.cell_clip), bool(spec.time_major)
    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, inputs, [output]
    op.builtinOptionsType = schema.BuiltinOptions.UnidirectionalSequenceLSTMOptions
    op.builtinOptions = options
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM
    code.version = 1
    graph = schema.SubGraphT()
    graph.tensors, graph.inputs, graph.outputs, graph.operators = tensors, [inputs[0]], [output], [op]
    model = schema.ModelT()
    model.version, model.operatorCodes, model.subgraphs, model.buffers = 3, [code], [graph], buffers
    model.description = "mcugen test LSTM"
    builder = flatbuffers.Builder(4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
