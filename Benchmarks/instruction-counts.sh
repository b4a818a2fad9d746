#!/usr/bin/env bash
# Prints the instructions each workload executes in wasix-run (valgrind --tool=callgrind), for one small run:
# the kernels of Benchmarks/Workloads (through --invoke run) and the real programs of Benchmarks/Programs (as
# WASI commands, at sizes smaller than bench's, with the checksum each printed). The counts are repeatable for
# the same binary and inputs to within about 0.01 %, unlike times: compare them before and after a change to the
# interpreter. Build first: swift build -c release (in the repository root).
# Usage: Benchmarks/instruction-counts.sh [kernels|programs]   (both by default)
set -euo pipefail
cd "$(dirname "$0")/.."
run=.build/release/wasix-run
which=${1:-all}
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$run" --invoke run "Benchmarks/Workloads/$1.wasm" "$2" 2>&1 \
        | sed -n 's/.*refs: *//p'
}
if [ "$which" != programs ]; then
    echo "workload     argument  instructions"
    for spec in "fib 20" "sieve 1" "matmul_i32 1" "matmul_f64 1" "nbody 20000" "bytecode 30" "memops 4" "indirect 300000" "coremark 10"; do
        set -- $spec
        printf "%-12s %-9s %s\n" "$1" "$2" "$(count "$1" "$2")"
    done
    echo "empty run    -         $(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$run" --invoke run Benchmarks/Workloads/fib.wasm 0 2>&1 | sed -n 's/.*refs: *//p')"
fi
if [ "$which" != kernels ]; then
    output=$(mktemp)
    trap 'rm -f "$output"' EXIT
    echo "program      argument  instructions      output"
    for spec in "raytrace 40" "compress 64" "lisp 1" "json 150" "regex 300"; do
        set -- $spec
        instructions=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$run" "Benchmarks/Programs/$1.wasm" "$2" \
            2>&1 >"$output" | sed -n 's/.*refs: *//p')
        printf "%-12s %-9s %-17s %s\n" "$1" "$2" "$instructions" "$(tail -n 1 "$output")"
    done
fi
