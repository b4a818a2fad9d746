#!/usr/bin/env bash
# A release build for speed: LLVM copies the run loop's dispatch into every op (threaded dispatch), which it
# does not do by default for a switch this large. See docs/RATIONALE.md, "The run loop". Extra arguments go to
# `swift build`, for example --package-path Benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release -Xswiftc -Xllvm -Xswiftc -tail-dup-succ-size=512 "$@"
