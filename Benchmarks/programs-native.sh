#!/usr/bin/env bash
# Checks the real programs of Benchmarks/Programs against native builds of the same sources: each one, built
# with gcc -O2 (into a temporary directory) and run natively, must print the same checksum as its committed
# .wasm run in wasix-run, at its default size; prints both times. Build first: swift build -c release (in the
# repository root).
set -euo pipefail
cd "$(dirname "$0")/.."
run=.build/release/wasix-run
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
printf "%-10s %-18s %-18s %9s %9s\n" program native wasix-run "native s" "wasm s"
for source in Benchmarks/Programs/*.c; do
    name=$(basename "$source" .c)
    gcc -O2 -Wall -Werror -o "$scratch/$name" "$source" -lm
    start=$(date +%s.%N)
    native=$("$scratch/$name" | tail -n 1)
    middle=$(date +%s.%N)
    wasm=$("$run" "${source%.c}.wasm" | tail -n 1)
    end=$(date +%s.%N)
    printf "%-10s %-18s %-18s %9.3f %9.3f\n" "$name" "$native" "$wasm" "$(echo "$middle - $start" | bc)" \
        "$(echo "$end - $middle" | bc)"
    if [ "$native" != "$wasm" ]; then
        echo "$name: checksums differ" >&2
        status=1
    fi
done
exit $status
