#!/usr/bin/env bash
# A release build with the LLVM options that the switch-based run loop needed for speed (LLVM copied its dispatch
# into every op, threaded dispatch, and started every op's code on a 32-byte boundary). The run loop is now
# threaded in the source (tail-calling handlers) and a plain `swift build -c release` is as fast; this stays for
# comparing the two (Benchmarks/README.md). See docs/RATIONALE.md, "The run loop". Extra arguments go to
# `swift build`, for example --package-path Benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release -Xswiftc -Xllvm -Xswiftc -tail-dup-succ-size=512 \
    -Xswiftc -Xllvm -Xswiftc -align-all-nofallthru-blocks=5 "$@"
