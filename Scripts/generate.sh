#!/usr/bin/env bash
# Regenerates every generated source file from its data file.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 Scripts/generate.py
