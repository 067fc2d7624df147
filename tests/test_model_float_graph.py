"""The float graph the runtime runs on a GPU (safelint.model.float_graph).

No GPU here: the rewrite and the runtime's CUDA branch run on onnxruntime's CPU provider, with the
classifier told that CUDA is active.  Skips without onnx/onnxruntime or without the shipped model.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from safelint.model import ModelError
from safelint.model import runtime as rt

MODELS = Path(__file__).resolve().parent.parent / "models"
TEXTS = ["An elderly Asian woman with blue eyes.", "A red car parked on the street.", "", "<image>",
         "The overweight man in a white shirt sits on an old bench.", "How old is the boy on the left?",
         "I'm sorry, I can't tell a person's race from a photo.", "Ein älterer Mann mit blauen Augen.",
         "A young woman with blue eyes smiles. " * 40]


def _shipped_bytes() -> bytes:
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    if not (MODELS / "model.onnx").is_file():
        pytest.skip("no shipped model in models/")
    return (MODELS / "model.onnx").read_bytes()


def test_rewrite_leaves_no_integer_ops_and_keeps_the_scores() -> None:
    import onnx

    from safelint.model.float_graph import float_weights

    raw = _shipped_bytes()
    g = onnx.load_from_string(float_weights(raw)).graph
    ops = {n.op_type for n in g.node}
    assert "MatMulInteger" not in ops and "DynamicQuantizeLinear" not in ops and "MatMul" in ops
    assert [o.name for o in g.output] == [o.name for o in onnx.load_from_string(raw).graph.output]
    onnx.checker.check_model(onnx.load_from_string(float_weights(raw)))


def _on_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the classifier believe onnxruntime's CUDA provider is active (the session still runs on CPU)."""
    monkeypatch.setattr(rt.LeakClassifier, "device", property(lambda self: "cuda"))


def test_runtime_runs_the_float_graph_on_cuda(monkeypatch: pytest.MonkeyPatch) -> None:
    _shipped_bytes()
    cpu = rt.LeakClassifier(MODELS, providers=["CPUExecutionProvider"], threads=1)
    assert cpu.graph == "int8" and cpu.batch_invariant and cpu.batch_size == 32
    _on_cuda(monkeypatch)
    gpu = rt.LeakClassifier(MODELS, providers=["CPUExecutionProvider"], threads=1)
    assert gpu.graph.startswith("float") and not gpu.batch_invariant and gpu.batch_size == 256
    kept = rt.LeakClassifier(MODELS, providers=["CPUExecutionProvider"], threads=1, float_on_gpu=False)
    assert kept.graph == "int8" and kept.batch_invariant

    a, f = cpu.predict(TEXTS), gpu.predict(TEXTS)
    # same weights, activations not rounded to int8: close scores, same obvious decisions
    assert all(abs(x[k] - y[k]) < 0.15 for x, y in zip(a, f) for k in x)
    assert gpu.decide(f[0]) >= {"age", "gender"} and not gpu.decide(f[1]) & {"age", "gender", "race"}
    # batches of other sizes and neighbours change the scores by float rounding only
    one = gpu.predict(TEXTS, batch_size=1)
    mixed = gpu.predict(list(reversed(TEXTS)), batch_size=3)[::-1]
    assert all(abs(x[k] - y[k]) < 1e-4 and abs(x[k] - z[k]) < 1e-4 for x, y, z in zip(f, one, mixed) for k in x)


def test_not_a_dynamic_int8_model_is_refused() -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    from safelint.model.float_graph import FloatGraphError, float_weights

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])
    w = helper.make_tensor("w", TensorProto.FLOAT, [2, 2], [1.0, 0.0, 0.0, 1.0])
    plain = helper.make_model(helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x], [y], [w]))
    with pytest.raises(FloatGraphError, match="no int8 matrix product"):
        float_weights(plain.SerializeToString())
    with pytest.raises(FloatGraphError, match="not an ONNX model"):
        float_weights(b"not really onnx")
    assert onnx.load_from_string(plain.SerializeToString())  # the plain model itself is fine


def test_missing_onnx_is_a_clear_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _shipped_bytes()
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    _on_cuda(monkeypatch)
    with pytest.raises(ModelError, match=r"onnx package.*safelint\[gpu\]"):
        rt.LeakClassifier(MODELS, providers=["CPUExecutionProvider"], threads=1)
