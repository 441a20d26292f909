"""One module per TFLite builtin op: every module here is an op module (copy `_template.py`).

Each defines `KINDS` (the builtin names it lowers), `check(graph, op) -> str | None` and
`lower(graph, op) -> KernelCall`; `mcugen.ops.REGISTRY` finds them all, so adding an op touches
no shared file. The helpers they share live one level up (`mcugen/ops/*.py`).
"""
