#!/usr/bin/env bash
# The GPU checks, as one script for a lent device machine (BENCHMARKS.md §10 says how it was run):
#   1. onnxruntime-gpu's CUDA provider starts (onnxruntime otherwise falls back to CPU silently);
#   2. bench/gpu_bench.py: the classifier's sentences/s through that provider, against the CPU provider;
#   3. bench/gpu_generate_bench.py: `safelint prism generate` throughput with a random 1.4 B LLaVA.
# Expects onnxruntime-gpu importable from $SITE (default /tmp/site; bench/gpu_pack.py packs it to fit the
# device tool's transfers) and CUDA 13's libraries in the
# nvidia-* wheels of the image's python3; writes its logs to $OUT (default bench/out).  GENERATE=0 skips step 3.
set -u
OUT=${OUT:-bench/out}
SITE=${SITE:-/tmp/site}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu_device.txt"
# the CUDA, cuBLAS, cuDNN, cuFFT and cuRAND libraries that onnxruntime-gpu loads, from the image's nvidia-* wheels
libs=$(find $(python3 -c 'import nvidia, sys; print(" ".join(nvidia.__path__))') -name 'lib*.so*' -printf '%h\n' | sort -u | paste -sd:)
export LD_LIBRARY_PATH="${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYTHONPATH="$SITE" PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
python3 -c 'import onnxruntime as o; print("onnxruntime", o.__version__, "from", o.__file__, o.get_available_providers())' \
  | tee -a "$OUT/gpu_device.txt"
timeout 330 python3 bench/gpu_bench.py --passes 3 --cpu-n 3000 2>&1 | tee "$OUT/gpu_bench.txt"
[ "${GENERATE:-1}" = 1 ] || exit 0
timeout 240 python3 bench/gpu_generate_bench.py --size small --images 32 --max-new-tokens 128 --batch-sizes 16,48 2>&1 \
  | grep -v "it/s\]" | tee "$OUT/gpu_generate.txt"
