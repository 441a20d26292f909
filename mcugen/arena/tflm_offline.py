"""Write a plan into a .tflite as TFLite Micro's `OfflineMemoryAllocation` metadata.

TFLM then places every planned tensor at the given offset of its arena head instead of running
its own greedy planner. Its kernels cannot take aliasing, so only plans made without in-place
reuse (every tensor its own bytes, 16-byte rounding, TFLM's lifetimes) are accepted here.
The buffer is little-endian int32: [version 0, subgraph count, tensor count, offset per tensor],
-1 for tensors TFLM should plan itself (constants).
"""
from __future__ import annotations

import struct

from mcugen.errors import ArenaError

METADATA_NAME = "OfflineMemoryAllocation"


def offline_offsets(num_tensors: int, plan) -> list[int]:
    """The per-tensor offset table for the model's only subgraph."""
    if plan.inplace:
        raise ArenaError("TFLite Micro cannot honour a plan with in-place reuse",
                         hint="plan with inplace=False (mcugen plan --no-inplace) for --tflm-offline")
    if plan.scratch_offsets:
        raise ArenaError("TFLite Micro plans its kernels' scratch itself",
                         hint="make the offline plan without scratch buffers")
    if plan.align % 16:
        raise ArenaError(f"TFLite Micro needs 16-byte alignment; the plan uses {plan.align}",
                         hint="plan with --align 16 (or a multiple of 16)")
    table = [-1] * num_tensors
    for tid, off in plan.tensor_offsets.items():
        table[tid] = off
    return table


def with_offline_plan(model: bytes, plan) -> bytes:
    """`model` with its OfflineMemoryAllocation metadata replaced by `plan`'s offsets."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    m = schema.ModelT.InitFromPackedBuf(bytearray(model), 0)
    if len(m.subgraphs or []) != 1:
        raise ArenaError("offline plans are written for single-subgraph models only")
    table = offline_offsets(len(m.subgraphs[0].tensors or []), plan)
    blob = struct.pack(f"<3i{len(table)}i", 0, 1, len(table), *table)
    buf = schema.BufferT()
    buf.data = list(blob)
    m.buffers = list(m.buffers or []) + [buf]
    entry = schema.MetadataT()
    entry.name = METADATA_NAME
    entry.buffer = len(m.buffers) - 1
    kept = [md for md in (m.metadata or []) if _name(md.name) != METADATA_NAME]
    m.metadata = kept + [entry]
    builder = flatbuffers.Builder(len(model) + len(blob) + 1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _name(name) -> str:
    return name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name or "")
