"""Per-op lowering: one module per TFLite op (check, lower, scratch_bytes). See docs/design.md.

The registry below is filled in by the op modules; `unsupported_reason` is what `inspect` and the
code generator ask.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op

# kind -> op module (filled as kernels land)
REGISTRY: dict = {}


def unsupported_reason(graph: Graph, op: Op) -> str | None:
    """None when mcugen can generate code for `op`, else a short reason."""
    module = REGISTRY.get(op.kind)
    if module is None:
        return f"no mcugen kernel for {op.kind}"
    return module.check(graph, op)
