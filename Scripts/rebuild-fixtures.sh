#!/usr/bin/env bash
# Rebuilds every .wasm under Fixtures/, Benchmarks/Workloads/ and Benchmarks/Programs/ from the sources beside it.
# Idempotent; writes nowhere else.
# Needs wat2wasm (Debian: wabt), wasm-opt (Debian: binaryen), clang-14 with wasi-libc (Debian: clang-14 lld-14
# wasi-libc libclang-rt-14-dev-wasm32), gcc and xxd.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "wat2wasm $(wat2wasm --version)"
clang-14 --version | head -n 1
for source in Fixtures/interpreter/*.wat Fixtures/regression/*.wat; do
    wat2wasm --enable-threads --enable-memory64 --debug-names "$source" -o "${source%.wat}.wasm"
done
# Modules beyond an implementation limit, written byte by byte (no text format can say 2^32-1 locals in 42
# bytes): hex with ;; comments.
xxd -v 2>&1 | head -n 1
for source in Fixtures/regression/limits/*.hex; do
    sed 's/;;.*//' "$source" | xxd -r -p > "${source%.hex}.wasm"
done
for source in Fixtures/wasi/*/main.wat Fixtures/wasix/*/main.wat; do
    wat2wasm --enable-memory64 "$source" -o "${source%.wat}.wasm"
done
for source in Fixtures/wasi/*/main.c Fixtures/wasix/programs/*.c Benchmarks/Fork/*.c; do
    clang-14 --target=wasm32-wasi -O2 -Wall -Werror -o "${source%.c}.wasm" "$source"
done
# WASIX fixtures twice: plain, and instrumented for the asyncify fork mode. Most are plain POSIX C over
# Fixtures/wasix/posix.h (whose native builds Tests/CLITests/NativeOracleTests.swift makes with gcc, into a
# temporary directory); the rest declare the WASIX imports with Fixtures/wasix/wasix.h.
# The asyncified one is linked as wasix-libc links, so that wasmer can fork it too (WasmerOracleTests): its memory
# is imported and shared (wasmer gives a forked child a copy as the import, and a shared memory's data segments are
# passive, so the child's instantiation leaves the copied data alone), and __stack_pointer is exported as well as
# the stack's bounds (wasmer finds it by name). Debian's wasi-libc is not built for shared memory, hence
# --no-check-features: these programs are single-threaded, so its plain loads and stores are still right.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for source in Fixtures/wasix/*/main.c; do
    clang-14 --target=wasm32-wasi -O2 -Wall -Werror -Wl,--export=__data_end,--export=__heap_base \
        -o "${source%.c}.wasm" "$source"
    # Compiled and linked apart: clang would run wasm-opt on the linked module without the threads feature.
    clang-14 --target=wasm32-wasi -O2 -Wall -Werror -c -o "$scratch/main.o" "$source"
    clang-14 --target=wasm32-wasi -o "$scratch/shared.wasm" "$scratch/main.o" -Wl,--no-check-features \
        -Wl,--import-memory,--shared-memory,--max-memory=4294967296 \
        -Wl,--export=__data_end,--export=__heap_base,--export=__stack_pointer
    wasm-opt -O2 --enable-threads --enable-bulk-memory --enable-mutable-globals --asyncify "$scratch/shared.wasm" \
        -o "${source%.c}.asyncify.wasm"
done
# The POSIX ones (and the plain C programs) must compile natively as well: the oracle tests build them with gcc.
gcc --version | head -n 1
for source in Fixtures/wasix/*/main.c Fixtures/wasix/programs/*.c Benchmarks/Fork/*.c Benchmarks/Programs/*.c; do
    if grep -q 'posix.h"' "$source" || ! grep -q '#include "' "$source"; then
        gcc -fsyntax-only -Wall -Werror "$source"
    fi
done
# Thread fixtures are freestanding: Debian's wasi-libc does not link into shared memory.
for source in Fixtures/threads/*/main.c; do
    clang-14 --target=wasm32 -nostdlib -O2 -Wall -Werror -matomics -mbulk-memory \
        -Wl,--shared-memory,--import-memory,--max-memory=16777216,--no-entry,--export=_start \
        -o "${source%.c}.wasm" "$source"
done
# Real programs for the benchmarks: ordinary C against wasi-libc (stripped of libc's debug sections, with a 1 MiB
# stack for the recursive ones). Benchmarks/programs-native.sh checks that gcc builds print the same checksums.
for source in Benchmarks/Programs/*.c; do
    clang-14 --target=wasm32-wasi -O2 -Wall -Werror -Wl,--strip-debug -Wl,-z,stack-size=1048576 \
        -o "${source%.c}.wasm" "$source"
done
for source in Benchmarks/Workloads/*.c; do
    clang-14 --target=wasm32 -nostdlib -O2 -mbulk-memory -Wl,--no-entry -Wl,--export=run -o "${source%.c}.wasm" "$source"
done
