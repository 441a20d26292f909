"""Every kernel with scratch has a C twin `int32_t mg_<kernel>_s8_scratch_bytes(const mg_<kernel>_params *p)`
(CMSIS-NN's `_get_buffer_size`) that computes, from the params struct alone, the bytes Python's lowering
puts in `KernelCall.scratch_bytes`.

Checked on the generated code of every shared int8 model with every kernel variant, plus a small graph
for what no shared model has (MAX_POOL_2D, grouped 1x1 CONV_2D) and KWS with int4 weights (the `_s4`
kernels): a host program includes model.c and prints each layer's twin, which must equal Python's number."""
from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mcugen.codegen import firmware_dir, generate_sources
from mcugen import pipeline
from mcugen.convert.tflite_reader import read_graph
from mcugen.ir import Graph, Op, Quant, Tensor
from mcugen.ops.base import KernelCall
from mcugen.ops.variants import VARIANTS

MODELS_DIR = Path(__file__).resolve().parents[2] / "../shared/models"
MODELS = ("kws/kws_ref_model.tflite", "vww/vww_96_int8.tflite", "ic/pretrainedResnet_quant.tflite",
          "ad/ad01_int8.tflite", "hello_world/hello_world_int8.tflite")
SMALL = "small:max_pool_2d+grouped_conv_2d+clamped_depthwise+depthwise_1x3"
INT4 = "int4:kws/kws_ref_model.tflite"  # the int4-weight kernels (_s4, and the dsp variant's)
CASES = MODELS + (SMALL, INT4)

_TWIN_DECL = re.compile(r"^int32_t mg_(\w+)_s8_scratch_bytes\(const mg_(\w+)_params \*p\);$", re.M)
_SCRATCH_FIELD = re.compile(r"^\s*int8_t \*scratch;", re.M)
_STRUCT = re.compile(r"^typedef struct \{(.*?)^\} (\w+);", re.M | re.S)
_ALIAS = re.compile(r"^typedef (\w+) (\w+);", re.M)
_INCLUDE = re.compile(r'^#include "([^"]+)"', re.M)

def _small_graph() -> Graph:
    """input (1,6,5,4) -> MAX_POOL_2D 2x2/2 SAME -> (1,3,3,4) -> CONV_2D 1x1, 2 groups -> (1,3,3,6);
    the pooled tensor also -> DEPTHWISE_CONV_2D 3x3 RELU6 (a clamp: the general DSP kernel) and
    -> DEPTHWISE_CONV_2D 1x3 (the DSP rows kernel)."""
    rng = np.random.default_rng(7)
    act = Quant((0.05,), (3,))
    weights = rng.integers(-127, 128, (6, 1, 1, 2), dtype=np.int8)
    tensors = (
        Tensor(0, "in", (1, 6, 5, 4), "INT8", act),
        Tensor(1, "pooled", (1, 3, 3, 4), "INT8", act),
        Tensor(2, "w", weights.shape, "INT8", Quant((0.02,) * 6, (0,) * 6, 0), weights.tobytes()),
        Tensor(3, "b", (6,), "INT32", None, rng.integers(-500, 500, 6, dtype=np.int32).tobytes()),
        Tensor(4, "out", (1, 3, 3, 6), "INT8", Quant((0.1,), (-5,))),
        Tensor(5, "dw", (1, 3, 3, 4), "INT8", Quant((0.02,) * 4, (0,) * 4, 3),
               rng.integers(-127, 128, (1, 3, 3, 4), dtype=np.int8).tobytes()),
        Tensor(6, "dwb", (4,), "INT32", None, rng.integers(-500, 500, 4, dtype=np.int32).tobytes()),
        Tensor(7, "dwout", (1, 3, 3, 4), "INT8", Quant((0.1,), (-5,))),
        Tensor(8, "dw13", (1, 1, 3, 4), "INT8", Quant((0.02,) * 4, (0,) * 4, 3),
               rng.integers(-127, 128, (1, 1, 3, 4), dtype=np.int8).tobytes()),
        Tensor(9, "dw13out", (1, 3, 3, 4), "INT8", Quant((0.1,), (-5,))),
    )
    ops = (
        Op(0, "MAX_POOL_2D", 1, (0,), (1,), {"padding": "SAME", "stride_h": 2, "stride_w": 2, "filter_height": 2,
                                             "filter_width": 2, "fused_activation_function": "NONE"}),
        Op(1, "CONV_2D", 1, (1, 2, 3), (4,), {"padding": "VALID", "stride_h": 1, "stride_w": 1,
                                              "dilation_h_factor": 1, "dilation_w_factor": 1,
                                              "fused_activation_function": "NONE"}),
        Op(2, "DEPTHWISE_CONV_2D", 1, (1, 5, 6), (7,), {"padding": "SAME", "stride_h": 1, "stride_w": 1,
                                                        "dilation_h_factor": 1, "dilation_w_factor": 1,
                                                        "depth_multiplier": 1,
                                                        "fused_activation_function": "RELU6"}),
        Op(3, "DEPTHWISE_CONV_2D", 1, (1, 8, 6), (9,), {"padding": "SAME", "stride_h": 1, "stride_w": 1,
                                                        "dilation_h_factor": 1, "dilation_w_factor": 1,
                                                        "depth_multiplier": 1,
                                                        "fused_activation_function": "NONE"}),
    )
    return Graph(tensors, ops, (0,), (4, 7, 9))


@functools.lru_cache(maxsize=None)
def _graph(case: str) -> Graph:
    if case == SMALL:
        return _small_graph()
    int4 = case.startswith("int4:")
    path = (MODELS_DIR / case.removeprefix("int4:")).resolve()
    assert path.is_file(), f"{path} is missing: the tests need ../shared/models next to the repository"
    if int4:
        from mcugen.convert.int4_weights import to_int4_weights

        return read_graph(to_int4_weights(path.read_bytes()))
    return read_graph(path.read_bytes())


@functools.lru_cache(maxsize=None)
def _calls(case: str, variant: str) -> tuple[KernelCall, ...]:
    return pipeline.lower(_graph(case), variant)  # with the arena's step loads (int16 weights)


def _visible(header: Path) -> str:
    """The header's text and that of the firmware headers it includes, transitively (kernels of
    one family share a header: mg_pool_2d.h declares the pools' params and twins)."""
    seen, todo, texts = set(), [header.name], []
    while todo:
        name = todo.pop()
        path = firmware_dir() / "include" / name
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        texts.append(path.read_text())
        todo += _INCLUDE.findall(texts[-1])
    return "\n".join(texts)


def _kernel_headers() -> dict[str, str]:
    """{kernel: the text its <kernel>_s8.h makes visible}."""
    return {h.name[:-len("_s8.h")]: _visible(h) for h in (firmware_dir() / "include").glob("*_s8.h")}


def _header_twins() -> set[str]:
    """Kernels whose header declares a scratch twin (taking that kernel's own params struct)."""
    twins = set()
    headers = _kernel_headers()
    for kernel, text in headers.items():
        declared = _TWIN_DECL.findall(text)
        assert all(k == params and k in headers for k, params in declared), f"{kernel}_s8.h: {declared}"
        twins |= {k for k, _ in declared if k == kernel}
    return twins


def _params_struct(kernel: str, text: str) -> str:
    """The body of mg_<kernel>_params, through typedef aliases (mg_max_pool_2d_params is mg_pool_2d_params)."""
    structs = {name: body for body, name in _STRUCT.findall(text)}
    aliases = {alias: target for target, alias in _ALIAS.findall(text)}
    name = f"mg_{kernel}_params"
    while name in aliases:
        name = aliases[name]
    assert name in structs, f"{kernel}_s8.h: no struct for mg_{kernel}_params"
    return structs[name]


def test_params_structs_resolve_through_aliases():
    """The static check below reads the struct a kernel's params type names, also through a typedef."""
    headers = _kernel_headers()
    assert "left_shift" in _params_struct("sub", headers["sub"])  # mg_sub_params is mg_add_sub_params
    assert _SCRATCH_FIELD.search(_params_struct("max_pool_2d", headers["max_pool_2d"]))
    assert not _SCRATCH_FIELD.search(_params_struct("softmax", headers["softmax"]))


def _kernels_with_scratch_field() -> set[str]:
    return {kernel for kernel, text in _kernel_headers().items()
            if _SCRATCH_FIELD.search(_params_struct(kernel, text))}


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("case", CASES)
def test_c_twin_equals_python_scratch_bytes(case, variant, tmp_path):
    graph, calls = _graph(case), list(_calls(case, variant))
    plan = pipeline.plan(graph, calls)
    calls = list(pipeline.grow(graph, calls, plan))  # scratch grown where the plan leaves room
    src = generate_sources(graph, plan, calls)
    src.write(tmp_path)
    with_scratch = [c for c in calls if c.scratch_bytes > 0]
    functions = sorted({c.function for c in with_scratch})
    body = [f'    printf("{c.op_index} %ld\\n", (long){c.function}_scratch_bytes(&model_l{c.op_index}_params));'
            for c in with_scratch]
    body += [f'    printf("{f} %ld\\n", (long){f}_scratch_bytes(NULL));' for f in functions]
    (tmp_path / "twins.c").write_text('#include <stdio.h>\n\n#include "model.c"\n\nint main(void)\n{\n'
                                      + "\n".join(body) + "\n    return 0;\n}\n")
    exe = tmp_path / "twins"
    proc = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", f"-I{tmp_path}", "-o", str(exe),
                           str(tmp_path / "twins.c"), str(tmp_path / "model_weights.c"),
                           *(str(tmp_path / k) for k in src.kernels)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split()
    printed = dict(zip(out[::2], (int(v) for v in out[1::2])))
    expected = {str(c.op_index): c.scratch_bytes for c in with_scratch} | {f: -1 for f in functions}
    assert printed == expected, {c.op_index: c.kernel for c in with_scratch}


def test_every_kernel_with_scratch_has_a_twin_and_every_twin_is_checked():
    twins = _header_twins()
    # statically: every params struct with a scratch pointer comes with a twin
    assert _kernels_with_scratch_field() == twins
    # dynamically: the kernels that get scratch in the cases above are exactly those, so each
    # twin is compared with Python and a new kernel with scratch but no twin fails here
    used = {c.kernel for case in CASES for v in VARIANTS for c in _calls(case, v) if c.scratch_bytes > 0}
    assert used == twins
