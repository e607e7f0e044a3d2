#!/usr/bin/env bash
# The README's run command: set up, build, and start the studio. With no display it runs the CLI
# demo instead and says where its output went.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DS_BUILD_DIR:-$root/build}
bash "$root/packaging/build.sh"

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ -n "${QT_QPA_PLATFORM:-}" ]; then
    exec "$build/diffusion-studio" "$@"
fi
echo "No display found: running the command-line demo instead."
out=${DS_DEMO_DIR:-$root/demo-output}
"$build/diffusion-studio-cli" demo --out-dir "$out"
