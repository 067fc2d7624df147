#!/usr/bin/env bash
# The end-of-session measurement: every figure BENCHMARKS.md reports per session, written to bench/out/PREFIX_*.
# Run from the repository root with the venv active (`pip install -e ".[test,cpu,bench]"`) and ../shared/data
# present (~30 min on 2 cores):
#   bash bench/final_run.sh final20
set -u
O=bench/out; mkdir -p $O
P=${1:-final}
export HF_HUB_OFFLINE=1
[ -f eval/out/devset.jsonl ] || python eval/build_devset.py --data ../shared/data --out eval/out/devset.jsonl
safelint eval eval/out/devset.jsonl --split test --engine hybrid > $O/${P}_devset_test.txt 2>&1
safelint eval eval/out/devset.jsonl --split dev --engine hybrid > $O/${P}_devset_dev.txt 2>&1
safelint eval --prism-v2 ../shared/data/prism_v2 --split test --engine hybrid --per-model > $O/${P}_prismv2_test.txt 2>&1
safelint eval --prism-v2 ../shared/data/prism_v2 --split dev --engine hybrid --per-model > $O/${P}_prismv2_dev.txt 2>&1
safelint prism agree --data ../shared/data/prism_v2 --split test > $O/${P}_agree_test.txt 2>&1
safelint prism agree --data ../shared/data/prism_v2 --split dev > $O/${P}_agree_dev.txt 2>&1
for f in eval/leak_probes_set*.jsonl eval/question_probes_set*.jsonl; do
  n=$(basename $f .jsonl); ht=ask; grep -q '"task": "any"' $f && ht=any
  safelint eval $f --engine hybrid --human-task $ht > $O/${P}_$n.txt 2>&1
done
for f in eval/refusal_probes*.jsonl; do
  n=$(basename $f .jsonl); python eval/refusal_probes.py --probes $f > $O/${P}_$n.txt 2>&1
done
python bench/hybrid_bench.py --n 3000 --chunk 250 --runs 3 --jobs 2 --out $O/${P}_hybrid_bench.json > $O/${P}_hybrid_bench.txt 2>&1
python bench/judge_bench.py --n 3000 --runs 3 --json $O/${P}_judge_bench.json > $O/${P}_judge_bench.txt 2>&1
python bench/fix_bench.py --no-e2e --examples 30 --json $O/${P}_fix_bench.json > $O/${P}_fix_bench.txt 2>&1
echo done
