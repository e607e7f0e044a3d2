#!/usr/bin/env bash
# Builds the core, the CLI and ds-check-cuda for a GPU server: no Qt, no tests, no image files
# (DS_WITH_OPENIMAGEIO=OFF), against that machine's CUDA libtorch. Such a server usually has
# PyTorch but none of our Debian packages, so:
#   TORCH_ROOT   the torch package folder (include/, lib/); default: python3's torch
#   DEPS_PREFIX  a folder with include/ and lib/ holding sentencepiece and nlohmann-json when the
#                system has none (packaging/gpu-bundle.sh gathers them on a Debian 12 machine)
#   BUILD        the build folder (default build-gpu)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-gpu}
py() { python3 -c "$1"; }
TORCH_ROOT=${TORCH_ROOT:-$(py 'import os, torch; print(os.path.dirname(torch.__file__))')}
[ -f "$TORCH_ROOT/include/ATen/ATen.h" ] ||
    { echo "build-gpu: no libtorch headers under $TORCH_ROOT (set TORCH_ROOT)" >&2; exit 1; }
ABI=$(py 'import torch; print(int(torch.compiled_with_cxx11_abi()))' 2>/dev/null || true)
VERSION=$(py 'import torch; print(torch.__version__)' 2>/dev/null || echo unknown)
# libtorch 2.12 and later need C++20 in their headers.
STD=17
if py 'import sys, torch; v = tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2]); sys.exit(0 if v >= (2, 12) else 1)' 2>/dev/null; then
    STD=20
fi
echo "build-gpu: libtorch $VERSION at $TORCH_ROOT (C++$STD, cxx11 abi ${ABI:-default})"
GENERATOR=()
command -v ninja > /dev/null && GENERATOR=(-G Ninja)
cmake -S . -B "$BUILD" "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=Release -DDS_BUILD_UI=OFF -DDS_BUILD_TESTS=OFF \
    -DDS_WITH_OPENIMAGEIO=OFF -DDS_TORCH_ROOT="$TORCH_ROOT" -DDS_TORCH_CXX11_ABI="$ABI" -DDS_CXX_STANDARD=$STD \
    ${DEPS_PREFIX:+-DCMAKE_PREFIX_PATH="$(cd "$DEPS_PREFIX" && pwd)"}
cmake --build "$BUILD" -j"$(nproc)" --target diffusion-studio-cli ds_sentencepiece_plugin ds-check-cuda
