"""Generation throughput of `safelint prism generate` (issue 5), on a GPU when there is one.

    python bench/gpu_generate_bench.py [--size small|tiny] [--images 32] [--max-new-tokens 128]
                                       [--batch-sizes 16,48] [--device auto]

No weights can be downloaded, so the model is a **randomly initialised LLaVA-1.5 layout** built here from a
config and saved to a temporary folder: ``small`` is a TinyLlama-1.1B-shaped language model (22 layers, hidden
2048, grouped-query attention) behind LLaVA-1.5's CLIP ViT-L/14 at 336 px (576 image tokens) and MLP projector,
1.4 B parameters; ``tiny`` is the test suite's toy.  Random weights say nothing about answers, but the work per
token is the real architecture's: the figures are answers/s and new tokens/s of the real code path (question
files built from an image folder, `generate_many`: processor, left-padded batches, greedy decoding, JSONL
writing).  Random weights rarely emit end-of-sequence, so nearly every answer runs to ``--max-new-tokens``.

Run by bench/gpu_check.sh on the device machine; figures in BENCHMARKS.md §10.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))

from safelint_prism.generate import generate_many
from safelint_prism.questions import write_questions

CHAT_TEMPLATE = ("{% for m in messages %}USER: {% for c in m['content'] %}{% if c['type'] == 'image' %}<image>\n"
                 "{% else %}{{ c['text'] }}{% endif %}{% endfor %}{% endfor %}"
                 "{% if add_generation_prompt %} ASSISTANT:{% endif %}")
SIZES = {
    # LLaVA-1.5's vision tower (CLIP ViT-L/14-336) + a TinyLlama-1.1B-shaped language model
    "small": ({"hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 24, "num_attention_heads": 16,
               "image_size": 336, "patch_size": 14},
              {"vocab_size": 32000, "hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": 22,
               "num_attention_heads": 32, "num_key_value_heads": 4, "max_position_embeddings": 4096}),
    "tiny": ({"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
              "image_size": 28, "patch_size": 14},
             {"vocab_size": 512, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
              "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 1024}),
}


def build_model(path: Path, size: str, device: str) -> int:
    """A random LLaVA of ``size`` saved (model + processor) under ``path``; returns its parameter count."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
        PreTrainedTokenizerFast,
    )

    vision, text = SIZES[size]
    source = (ROOT / "eval" / "safelint_prism" / "questions.py").read_text(encoding="utf-8")
    words = sorted({w.strip("?.,:'").lower() for w in source.split() if w.isascii()} - {""})
    vocab = ["<unk>", "<pad>", "<s>", "</s>", "<image>"] + words
    vocab += [f"w{i}" for i in range(text["vocab_size"] - len(vocab))]
    tok = Tokenizer(models.WordLevel(vocab={w: i for i, w in enumerate(vocab[:text["vocab_size"]])},
                                     unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>", bos_token="<s>",
                                   eos_token="</s>", additional_special_tokens=["<image>"])
    px = vision["image_size"]
    proc = LlavaProcessor(image_processor=CLIPImageProcessor(size={"shortest_edge": px},
                                                             crop_size={"height": px, "width": px}),
                          tokenizer=fast, patch_size=vision["patch_size"], vision_feature_select_strategy="default",
                          image_token="<image>", num_additional_image_tokens=1, chat_template=CHAT_TEMPLATE)
    cfg = LlavaConfig(vision_config=CLIPVisionConfig(**vision),
                      text_config=LlamaConfig(**text, pad_token_id=1, bos_token_id=2, eos_token_id=3),
                      image_token_index=4, vision_feature_layer=-2, vision_feature_select_strategy="default")
    torch.manual_seed(0)
    with torch.device(device):
        net = LlavaForConditionalGeneration(cfg)
    if device.startswith("cuda"):
        net = net.to(torch.bfloat16)
    net.generation_config.pad_token_id, net.generation_config.eos_token_id = 1, 3
    net.save_pretrained(path)
    proc.save_pretrained(path)
    return sum(p.numel() for p in net.parameters())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--images", type=int, default=32)
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--batch-sizes", default="16,48")
    ap.add_argument("--device", default="auto")
    a = ap.parse_args()
    import torch
    import transformers
    from PIL import Image

    device = a.device if a.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    gpu = torch.cuda.get_device_name(0) if device.startswith("cuda") else "none"
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, device {device} ({gpu})")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        n_params = build_model(root / "llava", a.size, device)
        print(f"random LLaVA ({a.size}): {n_params / 1e9:.2f} B parameters, built and saved in "
              f"{time.perf_counter() - t:.1f} s")
        if device.startswith("cuda"):
            torch.cuda.empty_cache()
        imgs = root / "images"
        imgs.mkdir()
        for i in range(a.images):
            Image.new("RGB", (640, 480), ((37 * i) % 256, (91 * i) % 256, (53 * i) % 256)).save(imgs / f"{i:04d}.jpg")
        files = write_questions(imgs, root / "questions")
        questions = files["implicit_leakage"][0]
        for bs in (int(b) for b in a.batch_sizes.split(",")):
            out = root / f"answers_b{bs}.jsonl"
            if device.startswith("cuda"):
                torch.cuda.reset_peak_memory_stats()
            r = generate_many(model=root / "llava", questions=[questions], images=imgs, output=out,
                              max_new_tokens=a.max_new_tokens, batch_size=bs, device=device)["total"]
            rows = [json.loads(line) for line in out.open(encoding="utf-8")]
            tokens = sum(int(x["metadata"].get("new_tokens", 0)) for x in rows)
            peak = (f", peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB"
                    if device.startswith("cuda") else "")
            print(f"batch {bs}: {r['generated']} answers in {r['seconds']:.1f} s (model load {r['load_seconds']:.1f} s)"
                  f": {r['answers_per_s']:.2f} answers/s, {tokens / r['seconds']:,.0f} new tokens/s "
                  f"({tokens / max(1, r['generated']):.0f} tokens per answer){peak}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
