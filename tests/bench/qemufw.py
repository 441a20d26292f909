"""Build a model's PlatformIO project for an emulated board with the build stage's functions,
as `mcugen build` does (generate, render, pio run), for tests and the performance table."""
from __future__ import annotations

from pathlib import Path

from mcugen.boards import load_board
from mcugen.project.pio import run_pio
from mcugen.project.files import Project, render_project, selftest_data
from mcugen.codegen import generate_sources
from mcugen import pipeline
from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph


def build_bench_project(model_path: Path, board_name: str, out: Path) -> Project:
    data = Path(model_path).read_bytes()
    graph = read_graph(data, name=Path(model_path).stem)
    calls = lower_graph(graph)
    board = load_board(board_name)
    sources = generate_sources(graph, pipeline.plan(graph, calls), calls)
    project = render_project(out, sources, board, selftest_data(data, graph, samples=[]), graph)
    run_pio(project.path, [project.bench_env], out.parent / f"{out.name}.pio.log")
    return project
