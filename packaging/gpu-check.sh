#!/usr/bin/env bash
# On a machine with a CUDA GPU: builds the core and the CLI against its libtorch
# (packaging/build-gpu.sh), then runs the same generation on the CPU in fp32 and on CUDA in fp32,
# fp16 and bf16, and prints the normalised error of each against the CPU run and the seconds per
# image (ds-check-cuda), for a Stable Diffusion model and for the built-in one.
#
#   MODEL=path/to/model.safetensors TOKENIZER=path/to/tokenizer bash packaging/gpu-check.sh
# Environment: MODEL (default: only the built-in model), TOKENIZER, SIZE (default 256), STEPS (10).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-gpu}
[ -x "$BUILD/ds-check-cuda" ] || bash packaging/build-gpu.sh
if [ -n "${MODEL:-}" ]; then
    "$BUILD/ds-check-cuda" --model "$MODEL" ${TOKENIZER:+--tokenizer "$TOKENIZER"} --size "${SIZE:-256}" \
        --steps "${STEPS:-10}"
fi
"$BUILD/ds-check-cuda" --steps 25
