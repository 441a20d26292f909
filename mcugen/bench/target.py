"""What `mcugen bench` / `mcugen flash` work on: a built project (mcugen.json, the firmware ELF)
and the int8 model the firmware was generated from (the oracle runs it)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from mcugen.boards import Board, load_board
from mcugen.errors import BoardError, McugenError, ModelLoadError


@dataclass(frozen=True)
class ProjectInfo:
    path: Path
    board: str
    bench_env: str
    model_sha256: str
    # (region, arena + state bytes there) for a board with several RAM regions (mcugen.json)
    ram_regions: tuple[tuple[str, int], ...] = ()
    # a firmware of several models: (name, .tflite file in the project, sha256) of each, in order
    models: tuple[tuple[str, str, str], ...] = ()

    @property
    def elf(self) -> Path:
        return self.path / ".pio" / "build" / self.bench_env / "firmware.elf"

    def tflite(self) -> Path | None:
        """The int8 model stored in the project, if the build kept one."""
        found = sorted(p for p in self.path.glob("*.tflite"))
        return found[0] if found else None


def read_project(path: str | Path) -> ProjectInfo:
    path = Path(path)
    manifest = path / "mcugen.json"
    if not manifest.is_file():
        raise McugenError(f"{path} is not a project built by mcugen (no mcugen.json)",
                          hint="build one first: mcugen build MODEL --board B -o DIR")
    try:
        doc = json.loads(manifest.read_text())
        regions = tuple((r["name"], int(r["arena"]) + int(r["state"])) for r in doc.get("regions", ())
                        if int(r["arena"]) + int(r["state"]))
        models = tuple((m.get("name") or m["prefix"], m.get("model") or "", m["model_sha256"])
                       for m in doc.get("models", ()))
        return ProjectInfo(path.resolve(), doc["board"], doc["envs"]["bench"], doc.get("model_sha256", ""),
                           regions, models)
    except (ValueError, KeyError) as exc:
        raise McugenError(f"{manifest} is unreadable or incomplete ({exc})",
                          hint="rebuild the project with mcugen build") from exc


def project_board(project: ProjectInfo, board_name: str | None) -> Board:
    if board_name and board_name != project.board:
        raise BoardError(f"{project.path} was built for {project.board}, not {board_name}",
                         hint=f"use --board {project.board}, or build the model for {board_name}")
    return load_board(project.board)


def load_model(model_path: str | Path | None, project: ProjectInfo | None) -> tuple[bytes, str]:
    """(int8 .tflite bytes, model name) from MODEL, else from the project."""
    from mcugen.convert.tflite_reader import is_tflite

    path = Path(model_path) if model_path else (project.tflite() if project else None)
    if path is None:
        raise McugenError("no model to check the board's outputs against",
                          hint="pass the int8 .tflite the firmware was built from (mcugen bench MODEL ...)")
    if not path.is_file():
        raise ModelLoadError(f"model file {path} does not exist")
    data = path.read_bytes()
    if not is_tflite(data):
        raise ModelLoadError(f"{path.name} is not a .tflite model; the bench checks against the int8 "
                             ".tflite the firmware was generated from",
                             hint="convert it first (mcugen convert MODEL -o model.tflite), or pass "
                                  "the project built from it with --project")
    from mcugen.canonicalise.batch import fix_dynamic_batch

    data, _ = fix_dynamic_batch(data)  # as pipeline.load built it (it warned then)
    if project and project.model_sha256 and hashlib.sha256(data).hexdigest() != project.model_sha256:
        raise McugenError(f"{path.name} is not the model {project.path.name} was built from",
                          hint="pass the matching model, or rebuild the project from this one")
    return data, path.stem


def load_models(model_paths: Sequence[str | Path], project: ProjectInfo | None) -> list[tuple[bytes, str]]:
    """(int8 .tflite bytes, model name) of each model to bench: the MODELs given, else the
    project's. In a project of several models every MODEL given must be one of them."""
    if not project or not project.models:
        if len(model_paths) > 1:
            raise McugenError(f"{len(model_paths)} models given, but "
                              + (f"{project.path} was built from one" if project else "no project to bench them in"),
                              hint="bench a firmware built from all of them: mcugen build A B --board B, "
                                   "then mcugen bench --project DIR")
        return [load_model(model_paths[0] if model_paths else None, project)]
    if not model_paths:
        found = []
        for name, file, _sha in project.models:
            if not file or not (project.path / file).is_file():
                raise McugenError(f"{project.path} does not hold the model {name} ({file or 'no file'})",
                                  hint="pass the int8 .tflite files it was built from")
            found.append((load_model(project.path / file, None)[0], name))
        return found
    out = []
    shas = {sha: name for name, _file, sha in project.models}
    for path in model_paths:
        data, stem = load_model(path, None)
        if hashlib.sha256(data).hexdigest() not in shas:
            raise McugenError(f"{Path(path).name} is not one of the models {project.path.name} was built from "
                              f"({', '.join(shas.values())})",
                              hint="pass one of its models, or rebuild the project with this one")
        out.append((data, stem))
    return out


def require_elf(project: ProjectInfo) -> Path:
    if not project.elf.is_file():
        raise McugenError(f"{project.path} has no built bench firmware ({project.elf} is missing)",
                          hint=f"build it: pio run -d {project.path} -e {project.bench_env} "
                               "(mcugen build does this for emulated boards)")
    return project.elf
