#!/usr/bin/env bash
# The README's test command: set up, build, and run every test through ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DS_BUILD_DIR:-$root/build}
bash "$root/packaging/build.sh"
# Widgets tests run without a display.
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
cd "$build"
ctest --output-on-failure -j "${DS_TEST_JOBS:-2}" "$@"
