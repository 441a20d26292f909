"""One MicroPython module holding several models: its files, its bindings (an index per model),
and the host side of `mcugen bench --micropython` checking each model against its own
tflite-micro (without MicroPython: a report as bench.py prints it)."""
from __future__ import annotations

import json
import re
import zlib

import numpy as np
import pytest

from mcugen.errors import DeviceError, McugenError
from mcugen.micropython.mpbench import (check_models_report, lcg_pattern, load_manifest,
                                        parse_models_report)
from mcugen.oracle import TflmOracle

from .helpers import MODELS, INT8_MODELS, build_models_folder


@pytest.fixture(scope="module")
def pair_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("mpy") / "pair"
    return out, build_models_folder(["hello_world", "ad"], "nucleo_f401re", out, module="pair")


def test_one_module_of_two_models(pair_folder):
    out, project = pair_folder
    assert project.module == "pair"
    natmod = (out / "natmod/Makefile").read_text()
    sources = re.search(r"^SRC = ((?:.*\\\n)*.*)$", natmod, re.M).group(1).replace("\\\n", " ").split()
    assert sources[0] == "pair_mpy.c" and sorted(sources) == sorted(p.name for p in (out / "natmod").glob("*.c"))
    assert {"hello_world.c", "ad_weights.c", "mg_models.c"} <= set(sources)
    glue = (out / "natmod/pair_mpy.c").read_text()
    assert "case 1: return ad_invoke();" in glue and "MP_REGISTER_MODULE(MP_QSTR_pair, pair_mpy_module);" in glue
    assert (out / "usercmodule/pair/pair_mpy.c").read_text() == glue
    manifest = load_manifest(out)
    assert [m["prefix"] for m in manifest["models"]] == ["hello_world", "ad"] and not manifest["concurrent"]
    for m in manifest["models"]:
        assert (out / m["model"]).read_bytes() == (MODELS / INT8_MODELS[m["prefix"]]).read_bytes()
    for name in ("bench.py", "mcugen_io.py"):
        compile((out / name).read_text(), name, "exec")
    assert "mcugen_io.model(pair" in (out / "README.md").read_text()


def test_module_and_model_names_must_differ(tmp_path):
    with pytest.raises(McugenError, match="both named 'ad'"):
        build_models_folder(["hello_world", "ad"], "unix", tmp_path / "x", module="ad")


def _report(manifest, seed: int, outputs, checksum: str | None = None) -> str:
    """What bench.py of a module of several models prints, for these outputs."""
    lines = ["noise before", "mcugen-mpy-bench 2", f"module {manifest['module']}", "source firmware",
             f"seed {seed}", "import_bytes 1234"]
    for i, (m, outs) in enumerate(zip(manifest["models"], outputs)):
        lines += [f"model {i} {m['prefix']} {m['sha256']}", f"ticks_us {i} 5 6 7"]
        lines += [f"output {i} {k} {o.hex()}" for k, o in enumerate(outs)]
    lines += [f"checksum {checksum or format(zlib.adler32(b''.join(o for outs in outputs for o in outs)), '08x')}",
              "end"]
    return "\r\n".join(lines)


def test_each_model_is_checked_against_its_own_oracle(pair_folder):
    out, _ = pair_folder
    manifest = load_manifest(out)
    seed = 3
    outputs = []
    for i, m in enumerate(manifest["models"]):  # bench.py's inputs: seed + 16 * model + input
        tflite = (out / m["model"]).read_bytes()
        from mcugen.convert.tflite_reader import read_graph

        graph = read_graph(tflite)
        ins = [np.frombuffer(lcg_pattern(graph.tensor(t).nbytes, seed + 16 * i + k), np.int8)
               .reshape(graph.tensor(t).shape) for k, t in enumerate(graph.inputs)]
        outputs.append([np.ascontiguousarray(y).tobytes() for y in TflmOracle(tflite).run(ins)])
    results = check_models_report(*parse_models_report(_report(manifest, seed, outputs)), out, manifest)
    assert [r.model for r in results] == ["hello_world", "ad"] and all(r.exact for r in results)
    assert results[1].ticks_us == (5, 6, 7) and results[1].as_json()["model"] == "ad"
    bad = [outputs[0], [bytes([outputs[1][0][0] ^ 1]) + outputs[1][0][1:]]]
    results = check_models_report(*parse_models_report(_report(manifest, seed, bad)), out, manifest)
    assert results[0].exact and not results[1].exact and results[1].mismatched_bytes == (1,)
    swapped = dict(manifest, models=manifest["models"][::-1])
    with pytest.raises(DeviceError, match="holds the models hello_world, ad"):
        check_models_report(*parse_models_report(_report(manifest, seed, outputs)), out, swapped)
    with pytest.raises(DeviceError, match="stopped early"):
        parse_models_report(_report(manifest, seed, outputs).replace("\r\nend", ""))
    assert json.loads(json.dumps(results[0].as_json()))["exact"]
