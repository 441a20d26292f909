"""mcugen generate and the generated library: files, API, rules, errors, cross-compilation."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from mcugen.cli import main
from mcugen.codegen import firmware_dir, generate_sources
from mcugen import pipeline
from mcugen.convert.tflite_reader import read_graph
from mcugen.errors import UnsupportedOp
from mcugen.ir import Graph, Op, Quant, Tensor
from mcugen.ops import lower_graph

MODELS = Path(__file__).resolve().parents[2] / "../shared/models"
KWS = MODELS / "kws/kws_ref_model.tflite"
HELLO = MODELS / "hello_world/hello_world_int8.tflite"


def _generate(path: Path, prefix: str = "model", inplace: bool = True):
    graph = read_graph(path.read_bytes())
    calls = lower_graph(graph)
    plan = pipeline.plan(graph, calls, inplace=inplace)
    return graph, plan, generate_sources(graph, plan, calls, prefix=prefix)


def test_generate_cli_writes_library_and_size_report(tmp_path, capsys):
    out = tmp_path / "lib"
    assert main(["generate", str(KWS), "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    names = {p.name for p in out.iterdir()}
    assert {"model.h", "model.c", "model_weights.c", "mg_types.h"} <= names
    # only the kernels KWS uses, each with its header
    assert sorted(report["kernels"]) == sorted(["average_pool_2d_s8.c", "conv_2d_s8.c", "depthwise_conv_2d_s8.c",
                                                "fully_connected_s8.c", "softmax_s8.c"])
    assert {k for k in names if k.endswith(".c")} == {"model.c", "model_weights.c", *report["kernels"]}
    assert {k[:-2] + ".h" for k in report["kernels"]} <= names
    # weights are at least the model's constant int8/int32 data it references; code is small
    graph = read_graph(KWS.read_bytes())
    assert report["weights_bytes"] > 20_000
    assert 1_000 < report["code_bytes"] < 20_000
    assert report["arena_bytes"] >= 8000  # the largest activation of KWS
    assert report["model_sha256"] == graph.sha256


def test_generate_output_is_deterministic_and_carries_provenance():
    _, _, a = _generate(KWS)
    _, _, b = _generate(KWS)
    assert a.files == b.files
    graph = read_graph(KWS.read_bytes())
    for name, text in a.files.items():
        assert graph.sha256 in text, name
        assert "mcugen" in text.splitlines()[0]
        assert not re.search(r"20\d\d-\d\d-\d\d", text), f"{name} has a timestamp"


def test_header_follows_the_c_api():
    graph, plan, src = _generate(KWS, prefix="kws")
    h = src.files["model.h"]
    for decl in ("#define KWS_NUM_INPUTS 1", "#define KWS_NUM_OUTPUTS 1", "#define KWS_NUM_LAYERS 13",
                 f"#define KWS_ARENA_BYTES {plan.size}", f'#define KWS_MODEL_SHA256 "{graph.sha256}"',
                 "extern const mg_tensor_info kws_input_info[KWS_NUM_INPUTS];",
                 "extern const char *const kws_layer_names[KWS_NUM_LAYERS];",
                 "extern uint8_t kws_arena[KWS_ARENA_BYTES];",
                 "int8_t *kws_input(int index);", "int8_t *kws_output(int index);", "int kws_invoke(void);"):
        assert decl in h
    c = src.files["model.c"]
    assert c.count("MG_LAYER_BEGIN(") == 13 + 1  # 13 layers + the default definition
    assert "static uint8_t" not in c  # the arena is a non-static global


def test_bad_prefix_is_refused(tmp_path, capsys):
    assert main(["generate", str(HELLO), "-o", str(tmp_path / "x"), "--name", "9lives"]) == 2
    assert "not a valid C identifier" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def _toy_graph(kinds: list[str]) -> Graph:
    q = Quant((0.1,), (0,))
    tensors = [Tensor(i, f"t{i}", (1, 4), "INT8", q) for i in range(len(kinds) + 1)]
    ops = tuple(Op(i, k, 2, (i,), (i + 1,), {}) for i, k in enumerate(kinds))
    return Graph(tuple(tensors), ops, (0,), (len(kinds),))


def test_every_unsupported_op_is_named_at_once():
    graph = _toy_graph(["CUSTOM:TFLite_Detection_PostProcess", "RESHAPE", "WHILE", "L2_NORMALIZATION"])
    with pytest.raises(UnsupportedOp) as err:
        lower_graph(graph)
    text = str(err.value)
    assert "op 0 CUSTOM:TFLite_Detection_PostProcess v2" in text
    assert "op 2 WHILE v2" in text and "op 3 L2_NORMALIZATION v2" in text
    assert "op 1" not in text
    assert "CONV_2D" in err.value.hint and "SOFTMAX" in err.value.hint


def test_unsupported_model_writes_nothing(tmp_path, capsys):
    """A model with an op mcugen lacks: exit 2, one error line, and no output directory."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(bytearray(HELLO.read_bytes()), 0)
    for code in model.operatorCodes:  # pretend the dense layers are a kind we have no kernel for
        code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.L2_NORMALIZATION
    builder = flatbuffers.Builder(4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(bytes(builder.Output()))
    out = tmp_path / "lib"
    assert main(["generate", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "op 0 L2_NORMALIZATION" in err and "op 2 L2_NORMALIZATION" in err
    assert not out.exists()


@pytest.mark.parametrize("target,cc,flags", [
    ("cortex-m4", "arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-Os"]),
    ("rv32", "riscv64-unknown-elf-gcc", ["-march=rv32imc", "-mabi=ilp32", "--specs=picolibc.specs", "-O2"]),
])
def test_cross_compiles_warning_free_without_writable_statics(target, cc, flags, tmp_path):
    """Every kernel and the generated code of two models build with -Werror for both MCU ISAs,
    and the only writable data is the arena."""
    for model in (KWS, MODELS / "ic/pretrainedResnet_quant.tflite"):
        out = tmp_path / model.stem
        out.mkdir()
        _, _, src = _generate(model)
        src.write(out)
        for c_file in ["model.c", "model_weights.c", *src.kernels]:
            obj = out / (c_file[:-2] + ".o")
            proc = subprocess.run([cc, *flags, "-std=c99", "-Wall", "-Wextra", "-Werror", "-Wshadow",
                                   "-Wconversion", "-Wno-sign-conversion", "-c", str(out / c_file),
                                   "-o", str(obj), f"-I{out}"], capture_output=True, text=True)
            assert proc.returncode == 0 and not proc.stderr, f"{target} {c_file}:\n{proc.stderr}"
            nm = subprocess.run([cc.replace("gcc", "nm"), str(obj)], capture_output=True, text=True).stdout
            writable = [line for line in nm.splitlines() if line.split()[-2:][0] in "bBdDcC"]
            assert all(line.endswith("model_arena") for line in writable), f"{c_file}: {writable}"
    # every kernel of the library, also those no shared model uses (MAX_POOL_2D, ...)
    fw = firmware_dir()
    for kernel in sorted((fw / "kernels").glob("*.c")):
        obj = tmp_path / (kernel.stem + ".o")
        proc = subprocess.run([cc, *flags, "-std=c99", "-Wall", "-Wextra", "-Werror", "-c", str(kernel),
                               "-o", str(obj), f"-I{fw / 'include'}"], capture_output=True, text=True)
        assert proc.returncode == 0 and not proc.stderr, f"{target} {kernel.name}:\n{proc.stderr}"
        nm = subprocess.run([cc.replace("gcc", "nm"), str(obj)], capture_output=True, text=True).stdout
        assert not [line for line in nm.splitlines() if line.split()[-2:][0] in "bBdDcC"], kernel.name


def test_arena_arrays_take_the_boards_alignment(shared_models):
    """nucleo_h743zi plans offsets to its 32-byte D-cache line: the arrays' bases must be too."""
    from mcugen import pipeline

    graph = pipeline.load(shared_models / "hello_world/hello_world_int8.tflite").graph
    h7 = pipeline.generate(graph, pipeline.Target.for_board("nucleo_h743zi")).sources.files["model.c"]
    m4 = pipeline.generate(graph, pipeline.Target.for_board("netduinoplus2")).sources.files["model.c"]
    assert "MG_ALIGNED(32) " in h7 and "MG_ALIGNED(32) " not in m4 and "MG_ALIGNED(16) " in m4
