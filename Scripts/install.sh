#!/usr/bin/env bash
# Builds wasix-run for release and installs it as PREFIX/bin/wasix-run (default PREFIX:
# ~/.local). Usage: Scripts/install.sh [PREFIX]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-$HOME/.local}"
swift build -c release --product wasix-run
mkdir -p "$prefix/bin"
install -m 755 "$(swift build -c release --show-bin-path)/wasix-run" "$prefix/bin/wasix-run"
echo "installed $prefix/bin/wasix-run"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "add $prefix/bin to PATH to run it as wasix-run" ;; esac
