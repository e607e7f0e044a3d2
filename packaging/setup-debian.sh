#!/usr/bin/env bash
# Installs every Debian 12 package that Diffusion Studio's build, tests and studio need.
# Idempotent: a second run on a set-up machine checks the list and installs nothing.
# Runs as root (or through sudo when available).
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build ccache pkg-config git ca-certificates
    # Qt 6: widgets, SVG (openmoji rendering), translations (lupdate/lrelease), Linguist
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools linguist-qt6
    qt6-svg-dev libgl-dev
    # plots
    libqcustomplot-dev
    # diffusion core: libtorch with an optimised BLAS (without OpenBLAS, libtorch's matmuls fall
    # back to the reference BLAS at ~3% of the speed)
    libtorch-dev libopenblas0-openmp
    # image I/O (pkg-config OpenImageIO; its CMake config needs the tools package)
    libopenimageio-dev openimageio-tools
    # built-in model tokenizer, JSON, tests
    libsentencepiece-dev nlohmann-json3-dev libgtest-dev libgmock-dev
    # offscreen/xvfb runs of the studio and its screenshots
    xvfb xauth
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#packages[@]} packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run as root (missing: ${missing[*]})" >&2; exit 1; }
    SUDO=sudo
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
