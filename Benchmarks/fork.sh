#!/usr/bin/env bash
# What a fork costs in wasix-run and natively, side by side (Benchmarks/README.md, "Fork"): the same C source,
# Benchmarks/Fork/fork-cost.c, built for wasm (by Scripts/rebuild-fixtures.sh) and here with gcc. Each figure is
# the median of a program's 10 forks, each its own run. Needs a release build (`swift build -c release`).
set -euo pipefail
cd "$(dirname "$0")/.."
runtime=${WASIX_RUN:-.build/release/wasix-run}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
gcc -O2 -o "$scratch/fork-cost" Benchmarks/Fork/fork-cost.c
wasm=("$runtime" --mapdir /b::Benchmarks/Fork Benchmarks/Fork/fork-cost.wasm)
ours() { "${wasm[@]}" "$@"; }
native() { "$scratch/fork-cost" "$@"; }
peak() { /usr/bin/time -f "%M" "${wasm[@]}" "$@" 2>&1 >/dev/null | tail -n 1; }

echo "| case | wasix-run | native |"
echo "|---|---|---|"
for megabytes in 1 64 256 1024; do
    echo "| fork + exit + join, $megabytes MiB | $(ours fork "$megabytes" 10) µs | $(native fork "$megabytes" 10) µs |"
done
for kilobytes in 0 1024 16384 65536; do
    echo "| the same, 256 MiB, $((kilobytes / 1024)) MiB written before each fork | $(ours fork 256 10 "$kilobytes") µs | $(native fork 256 10 "$kilobytes") µs |"
done
echo "| fork + exec of a small program + join, 64 MiB | $(ours exec 64 10 /b/fork-cost.wasm) µs | $(native exec 64 10 "$scratch/fork-cost") µs |"
alone=$(peak children 64 0 1)
children=$(peak children 64 10 1)
echo "| peak RSS, 64 MiB parent alone / with 10 live children that each wrote 1 MiB | $alone KB / $children KB ($(awk "BEGIN { printf \"%.2f\", $children / $alone }")x) | (one process each) |"
