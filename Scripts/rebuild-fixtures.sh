#!/usr/bin/env bash
# Rebuilds every .wasm under Fixtures/ from its source in the same folder. Idempotent; writes nowhere else.
# Needs wat2wasm (Debian: wabt).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "wat2wasm $(wat2wasm --version)"
for source in Fixtures/interpreter/*.wat; do
    wat2wasm --enable-threads --debug-names "$source" -o "${source%.wat}.wasm"
done
