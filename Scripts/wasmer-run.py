#!/usr/bin/env python3
"""Runs one WASIX module under wasmer (PyPI `wasmer-sdk`, offline), the way the oracle tests run `wasix-run`.

Usage: Scripts/wasmer-run.py [--dir HOST] [--env NAME=VALUE]... [--program NAME=FILE]... [--stdin FILE]
                             [--net] [--timeout SECONDS] MODULE ARGS...
The guest's stdout goes to stdout and its stderr to stderr, and the script exits with the guest's exit code.
A wasmer sandbox has no host mounts: the only directory the host can fill and read is the guest's /workspace,
so --dir HOST is copied there before the run, and afterwards HOST is made a copy of /workspace (files and
directories; wasmer's filesystem API shows neither symlinks nor modes). Each --program is the one command of a
package installed beside the module, which wasmer shows the guest as /bin/NAME. --net gives the guest the
host's network (without it, none). Nothing is downloaded.
What wasmer cannot report as an exit code (a module it refuses, a trap, a timeout) prints `wasmer-run: ...`
after the guest's output and exits with 125.
"""
import argparse
import asyncio
import os
import shutil
import sys
import tempfile

WORKSPACE = "/workspace"


def fail(message):
    sys.stdout.flush()
    print(f"wasmer-run: {message}", file=sys.stderr, flush=True)
    os._exit(125)


try:
    from wasmer_sdk import ExitReason, NetworkPolicy, PackageCommandDefinition, PackageDefinition, Wasmer, WasmerError
except ImportError as error:
    fail(f"wasmer-sdk is not importable: {error}")


def host_tree(root):
    """The directories (parents first) and the files under `root`, as paths relative to it."""
    directories, files = [], []
    for parent, subdirectories, names in os.walk(root):
        relative = os.path.relpath(parent, root)
        for name in sorted(subdirectories):
            path = os.path.normpath(os.path.join(relative, name))
            if os.path.islink(os.path.join(root, path)):
                fail(f"{os.path.join(root, path)}: symlinks cannot be copied into a wasmer sandbox")
            directories.append(path)
        for name in sorted(names):
            path = os.path.normpath(os.path.join(relative, name))
            if os.path.islink(os.path.join(root, path)) or not os.path.isfile(os.path.join(root, path)):
                fail(f"{os.path.join(root, path)}: only plain files can be copied into a wasmer sandbox")
            files.append(path)
    return directories, files


async def guest_tree(fs, directory=WORKSPACE, relative=""):
    """The guest's directories and files under `directory`: (relative path, is a directory) pairs, parents first."""
    entries = []
    for entry in sorted(await fs.read_dir(directory), key=lambda entry: entry.name):
        path = os.path.join(relative, entry.name)
        entries.append((path, entry.kind == "directory"))
        if entry.kind == "directory":
            entries += await guest_tree(fs, f"{directory}/{entry.name}", path)
    return entries


async def copy_out(fs, host):
    """Makes `host` a copy of the guest's /workspace."""
    entries = await guest_tree(fs)
    wanted = {path: is_directory for path, is_directory in entries}
    directories, files = host_tree(host)
    for path in files:
        if wanted.get(path) is not False:
            os.remove(os.path.join(host, path))
    for path in reversed(directories):
        if wanted.get(path) is not True:
            shutil.rmtree(os.path.join(host, path))
    for path, is_directory in entries:
        target = os.path.join(host, path)
        if is_directory:
            os.makedirs(target, exist_ok=True)
        else:
            with open(target, "wb") as file:
                file.write(await fs.read(f"{WORKSPACE}/{path}"))


def pair(text, option):
    name, separator, value = text.partition("=")
    if not separator or not name:
        fail(f"{option} wants NAME=VALUE, not {text!r}")
    return name, value


async def drain(stream, sink):
    """Copies one of the guest's output streams to `sink` as it comes."""
    async for chunk in stream:
        sink.write(chunk)
        sink.flush()


async def feed(process, data):
    """Writes `data` to the guest's stdin and closes it; a guest that stops reading early ends the write."""
    try:
        await process.stdin.write(data)
        await process.stdin.close()
    except WasmerError:
        pass


async def run(options):
    """Runs the guest; returns its exit code, or exits with 125 after a failure of wasmer's."""
    if options.dir and not os.path.isdir(options.dir):
        fail(f"{options.dir}: not a directory")
    with open(options.module, "rb") as file:
        module = file.read()
    programs = {}
    for text in options.program:
        name, path = pair(text, "--program")
        with open(path, "rb") as file:
            programs[name] = file.read()
    stdin = None
    if options.stdin:
        with open(options.stdin, "rb") as file:
            stdin = file.read()
    environment = dict(pair(text, "--env") for text in options.env)
    network = NetworkPolicy.HOST if options.net else NetworkPolicy.DISABLED

    failure = None
    with tempfile.TemporaryDirectory(prefix="wasmer-run-") as cache:
        async with Wasmer(cache_root=cache) as wasmer:
            package = await wasmer.packages.load(module)
            packages = [package]
            for name, binary in programs.items():
                packages.append(await wasmer.packages.create(PackageDefinition(
                    modules={name: binary}, commands={name: PackageCommandDefinition(module=name)})))
            async with await wasmer.sandboxes.create(packages=packages, network=network) as sandbox:
                if options.dir:
                    directories, files = host_tree(options.dir)
                    for path in directories:
                        await sandbox.fs.mkdir(f"{WORKSPACE}/{path}", recursive=True)
                    for path in files:
                        with open(os.path.join(options.dir, path), "rb") as file:
                            await sandbox.fs.write(f"{WORKSPACE}/{path}", file.read())
                command = sandbox.command(package, options.arguments, env=environment)
                # Spawned rather than run, so that what the guest printed before a trap is not lost.
                process = await command.spawn(timeout=options.timeout, stdin="closed" if stdin is None else "pipe")
                tasks = [asyncio.create_task(drain(process.stdout, sys.stdout.buffer)),
                         asyncio.create_task(drain(process.stderr, sys.stderr.buffer))]
                if stdin is not None:
                    tasks.append(asyncio.create_task(feed(process, stdin)))
                try:
                    output = await process.wait()
                except WasmerError as error:  # a trap: wasmer reports no status for it
                    failure = f"the guest failed: {error}"
                # Children still running keep the output streams open: what they print after the guest has
                # ended is not the guest's (wasix-run and the native oracle stop them then).
                _, running = await asyncio.wait(tasks, timeout=1)
                for task in running:
                    task.cancel()
                if options.dir:
                    await copy_out(sandbox.fs, options.dir)
    if failure:
        fail(failure)
    if output.reason is not ExitReason.EXITED:
        fail(f"the guest did not exit: {output.reason.value} (code {output.exit_code})")
    return output.exit_code


def main():
    parser = argparse.ArgumentParser(description="Runs a WASIX module under wasmer-sdk.")
    parser.add_argument("--dir", help="a host directory seen as /workspace, and updated after the run")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--program", action="append", default=[], metavar="NAME=FILE",
                        help="a module the guest can run as /bin/NAME")
    parser.add_argument("--stdin", help="a file to read as the guest's stdin (default: empty)")
    parser.add_argument("--net", action="store_true", help="give the guest the host's network")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("module")
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    try:
        status = asyncio.run(run(options))
    except WasmerError as error:
        fail(f"{error} ({error.code})")
    sys.stdout.flush()
    sys.stderr.flush()
    # Without the interpreter's teardown: wasmer's threads sometimes abort the process while it unloads them.
    os._exit(status & 0xFF)


if __name__ == "__main__":
    main()
