#!/usr/bin/env bash
# Prints the instructions each workload executes in wasix-run (valgrind --tool=callgrind), for one small run.
# The counts are repeatable for the same binary and inputs, unlike times: compare them before and after a
# change to the interpreter. Build first: swift build -c release (in the repository root).
set -euo pipefail
cd "$(dirname "$0")/.."
run=.build/release/wasix-run
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$run" --invoke run "Benchmarks/Workloads/$1.wasm" "$2" 2>&1 \
        | sed -n 's/.*refs: *//p'
}
echo "workload     argument  instructions"
for spec in "fib 20" "sieve 1" "matmul_i32 1" "matmul_f64 1" "nbody 20000" "bytecode 30" "memops 4" "indirect 300000" "coremark 10"; do
    set -- $spec
    printf "%-12s %-9s %s\n" "$1" "$2" "$(count "$1" "$2")"
done
echo "empty run    -         $(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$run" --invoke run Benchmarks/Workloads/fib.wasm 0 2>&1 | sed -n 's/.*refs: *//p')"
