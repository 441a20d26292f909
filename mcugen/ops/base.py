"""What every op module produces: a `KernelCall`, plain data the code generator renders.

An op module (`mcugen/ops/<op>.py`) exposes:
  KINDS: tuple[str, ...]              TFLite builtin names it handles, e.g. ("CONV_2D",)
  check(graph, op) -> str | None      None when supported, else a short reason (version, option, dtype)
  lower(graph, op) -> KernelCall      all float -> int math, done once, here

Parameter values in `KernelCall.params` are ints or one of the references below; the code
generator turns references into C symbols (weights arrays, arena pointers), so op modules never
know symbol names or arena offsets.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class TensorRef:
    """Pointer to a constant tensor of the graph (weights, bias), emitted once in model_weights.c."""

    tensor_id: int


@dataclass(frozen=True)
class ConstRef:
    """Pointer to one of this call's own constant arrays (`KernelCall.consts`, by name)."""

    name: str


@dataclass(frozen=True)
class ScratchRef:
    """Pointer to this call's scratch buffer in the arena (`KernelCall.scratch_bytes` long)."""


@dataclass(frozen=True)
class NullRef:
    """A NULL pointer (an omitted optional input, e.g. a missing bias)."""


@dataclass(frozen=True)
class FunctionRef:
    """A pointer to a library function chosen at generate time (declared in the kernel's header),
    e.g. the variant of a shared loop a layer needs: the firmware links only the ones named."""

    name: str


# an int, a small fixed-size int array field (a tuple, e.g. broadcast strides) or a pointer
ParamValue = Union[int, tuple, TensorRef, ConstRef, ScratchRef, NullRef, FunctionRef]


@dataclass(frozen=True)
class ConstArray:
    """A per-call constant array computed by lowering (per-channel multipliers, shifts, tables)."""

    name: str  # unique within the call, a C identifier fragment
    ctype: str  # "int32_t", "int16_t", "int8_t", "uint8_t" or "float"
    values: tuple[int, ...] | tuple[float, ...]


def _kernel_name(pattern: str) -> property:
    """A KernelCall property: `pattern` with the call's kernel name and type suffix in it."""
    return property(lambda call: pattern.format(k=call.kernel, t=call.type_suffix),
                    doc=pattern.format(k="<kernel>", t="<type>"))


@dataclass(frozen=True)
class KernelCall:
    """One op, lowered: which kernel, its params struct contents, its tensors and its scratch.

    The kernel is `mg_<kernel>_<type>` in `firmware/kernels/<kernel>_<type>.c` (type "s8" for
    int8 activations, "s16" for int16 ones), its params struct `mg_<kernel>_params` (int8) or
    `mg_<kernel>_<type>_params` declared in `firmware/include/<kernel>_<type>.h`, called as
    `mg_<kernel>_<type>(&params, inputs..., outputs...)`. `inputs` are the tensors passed as
    `const` pointers (activations, or constant tensors the kernel reads like activations);
    weights the kernel reads through its params go in `params` as `TensorRef`s instead.
    `state` are persistent state tensors (graph.state_ids) the kernel reads and updates, passed
    as writable pointers after the inputs and before the outputs.
    A `view` call has no code when the plan puts its output at its input's offset; otherwise
    it copies `nbytes` (the `copy` kernel).
    """

    op_index: int
    kind: str  # TFLite builtin name, e.g. "FULLY_CONNECTED"
    kernel: str  # "fully_connected" -> mg_fully_connected_s8
    params: tuple[tuple[str, ParamValue], ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    consts: tuple[ConstArray, ...] = ()
    scratch_bytes: int = 0
    view: bool = False
    type_suffix: str = "s8"  # the activation type the kernel works on: "s8" or "s16"
    state: tuple[int, ...] = ()

    # the names the kernel's C side goes by, e.g. for "fully_connected" on int8
    function = _kernel_name("mg_{k}_{t}")  # mg_fully_connected_s8
    header = _kernel_name("{k}_{t}.h")  # fully_connected_s8.h, in firmware/include
    source = _kernel_name("{k}_{t}.c")  # fully_connected_s8.c, in firmware/kernels

    @property
    def params_type(self) -> str:
        """mg_fully_connected_params for int8 kernels, mg_fully_connected_s16_params otherwise."""
        if self.type_suffix == "s8":
            return f"mg_{self.kernel}_params"
        return f"mg_{self.kernel}_{self.type_suffix}_params"

    def param(self, name: str) -> ParamValue:
        for key, value in self.params:
            if key == name:
                return value
        raise KeyError(name)

    def const(self, name: str) -> tuple[int, ...]:
        """The integer values of this call's constant array `name`."""
        for arr in self.consts:
            if arr.name == name:
                return tuple(int(v) for v in arr.values)
        raise KeyError(name)
