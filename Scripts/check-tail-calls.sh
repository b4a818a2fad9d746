#!/usr/bin/env bash
# Checks that every handler of the threaded run loop (the closures of `lower(_:)` and `conversion` in
# Sources/WasmInterpreter/Execution/Threaded.swift, and `refresh`, which runs an op again) dispatches with a jump:
# a handler whose dispatch is a call grows the host stack by a frame per op and crashes a long loop. In these
# functions the only indirect transfer of control is the dispatch, so an indirect call is that failure. Run it on
# a release build: swift build -c release --product wasix-run && Scripts/check-tail-calls.sh
# See docs/RATIONALE.md, "The run loop".
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-.build/release/wasix-run}"
objdump -d --no-show-raw-insn "$binary" | swift demangle --simplified | awk '
    /^[0-9a-f]+ <.*>:$/ {
        name = $0; sub(/^[0-9a-f]+ </, "", name); sub(/>:$/, "", name)
        checked = name ~ /^closure #[0-9]+ in (lower|conversion)\(/ || name ~ /^refresh\(/
        if (checked) handlers++
        next
    }
    # Padding after a jump or return ends the function: code after it may be another without a symbol.
    /\t(data16|nop|int3)/ && last ~ /\t(jmp|ret)/ { checked = 0 }
    { last = $0 }
    checked && /\tcall +\*/ { print "dispatch by call in " name ": " $0; bad++ }
    END {
        if (handlers < 100) { print "found only " handlers + 0 " handlers: has lower(_:) been renamed?"; exit 1 }
        print handlers " handlers, " bad + 0 " dispatching by call"
        exit bad > 0
    }'
