"""Per-op lowering: one module per TFLite op in `mcugen/ops/builtin/` (KINDS, check, lower;
copy `builtin/_template.py`), and the helpers they share here. See docs/design.md.

Every module of `builtin` lands in `REGISTRY` (kind -> module) automatically, so adding an op
touches no shared file.
`unsupported_reason` is what `inspect` and the code generator ask; `lower_graph` lowers a whole
graph or names every unsupported op at once.
"""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from mcugen.errors import UnsupportedOp
from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall

def _discover() -> dict[str, ModuleType]:
    from mcugen.ops import builtin

    registry: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(builtin.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{builtin.__name__}.{info.name}")
        for kind in module.KINDS:  # an op module without KINDS is a bug: fail at import
            registry[kind] = module
    return registry


# kind -> op module
REGISTRY: dict[str, ModuleType] = _discover()


def supported_kinds() -> list[str]:
    return sorted(REGISTRY)


def unsupported_reason(graph: Graph, op: Op) -> str | None:
    """None when mcugen can generate code for `op`, else a short reason."""
    module = REGISTRY.get(op.kind)
    if module is None:
        return "no mcugen kernel yet"
    empty = _empty_output(graph, op)
    if empty is not None:
        return empty
    return module.check(graph, op)


def _empty_output(graph: Graph, op: Op) -> str | None:
    """tflite-micro refuses a model where an op writes a tensor with a dimension of 0 or less
    ("dynamic tensors are not supported"; the legacy scalar shape [0] excepted), so mcugen does."""
    for tid in op.outputs:
        shape = graph.tensor(tid).shape if tid >= 0 else ()
        if tuple(shape) != (0,) and any(d <= 0 for d in shape):
            return (f"output '{graph.tensor(tid).name}' has shape {list(shape)}: tflite-micro refuses "
                    f"empty and dynamic tensors")
    return None


def input_value_range(graph: Graph, tid: int) -> tuple[int, int] | None:
    """[low, high) of the values model input `tid` may take, where an op reading it restricts
    them (an op module's optional `input_range(graph, op, tid)`: GATHER's positions); else None.
    What the self-test and the bench draw random inputs from."""
    for op in graph.ops:
        module = REGISTRY.get(op.kind)
        value_range = getattr(module, "input_range", None)
        found = value_range(graph, op, tid) if value_range is not None else None
        if found is not None:
            return found
    return None


def unsupported_ops(graph: Graph) -> list[str]:
    """One line per op mcugen cannot generate code for, in execution order, e.g.
    'op 0 UNIDIRECTIONAL_SEQUENCE_LSTM v1: no mcugen kernel yet'."""
    problems = []
    for op in graph.ops:
        reason = unsupported_reason(graph, op)
        if reason is not None:
            problems.append(f"op {op.index} {op.kind} v{op.version}: {reason}")
    return problems


def lower_graph(graph: Graph) -> list[KernelCall]:
    """Lower every op in execution order; raise UnsupportedOp naming all problems at once."""
    problems = unsupported_ops(graph)
    if problems:
        raise UnsupportedOp(problems, supported_kinds(), model=graph.name)
    return [REGISTRY[op.kind].lower(graph, op) for op in graph.ops]
