#!/usr/bin/env bash
# Runs the JMH suite (or the benchmarks matching a regex) with -prof gc, runs the PyTorch peer on
# the same problems with the same thread count, interleaved with ours (the machine is shared and
# noisy), keeps every JSON under unlearn-benchmarks/results/<stamp>/ and prints Markdown tables:
# ours vs the peer (median and min, ms), the HVP/gradient ratios, and the other benchmarks.
#
#   unlearn-benchmarks/run-benchmarks.sh [-t THREADS] [-r ROUNDS] [-q] [-n] [REGEX]
#     -t THREADS  OMP/OpenBLAS threads for both sides (default 1; docs/performance.md)
#     -r ROUNDS   repeat the ours/peer comparison ROUNDS times, alternating (default 1)
#     -q          quick: fewer JMH iterations (2 warm-up, 3 measured, 1 s each)
#     -n          no peer (ours only)
#     REGEX       JMH benchmark regex (default: everything); the comparison runs when it matches
#                 ModelBenchmark
# Environment: PEER_DIR (default ../shared/peers from the repository root), JMH_ARGS (extra).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
threads=1 rounds=1 quick=0 peer=1
while getopts "t:r:qn" opt; do
  case "$opt" in
    t) threads="$OPTARG" ;;
    r) rounds="$OPTARG" ;;
    q) quick=1 ;;
    n) peer=0 ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
regex="${1:-.*}"
peer_dir="${PEER_DIR:-$root/../shared/peers}"
py=/usr/bin/python3
jar="$here/target/benchmarks.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -o -q -B -pl unlearn-benchmarks -am package -DskipTests)
fi
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$here/results/$stamp"
mkdir -p "$out"
export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"
jmh_iter=()
if [ "$quick" = 1 ]; then jmh_iter=(-wi 2 -i 3 -w 1 -r 1); fi
{
  echo "date_utc=$stamp"
  echo "nproc=$(nproc --all)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "threads=$threads"
  echo "java=$(java -version 2>&1 | head -1)"
} > "$out/machine.txt"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load_start=$(load)" >> "$out/machine.txt"

jmh() { # name, then JMH arguments
  local name="$1"; shift
  echo "== JMH $name (load $(load))" >&2
  java -jar "$jar" "$@" "${jmh_iter[@]}" -prof gc -rf json -rff "$out/jmh-$name.json" \
    ${JMH_ARGS:-} > "$out/jmh-$name.log" 2>&1 || { echo "JMH $name failed, see $out/jmh-$name.log" >&2; }
}
peer_run() { # name, dataset, models
  [ "$peer" = 1 ] || return 0
  echo "== peer $1 (load $(load))" >&2
  (cd "$peer_dir" && "$py" peer_bench.py hvp --threads "$threads" --dataset "$2" --models "$3" \
    --dtypes float64,float32) > "$out/peer-$1.jsonl" 2> "$out/peer-$1.log" \
    || echo "peer $1 failed, see $out/peer-$1.log" >&2
}

compared='ModelBenchmark\.(gradient|hvp|gradientCached|hvpCached|ggnCached)$'
if echo "dev.unlearn.benchmarks.jmh.ModelBenchmark.gradient" | grep -Eq -- "$regex"; then
  for round in $(seq 1 "$rounds"); do
    peer_run "digits-$round" digits logistic,mlp
    jmh "model-digits-$round" "$compared" -p problem=DIGITS_LOGISTIC,DIGITS_MLP
    peer_run "synthetic-$round" synthetic mlp
    jmh "model-synthetic-$round" "$compared" -p problem=SYNTHETIC_MLP
  done
  jmh rest "$regex" -e "$compared"
else
  jmh rest "$regex"
fi
echo "load_end=$(load)" >> "$out/machine.txt"
grep -h '^SolveBenchmark matvecs' "$out"/jmh-*.log 2>/dev/null | sort -u > "$out/matvecs.txt" || true
"$py" "$here/summarize.py" "$out" | tee "$out/summary.md"
