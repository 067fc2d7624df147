"""The leakage classifier at run time: onnxruntime + tokenizers, no torch.

    from safelint.model import load_model
    clf = load_model()                      # the shipped model, CPU unless the gpu extra is installed
    clf.providers                           # what onnxruntime actually runs on
    clf.predict(["A young woman smiles."])  # [{"age": 0.98, "gender": 0.99, ...}]

Files (``models/`` in a checkout, ``safelint/models/`` in an installed wheel):

- ``model.onnx``: int8 (dynamic quantisation) multi-label sentence classifier, logits of the
  labels in ``labels.json``;
- ``tokenizer.json``: the ``tokenizers`` file of the base model;
- ``labels.json``: labels, per-label thresholds, ``max_len``, base model, training metadata;
- ``SHA256SUMS``: ``<sha256>  <file>`` lines, checked when the model is loaded.

Long texts are cut into chunks of at most ``max_len`` tokens (sentences packed together, an
over-long sentence cut between words), scored separately; a text's score for a label is the
highest score of its chunks.  Chunks are sorted by length before batching so padding stays
small.

Batch invariance: int8 dynamic quantisation picks one activation scale per tensor, i.e. per
*batch*, so with batching a text's scores would depend on which other texts share its batch
(up to ~0.3 logit here).  A linter's findings must not depend on file order, so for a
dynamically quantised model each chunk runs alone by default (``batch_invariant=True``): the
scores of a text are then identical whatever the batch size or the neighbours, at ~2/3 of the
batched throughput on CPU.  ``batch_invariant=False`` batches (faster, slightly order-dependent).

GPU: when onnxruntime's CUDA provider is active (the ``gpu`` extra and a visible GPU), the int8
graph is rewritten into a float graph on the same, dequantised weights
(:mod:`safelint.model.float_graph`; ``float_on_gpu=False`` keeps the int8 graph).  Its activations are
not quantised, so it batches (``batch_size`` 256 by default) with scores that depend on the
batch by float rounding only; they differ from the CPU's int8 scores by the activation rounding
(on an H200, all seven decisions the same for 98.4 % of sentences, each label's for ≥ 99.6 %;
BENCHMARKS.md §10).  ``clf.graph`` says which graph runs.

Score cache: in batch-invariant mode a chunk's scores depend only on its model input (the chunk's
text, with the question prefix for human turns), so they are kept in a bounded LRU cache keyed by
that string (``cache_size`` entries, default 32,768; 0 turns it off): LLaVA-style data repeats
sentences and whole answers.  Cached and fresh scores are the same floats.  Batched mode is not
cached (its scores depend on the neighbours).

Threads: ``threads`` sets onnxruntime's intra-op threads (default: onnxruntime's choice, one per
physical core); inter-op is 1 (the graph is sequential).  ``spin=False`` stops the intra-op
workers from spin-waiting between runs (``session.intra_op.allow_spinning=0``), which frees the
CPU for other work on a busy machine but costs latency: on 2 idle cores, 2 threads with spinning
ran the hybrid's chunks at ~3.3 ms each, without spinning ~4.3 ms, 1 thread ~5.3 ms.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safelint.model.text import chunk_spans, model_input, sentences

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
LABELS_FILE = "labels.json"
SUMS_FILE = "SHA256SUMS"
INSTALL_HINT = "pip install 'safelint[cpu]' (or 'safelint[gpu]' for onnxruntime-gpu; install exactly one)"

# In order of preference.  TensorRT is left out: it does not run the shipped int8 graph's dynamically
# quantised activations (MatMulInteger/DynamicQuantizeLinear), and the float graph used on CUDA
# (float_graph.py) has not been measured under it (CUDA alone gave ~29k sentences/s on an H200).
DEFAULT_PROVIDERS = ("CUDAExecutionProvider", "CPUExecutionProvider")


class ModelError(RuntimeError):
    """The classifier cannot be used: missing files, bad checksum, missing onnxruntime."""


def default_model_dir() -> Path:
    """The shipped model: inside the wheel (safelint/models) or models/ of a checkout."""
    env = os.environ.get("SAFELINT_MODEL_DIR")
    if env:
        return Path(env)
    packaged = Path(__file__).resolve().parent.parent / "models"
    if (packaged / LABELS_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "models"


def model_digest(model_dir: str | Path) -> str:
    """Short digest of a model directory's SHA256SUMS (weights, tokenizer, labels and thresholds):
    names the exact classifier in reports."""
    p = Path(model_dir) / SUMS_FILE
    return hashlib.sha256(p.read_bytes()).hexdigest()[:10] if p.is_file() else "unknown"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_sums(model_dir: Path) -> dict[str, str]:
    p = model_dir / SUMS_FILE
    if not p.is_file():
        raise ModelError(f"model checksum file missing: {p}")
    out = {}
    for line in p.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            out[name.strip().lstrip("*")] = digest.lower()
    return out


def verify(model_dir: Path) -> None:
    """Check every file listed in SHA256SUMS (and that the three needed files are listed)."""
    sums = read_sums(model_dir)
    for name in (MODEL_FILE, TOKENIZER_FILE, LABELS_FILE):
        if name not in sums:
            raise ModelError(f"{model_dir / SUMS_FILE} has no checksum for {name}")
    for name, digest in sums.items():
        p = model_dir / name
        if not p.is_file():
            raise ModelError(f"model file missing: {p} (reinstall safelint or rebuild the model, see train/README.md)")
        got = sha256_file(p)
        if got != digest:
            raise ModelError(f"model file corrupt: {p}: sha256 {got} does not match {digest} in {SUMS_FILE}")


def import_ort() -> Any:
    try:
        import onnxruntime as ort
    except ImportError:
        raise ModelError(f"the classifier needs onnxruntime: {INSTALL_HINT}") from None
    if not hasattr(ort, "InferenceSession"):  # leftover of uninstalling one of onnxruntime/onnxruntime-gpu
        raise ModelError("onnxruntime is broken (both onnxruntime and onnxruntime-gpu were installed?): "
                         "pip uninstall -y onnxruntime onnxruntime-gpu, then " + INSTALL_HINT)
    return ort


def select_providers(wanted: Sequence[str], available: Sequence[str]) -> list[str]:
    """``wanted`` ∩ ``available``, in the order of ``wanted``; CPU is always the last resort."""
    chosen = [p for p in wanted if p in available]
    if "CPUExecutionProvider" not in chosen and "CPUExecutionProvider" in available:
        chosen.append("CPUExecutionProvider")
    if not chosen:
        raise ModelError(f"none of the execution providers {list(wanted)} is available (onnxruntime has "
                         f"{list(available)})")
    return chosen


@dataclass(frozen=True)
class Chunk:
    index: int  # of the text in the call
    start: int  # character span in the text
    end: int
    scores: dict[str, float]


class LeakClassifier:
    def __init__(self, model_dir: str | Path | None = None, *, providers: Sequence[str] | None = None,
                 threads: int | None = None, check_sums: bool = True, batch_invariant: bool | None = None,
                 cache_size: int = 32_768, spin: bool = True, float_on_gpu: bool = True):
        self.model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
        # what a copy in another process (``--jobs``) is opened with: see __reduce__
        self._args = (providers, threads, check_sums, batch_invariant, cache_size, spin, float_on_gpu)
        if not (self.model_dir / LABELS_FILE).is_file():
            raise ModelError(f"no classifier at {self.model_dir} (missing {LABELS_FILE}); "
                             "reinstall safelint or rebuild it (train/README.md), or run rules only with --no-model")
        if check_sums:
            verify(self.model_dir)
        ort = import_ort()
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise ModelError(f"the classifier needs tokenizers: {INSTALL_HINT}") from None
        meta = json.loads((self.model_dir / LABELS_FILE).read_text(encoding="utf-8"))
        self.meta = meta
        self.labels: list[str] = list(meta["labels"])
        self.thresholds: dict[str, float] = {k: float(v) for k, v in meta.get("thresholds", {}).items()}
        self.max_len = int(meta.get("max_len", 128))
        dynamic = "dynamic" in str(meta.get("quantization", "")).lower()
        self.tokenizer = Tokenizer.from_file(str(self.model_dir / TOKENIZER_FILE))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        so = ort.SessionOptions()
        if threads:
            so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        if not spin:  # onnxruntime's default is to spin
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        so.log_severity_level = 3
        self.requested = select_providers(list(providers or DEFAULT_PROVIDERS), ort.get_available_providers())
        self.session = ort.InferenceSession(str(self.model_dir / MODEL_FILE), so, providers=self.requested)
        # onnxruntime falls back to CPU silently when CUDA cannot start: report what is really active
        self.providers: list[str] = list(self.session.get_providers())
        # on a GPU the int8 graph's integer ops are slow and its per-batch activation scales forbid batching:
        # run the same weights as a float graph there (safelint.model.float_graph)
        self.graph = "int8" if dynamic else "float"
        if dynamic and float_on_gpu and self.device == "cuda":
            from safelint.model.float_graph import FloatGraphError, float_weights

            try:
                data = float_weights((self.model_dir / MODEL_FILE).read_bytes())
            except FloatGraphError as e:
                raise ModelError(f"{self.model_dir / MODEL_FILE}: {e}") from None
            self.session = ort.InferenceSession(data, so, providers=self.requested)
            self.providers = list(self.session.get_providers())
            self.graph = "float (int8 weights dequantised)"
        quantised_activations = self.graph == "int8"
        self.batch_invariant = quantised_activations if batch_invariant is None else batch_invariant
        # rows per ONNX run when batching: a GPU wants many
        self.batch_size = 256 if self.device == "cuda" else 32
        self._inputs = {i.name for i in self.session.get_inputs()}
        # what an empty chunk runs as (a tokenizer without a post-processor gives no ids at all)
        special = [self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]")]
        self._empty_ids = [i for i in special if i is not None] or [0]
        self.cache_size = max(0, int(cache_size)) if self.batch_invariant else 0
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self.runs = 0  # ONNX runs so far (cache misses), for benchmarks and tests
        self._prefix_tokens: int | None = None  # tokens of the human-turn prefix, once needed
        # the sentences of the last chunks_many call, tokenised, until the next scoring call
        self._enc_memo: dict[str, Any] = {}
        self._n_special = len(self.tokenizer.encode("").ids)  # [CLS] and [SEP] for the shipped tokenizer

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled, a classifier is its directory and options: the copy opens its own session (a worker
        of ``--jobs``), with :data:`WORKER_THREADS` intra-op threads when none were given."""
        return _reopen, (str(self.model_dir), *self._args)

    # -- public -------------------------------------------------------------------------------
    @property
    def device(self) -> str:
        return "cuda" if "CUDAExecutionProvider" in self.providers else "cpu"

    def chunks(self, text: str, role: str | None = None) -> list[tuple[int, int]]:
        """Character spans the text is scored in (each fits in ``max_len`` tokens with the prefix)."""
        return chunk_spans(text, self._offsets, self._budget(role), count_many=self._offsets_many)

    def chunks_many(self, texts: Sequence[str],
                    roles: Sequence[str | None] | None = None) -> list[list[tuple[int, int]]]:
        """:meth:`chunks` of many texts, all their sentences tokenised in one (parallel) call; same spans."""
        roles = list(roles) if roles is not None else [None] * len(texts)
        if len(texts) < _MANY:
            return [self.chunks(t, r) for t, r in zip(texts, roles)]
        sents_of = [sentences(t) for t in texts]
        uniq = list(dict.fromkeys(t[s:e] for t, ss in zip(texts, sents_of) for s, e in ss))
        # with the special tokens: a sentence that is a whole chunk needs no second tokenisation in _score
        known = self._enc_memo = dict(zip(uniq, self.tokenizer.encode_batch(uniq)))
        n_special = self._n_special

        def offsets(x: str) -> list[tuple[int, int]]:
            enc = known[x]
            return [o for o, special in zip(enc.offsets, enc.special_tokens_mask) if not special]

        out = []
        for t, ss, r in zip(texts, sents_of, roles):
            budget = self._budget(r)
            if len(ss) == 1 and len(known[t[ss[0][0]:ss[0][1]]]) - n_special <= budget:
                out.append([ss[0]])  # what chunk_spans gives for one sentence that fits
            else:
                out.append(chunk_spans(t, offsets, budget))
        return out

    def score_chunks(self, texts: Sequence[str], roles: Sequence[str | None] | None = None, *,
                     batch_size: int | None = None) -> list[list[Chunk]]:
        """Per text, its chunks with a probability per label."""
        roles = list(roles) if roles is not None else [None] * len(texts)
        if len(roles) != len(texts):
            raise ValueError("texts and roles differ in length")
        spans = [(i, s, e) for i, chs in enumerate(self.chunks_many(texts, roles)) for s, e in chs]
        probs = self._score([model_input(texts[i][s:e], roles[i]) for i, s, e in spans], batch_size)
        self._enc_memo = {}
        out: list[list[Chunk]] = [[] for _ in texts]
        for (i, s, e), p in zip(spans, probs):
            out[i].append(Chunk(i, s, e, dict(zip(self.labels, p))))
        return out

    def score_spans(self, items: Sequence[tuple[str, str | None, int, int]], *,
                    batch_size: int | None = None) -> list[dict[str, float]]:
        """Scores of given chunks ``(text, role, start, end)``, spans as :meth:`chunks` returns them.

        What :meth:`score_chunks` gives for those chunks, without scoring the text's other chunks
        (the hybrid's cascade asks only for the chunks that hold a rule hit)."""
        probs = self._score([model_input(t[s:e], r) for t, r, s, e in items], batch_size)
        self._enc_memo = {}  # kept from chunks_many for this call only
        return [dict(zip(self.labels, p)) for p in probs]

    def clear_cache(self) -> None:
        self._cache.clear()

    def predict(self, texts: Sequence[str], roles: Sequence[str | None] | None = None, *,
                batch_size: int | None = None) -> list[dict[str, float]]:
        """Per text, the highest probability of each label over its chunks."""
        return [dict(chs[0].scores) if len(chs) == 1 else {lab: max(c.scores[lab] for c in chs) for lab in self.labels}
                for chs in self.score_chunks(texts, roles, batch_size=batch_size)]

    def decide(self, scores: dict[str, float]) -> set[str]:
        return {lab for lab, p in scores.items() if p >= self.thresholds.get(lab, 0.5)}

    # -- internals ----------------------------------------------------------------------------
    def _budget(self, role: str | None) -> int:
        """Tokens a chunk may have: ``max_len`` less [CLS], [SEP] and, for a human turn, the question prefix."""
        if role != "human":
            return self.max_len - 2
        if self._prefix_tokens is None:
            self._prefix_tokens = len(self._offsets(model_input("", role)))
        return self.max_len - 2 - self._prefix_tokens

    def _offsets(self, s: str) -> list[tuple[int, int]]:
        return list(self.tokenizer.encode(s, add_special_tokens=False).offsets)

    def _offsets_many(self, strings: list[str]) -> list[list[tuple[int, int]]]:
        """:meth:`_offsets` of many strings in one (parallel) tokenizer call."""
        return [list(enc.offsets) for enc in self.tokenizer.encode_batch(strings, add_special_tokens=False)]

    def _score(self, inputs: Sequence[str], batch_size: int | None) -> list[list[float]]:
        """Probabilities per label for each model input string (cache, then ONNX on the misses)."""
        probs: list[list[float] | None] = [None] * len(inputs)
        # jobs: model input -> positions; in batch-invariant mode a repeated input runs once, in
        # batched mode every position is its own job (the batches stay what they always were)
        jobs: list[tuple[str, list[int]]] = []
        first: dict[str, int] = {}
        cache = self._cache
        for k, x in enumerate(inputs):
            if self.cache_size:
                hit = cache.get(x)
                if hit is not None:
                    cache.move_to_end(x)
                    probs[k] = hit
                    continue
            if self.batch_invariant:
                j = first.get(x)
                if j is not None:
                    jobs[j][1].append(k)
                    continue
                first[x] = len(jobs)
            jobs.append((x, [k]))
        if jobs:
            ids_of = []
            memo = self._enc_memo
            todo = [x for x, _ in jobs if x not in memo]
            fresh = iter(self.tokenizer.encode_batch(todo) if len(todo) >= _MANY
                         else [self.tokenizer.encode(x) for x in todo])
            for x, _ in jobs:
                ids = (memo[x] if x in memo else next(fresh)).ids or self._empty_ids
                if len(ids) > self.max_len:  # cannot happen with chunk_spans; never truncate silently
                    raise ModelError(f"chunk of {len(ids)} tokens exceeds max_len {self.max_len}")
                ids_of.append(ids)
            order = sorted(range(len(jobs)), key=lambda j: len(ids_of[j]))  # little padding when batching
            step = 1 if self.batch_invariant else max(1, batch_size or self.batch_size)
            for b in range(0, len(order), step):
                part = order[b:b + step]
                self.runs += 1
                for j, p in zip(part, self._run([ids_of[j] for j in part])):
                    x, where = jobs[j]
                    for k in where:
                        probs[k] = p
                    if self.cache_size:
                        cache[x] = p
                        if len(cache) > self.cache_size:
                            cache.popitem(last=False)
        return probs  # type: ignore[return-value]

    def _run(self, batch: list[list[int]]) -> list[list[float]]:
        import numpy as np

        n = max(len(x) for x in batch)
        ids = np.zeros((len(batch), n), dtype=np.int64)
        mask = np.zeros((len(batch), n), dtype=np.int64)
        for r, x in enumerate(batch):
            ids[r, :len(x)] = x
            mask[r, :len(x)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        logits = self.session.run(None, feed)[0]
        return (1.0 / (1.0 + np.exp(-logits.astype(np.float64)))).tolist()


# from this many strings on, the tokenizer gets them in one (parallel, Rust-side) call
_MANY = 16

# intra-op threads of a classifier unpickled without its own ``threads`` (set in each worker of ``--jobs``,
# so that the workers share the cores instead of each taking them all)
WORKER_THREADS: int | None = None


def _reopen(model_dir: str, providers: Sequence[str] | None, threads: int | None, check_sums: bool,
            batch_invariant: bool | None, cache_size: int, spin: bool, float_on_gpu: bool) -> LeakClassifier:
    return LeakClassifier(model_dir, providers=providers, threads=threads or WORKER_THREADS, check_sums=check_sums,
                          batch_invariant=batch_invariant, cache_size=cache_size, spin=spin, float_on_gpu=float_on_gpu)


_CACHE: dict[tuple[str, tuple[str, ...], bool | None], LeakClassifier] = {}


def load_model(model_dir: str | Path | None = None, *, providers: Sequence[str] | None = None,
               threads: int | None = None, batch_invariant: bool | None = None) -> LeakClassifier:
    """Load (once per directory, providers and mode) the classifier; raises :class:`ModelError`."""
    d = str(Path(model_dir) if model_dir is not None else default_model_dir())
    key = (d, tuple(providers or DEFAULT_PROVIDERS), batch_invariant)
    if key not in _CACHE:
        _CACHE[key] = LeakClassifier(d, providers=providers, threads=threads, batch_invariant=batch_invariant)
    return _CACHE[key]
