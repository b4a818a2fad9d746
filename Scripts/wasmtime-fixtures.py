#!/usr/bin/env python3
"""Runs the WASI fixtures under wasmtime (PyPI `wasmtime`) with the same setup as the test suite, so that every
expectation is checked against a reference runtime.

Usage: Scripts/wasmtime-fixtures.py [--write] [NAME...]
Prints each fixture's stdout and exit status; with --write, stores them as expected.stdout / expected.exit.
Setup (as in Tests/CLITests): a temporary directory holds `secret.txt` and `sandbox/` (a copy of the fixture's
`sandbox/` folder, if any), preopened at /sandbox; `args` and `env` give arguments and environment, one per
line; `stdin` is the standard input.
"""
import os
import shutil
import sys
import tempfile

import wasmtime

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "wasi")


def lines(path):
    return open(path).read().splitlines() if os.path.exists(path) else []


def run(name):
    fixture = os.path.join(ROOT, name)
    with tempfile.TemporaryDirectory() as temp:
        open(os.path.join(temp, "secret.txt"), "w").write("secret\n")
        sandbox = os.path.join(temp, "sandbox")
        if os.path.isdir(os.path.join(fixture, "sandbox")):
            shutil.copytree(os.path.join(fixture, "sandbox"), sandbox)
        else:
            os.mkdir(sandbox)
        out = os.path.join(temp, "stdout")
        config = wasmtime.WasiConfig()
        config.argv = ["main.wasm"] + lines(os.path.join(fixture, "args"))
        config.env = [line.split("=", 1) for line in lines(os.path.join(fixture, "env"))]
        config.preopen_dir(sandbox, "/sandbox")
        if os.path.exists(os.path.join(fixture, "stdin")):
            config.stdin_file = os.path.join(fixture, "stdin")
        config.stdout_file = out
        config.inherit_stderr()
        engine = wasmtime.Engine()
        store = wasmtime.Store(engine)
        store.set_wasi(config)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        module = wasmtime.Module.from_file(engine, os.path.join(fixture, "main.wasm"))
        status = 0
        try:
            linker.instantiate(store, module).exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            status = e.code
        except (wasmtime.Trap, wasmtime.WasmtimeError):
            status = 134
        return open(out).read(), status


def main():
    write = "--write" in sys.argv
    names = [a for a in sys.argv[1:] if not a.startswith("--")] or sorted(os.listdir(ROOT))
    for name in names:
        stdout, status = run(name)
        print(f"== {name}: exit {status}\n{stdout}", end="")
        if write:
            open(os.path.join(ROOT, name, "expected.stdout"), "w").write(stdout)
            open(os.path.join(ROOT, name, "expected.exit"), "w").write(f"{status}\n")


if __name__ == "__main__":
    main()
