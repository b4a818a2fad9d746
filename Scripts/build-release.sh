#!/usr/bin/env bash
# A release build for speed: LLVM copies the run loop's dispatch into every op (threaded dispatch), which it
# does not do by default for a switch this large, and starts every op's code on a 32-byte boundary, so that
# where the linker happens to place the run loop matters less. See docs/RATIONALE.md, "The run loop". Extra
# arguments go to `swift build`, for example --package-path Benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release -Xswiftc -Xllvm -Xswiftc -tail-dup-succ-size=512 \
    -Xswiftc -Xllvm -Xswiftc -align-all-nofallthru-blocks=5 "$@"
