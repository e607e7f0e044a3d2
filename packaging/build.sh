#!/usr/bin/env bash
# Sets up the machine (Debian packages), configures build/ and builds everything. Incremental on a
# used machine: the setup step only checks, and ninja + ccache rebuild only what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DS_BUILD_DIR:-$root/build}

bash "$root/packaging/setup-debian.sh"

# Precompiled headers and ccache together need these sloppiness settings.
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_BASEDIR="$root"
jobs=${DS_JOBS:-$(nproc)}

if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${DS_CMAKE_ARGS:-}
fi
cmake --build "$build" -j "$jobs"
