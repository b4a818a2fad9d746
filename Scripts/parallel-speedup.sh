#!/usr/bin/env bash
# Measures real parallelism: the CPU-bound Fixtures/threads/parallel workload with 1 and with 2 threads, in a
# release build, five runs each; prints the medians and the speedup. Not part of CI (it needs idle cores).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product wasix-run >/dev/null
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
run() {
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f "%e" .build/release/wasix-run --invoke run Fixtures/threads/parallel/main.wasm "$1" 2>&1 >/dev/null
    done | median
}
one=$(run 1)
two=$(run 2)
echo "1 thread: ${one} s, 2 threads: ${two} s, speedup $(echo "scale=2; $one / $two" | bc)x on $(nproc) cores"
