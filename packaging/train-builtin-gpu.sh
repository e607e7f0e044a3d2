#!/usr/bin/env bash
# The built-in model's training on a machine with a CUDA GPU: builds the core and the CLI (headless,
# no Qt) against that machine's CUDA libtorch, trains every stage with --device cuda and many more
# steps than the CPU run can afford, and exports the model into $OUT to bring back.
#
#   TORCH_DIR=/path/to/libtorch bash packaging/train-builtin-gpu.sh   # or a pip torch is found itself
#
# Needs the shard (bash packaging/fetch-emoji-data.sh on a machine with network, then copy
# data/emoji/emoji-64.shard over). Environment: DATA, WORK, OUT, VAE_STEPS, UNET_STEPS,
# INPAINT_STEPS, BATCH (defaults below).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-data/emoji/emoji-64.shard}
WORK=${WORK:-data/train-gpu}
OUT=${OUT:-data/export-gpu}
VAE_STEPS=${VAE_STEPS:-6000}
UNET_STEPS=${UNET_STEPS:-20000}
INPAINT_STEPS=${INPAINT_STEPS:-5000}
BATCH=${BATCH:-128}
BUILD=${BUILD:-build-gpu}

if [ -z "${TORCH_DIR:-}" ]; then
    TORCH_DIR=$(python3 -c 'import torch, os; print(os.path.join(torch.utils.cmake_prefix_path, "Torch"))' 2>/dev/null || true)
fi
[ -n "$TORCH_DIR" ] && [ -f "$TORCH_DIR/TorchConfig.cmake" ] ||
    { echo "train-builtin-gpu: set TORCH_DIR to the folder holding a CUDA libtorch's TorchConfig.cmake" >&2; exit 1; }
[ -f "$DATA" ] || { echo "train-builtin-gpu: no $DATA (see packaging/fetch-emoji-data.sh)" >&2; exit 1; }

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDS_BUILD_UI=OFF -DDS_BUILD_TESTS=OFF \
    -DTorch_DIR="$TORCH_DIR"
cmake --build "$BUILD" --target diffusion-studio-cli ds_sentencepiece_plugin
CLI="$BUILD/diffusion-studio-cli"

D=(--data "$DATA" --work "$WORK" --device cuda)
[ -f "$WORK/tokenizer.model" ] || "$CLI" train tokenizer "${D[@]}"
"$CLI" train vae --steps "$VAE_STEPS" --batch "$BATCH" --lr 0.0005 --checkpoint-every 500 "${D[@]}"
"$CLI" train unet --schedule cosine --steps "$UNET_STEPS" --batch "$BATCH" --lr 0.0003 --checkpoint-every 1000 "${D[@]}"
"$CLI" train unet --schedule linear --steps "$UNET_STEPS" --batch "$BATCH" --lr 0.0003 --checkpoint-every 1000 "${D[@]}"
"$CLI" train inpaint --steps "$INPAINT_STEPS" --batch "$BATCH" --lr 0.0002 --checkpoint-every 1000 "${D[@]}"
"$CLI" train export --work "$WORK" --out "$OUT"
echo "train-builtin-gpu: the model is in $OUT; copy it to resources/models/builtin after checking it with 'eval'"
