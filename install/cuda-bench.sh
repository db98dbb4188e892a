#!/usr/bin/env bash
# GPU benchmarks from an unpacked bundle (install/bundle.sh): the kernel chains (CudaBench) and the engine on
# synthetic models (splitscope synth + CudaModelBench), as reported in docs/BENCHMARKS.md.
# Usage: SPLITSCOPE_BUNDLE=/tmp/splitscope install/cuda-bench.sh "llama3-8b Q4_0 llama3-8b Q8_0 llama3-70b Q4_0"
#   env: KERNELS=0 skips the kernel chains, ENGINE=0 the engine, NOGRAPH=1 adds a run without CUDA graphs,
#        TP="0,0:peer 0,0:host 0,1:nccl" adds tensor-parallel runs (GPU ordinal per device : reduce path),
#        OPTS="-Dsplitscope.cuda.prefetchMb=0|-Dsplitscope.cuda.pdl=false" one more one-GPU run per option set
#        (here: without the L2 prefetch of matvec weights, without programmatic dependent launch),
#        NOREPLAY=1 a run that walks every node of every decode step (-Dsplitscope.replay=false),
#        NCU=1 (NCU_ONLY=MODEL-TYPE) a per-kernel ncu breakdown of decode steps, JFR=1 a Java flight recording.
S=${SPLITSCOPE_BUNDLE:-/tmp/splitscope}
OUT=${OUT:-/tmp}
[ -x $S/bin/splitscope ] || { echo "no bundle at $S (set SPLITSCOPE_BUNDLE to an unpacked install/bundle.sh output)" >&2; exit 2; }
J="$S/bin/splitscope-java"
set -- $1
while [ $# -ge 2 ]; do
  m=$1; t=$2; shift 2
  if [ "${KERNELS:-1}" = 1 ]; then
    echo "== kernels $m $t"; timeout 150 $J dev.splitscope.engine.backend.cuda.CudaBench $m $t 2>&1 | grep -v incubator
  fi
  if [ "${ENGINE:-1}" = 1 ]; then
    f=/tmp/$m-$t.gguf
    t0=$SECONDS; $S/bin/splitscope synth --preset $m --type $t -o $f 2>&1 | grep -v "%\|incubator"; echo "== synth $m $t: $((SECONDS - t0)) s, $(du -h $f | cut -f1)"
    echo "== engine $m $t: CudaModelBench $f 512 128"
    timeout 240 $J dev.splitscope.engine.backend.cuda.CudaModelBench $f 512 128 2>&1 | grep -v incubator
    IFS='|' read -ra optsets <<< "${OPTS:-}"
    for o in "${optsets[@]}"; do
      echo "== the same, $o"; SPLITSCOPE_JAVA_OPTS="$o" timeout 240 $J dev.splitscope.engine.backend.cuda.CudaModelBench $f 512 128 2>&1 | grep -E "tg|pp"
    done
    [ "${NOREPLAY:-0}" = 1 ] && SPLITSCOPE_JAVA_OPTS=-Dsplitscope.replay=false timeout 240 $J dev.splitscope.engine.backend.cuda.CudaModelBench $f 512 128 2>&1 | grep -E "tg|pp"
    for tp in ${TP:-}; do
      echo "== engine $m $t: CudaModelBench $f 512 128 ${tp%:*} ${tp#*:}"
      timeout 300 $J dev.splitscope.engine.backend.cuda.CudaModelBench $f 512 128 ${tp%:*} ${tp#*:} 2>&1 | grep -v incubator
    done
    if [ "${NCU:-0}" = 1 ] && [ "$m-$t" = "${NCU_ONLY:-$m-$t}" ]; then
      NCU_BIN=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)
      echo "== ncu ($NCU_BIN): one decode step, kernel by kernel (graphs off)"
      SPLITSCOPE_JAVA_OPTS=-Dsplitscope.cuda.graphs=false timeout 240 $NCU_BIN --clock-control none --metrics gpu__time_duration.sum \
        --csv --launch-skip ${NCU_SKIP:-7000} --launch-count ${NCU_COUNT:-700} $J dev.splitscope.engine.backend.cuda.CudaModelBench $f 16 64 > $OUT/ncu.csv 2> $OUT/ncu.err
      python3 - $OUT/ncu.csv <<'PY'
import csv, sys, collections
rows = [r for r in csv.reader(open(sys.argv[1])) if len(r) > 10]
h = rows[0]; ki = h.index("Kernel Name"); vi = h.index("Metric Value"); ui = h.index("Metric Unit")
tot = collections.defaultdict(float); cnt = collections.Counter()
for r in rows[1:]:
    try: v = float(r[vi].replace(",", ""))
    except ValueError: continue
    v = v / 1000 if r[ui] in ("ns", "nsecond") else v if r[ui] in ("us", "usecond") else v * 1000
    name = r[ki].split("(")[0]
    if name.startswith("matvec"): name += " grid" + r[h.index("Grid Size")].split(",")[0].strip("(")
    tot[name] += v; cnt[name] += 1
s = sum(tot.values())
print(f"{len(rows)-1} kernels, {s/1000:.3f} ms of kernel time (under ncu)")
for k, v in sorted(tot.items(), key=lambda kv: -kv[1]):
    print(f"  {k:22s} {cnt[k]:5d} launches {v/1000:8.3f} ms  {v/cnt[k]:7.2f} us each  {100*v/s:5.1f}%")
PY
    fi
    [ "${JFR:-0}" = 1 ] && SPLITSCOPE_JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/tg.jfr,settings=profile" timeout 120 $J dev.splitscope.engine.backend.cuda.CudaModelBench $f 64 512 2>&1 | grep -E "tg|pp"
    [ "${NOGRAPH:-0}" = 1 ] && [ "$m-$t" = "${NOGRAPH_ONLY:-$m-$t}" ] && SPLITSCOPE_JAVA_OPTS=-Dsplitscope.cuda.graphs=false timeout 120 $J dev.splitscope.engine.backend.cuda.CudaModelBench $f 512 128 2>&1 | grep -E "tg|pp"
    rm -f $f
  fi
done
