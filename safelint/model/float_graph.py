"""The shipped int8 classifier as a float graph, for GPUs.

The shipped ``model.onnx`` is quantised with onnxruntime's ``quantize_dynamic``: every weight
matrix is int8 and every activation is quantised at run time, per batch
(``DynamicQuantizeLinear`` → ``MatMulInteger`` → ``Cast`` → ``Mul`` by the two scales).  That is
the fast form on a CPU and the slow one on a GPU, where onnxruntime's CUDA provider runs the
integer ops poorly or not at all, and where per-batch activation scales would make a text's
scores depend on its neighbours (so the runtime would have to run one chunk at a time).

:func:`float_weights` rewrites each such chain into one float ``MatMul`` whose weight is the
dequantised int8 weight, ``(W_q - zero_point) * scale``: the same weights the CPU uses, without
activation quantisation.  Scores then differ from the CPU's by the activation rounding only
(BENCHMARKS.md §10 measures by how much), and do not depend on the batch beyond float rounding,
so a GPU can batch.  Needs the ``onnx`` package (in the ``gpu`` extra); no torch.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


class FloatGraphError(ValueError):
    """The model is not the dynamic-int8 form this rewrite knows."""


def _dequantized(init: dict[str, Any], wq: str, zp: str, scale: str) -> Any:
    """The float initializer ``(W_q - zero_point) * scale`` of the int8 weight ``wq``."""
    import numpy as np
    from onnx import numpy_helper

    w = numpy_helper.to_array(init[wq]).astype(np.float32)
    z = numpy_helper.to_array(init[zp]).astype(np.float32)
    s = numpy_helper.to_array(init[scale]).astype(np.float32)
    return numpy_helper.from_array((w - z) * s, name=wq.removesuffix("_quantized") + "_dequantized")


def float_weights(model_bytes: bytes) -> bytes:
    """``model_bytes`` (a ``quantize_dynamic`` int8 model) with every integer matrix product made a
    float ``MatMul`` on the dequantised weights; nodes left without consumers are dropped.

    Raises :class:`FloatGraphError` when no chain is found or one does not have the expected shape."""
    try:
        import onnx
        from onnx import helper
    except ImportError:
        raise FloatGraphError("the float graph for GPUs needs the onnx package: pip install 'safelint[gpu]'") from None
    from google.protobuf.message import DecodeError  # onnx's own dependency

    try:
        model = onnx.load_from_string(model_bytes)
    except (DecodeError, ValueError) as e:
        raise FloatGraphError(f"not an ONNX model ({type(e).__name__})") from None
    g = model.graph
    init = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    consumers: dict[str, list[Any]] = defaultdict(list)
    for n in g.node:
        for i in n.input:
            consumers[i].append(n)

    replace: dict[int, Any] = {}  # id of the final Mul -> the MatMul that takes its place
    drop: set[int] = set()
    new_inits = []
    for mm in [n for n in g.node if n.op_type == "MatMulInteger"]:
        xq, wq, _xzp, wzp = list(mm.input) + [""] * (4 - len(mm.input))
        dql = producer.get(xq)
        casts = consumers[mm.output[0]]
        if (dql is None or dql.op_type != "DynamicQuantizeLinear" or wq not in init or wzp not in init
                or len(casts) != 1 or casts[0].op_type != "Cast"):
            raise FloatGraphError(f"unexpected integer matrix product {mm.name or mm.output[0]}")
        muls = consumers[casts[0].output[0]]
        if len(muls) != 1 or muls[0].op_type != "Mul":
            raise FloatGraphError(f"no scale after {mm.name or mm.output[0]}")
        mul = muls[0]
        scale_in = next(i for i in mul.input if i != casts[0].output[0])
        scales = producer.get(scale_in)  # Mul(activation scale, weight scale)
        wscale = [i for i in (scales.input if scales is not None and scales.op_type == "Mul" else []) if i in init]
        if len(wscale) != 1:
            raise FloatGraphError(f"no weight scale for {mm.name or mm.output[0]}")
        w = _dequantized(init, wq, wzp, wscale[0])
        new_inits.append(w)
        replace[id(mul)] = helper.make_node("MatMul", [dql.input[0], w.name], list(mul.output),
                                            name=(mm.name or mm.output[0]) + "_float")
        drop.update((id(mm), id(casts[0])))
    if not replace:
        raise FloatGraphError("no int8 matrix product found: not a quantize_dynamic model")

    nodes = [replace.get(id(n), n) for n in g.node if id(n) not in drop]
    nodes = _live(nodes, [o.name for o in g.output])
    used = {i for n in nodes for i in n.input}
    del g.node[:]
    g.node.extend(nodes)
    kept = [t for t in g.initializer if t.name in used] + [t for t in new_inits if t.name in used]
    del g.initializer[:]
    g.initializer.extend(kept)
    return model.SerializeToString()


def _live(nodes: list[Any], outputs: list[str]) -> list[Any]:
    """The nodes some graph output depends on, in their order."""
    producer = {o: k for k, n in enumerate(nodes) for o in n.output}
    keep: set[int] = set()
    todo = [producer[o] for o in outputs if o in producer]
    while todo:
        k = todo.pop()
        if k in keep:
            continue
        keep.add(k)
        todo.extend(producer[i] for i in nodes[k].input if i in producer)
    return [n for k, n in enumerate(nodes) if k in keep]
