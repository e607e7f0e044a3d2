#!/usr/bin/env bash
# Trains the built-in model from scratch on this machine's CPU and exports it into
# resources/models/builtin/ (see resources/models/builtin/MODEL_CARD.md for what it produced).
#
#   bash packaging/fetch-emoji-data.sh      # once: npm pack + the shard (the only network step)
#   bash packaging/train-builtin.sh         # about two hours on 2 cores; resumable: run it again
#
# Every stage resumes from its checkpoint in $WORK, so an interrupted run continues where it
# stopped. Environment: DS_CLI (the CLI binary, default build/diffusion-studio-cli), DATA (the
# shard), WORK (checkpoints and loss logs), OUT (the exported model), DS_THREADS (threads).
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${DS_CLI:-build/diffusion-studio-cli}
DATA=${DATA:-data/emoji/emoji-64.shard}
WORK=${WORK:-data/train}
OUT=${OUT:-resources/models/builtin}
VAE_STEPS=${VAE_STEPS:-500}
UNET_STEPS=${UNET_STEPS:-1000}
INPAINT_STEPS=${INPAINT_STEPS:-300}
VAE_BATCH=${VAE_BATCH:-12}
UNET_BATCH=${UNET_BATCH:-32}

[ -x "$CLI" ] || { echo "train-builtin: no $CLI; build first (bash packaging/build.sh)" >&2; exit 1; }
[ -f "$DATA" ] || { echo "train-builtin: no $DATA; run bash packaging/fetch-emoji-data.sh first" >&2; exit 1; }
mkdir -p "$WORK"

stage() {
    local name=$1; shift
    local start=$SECONDS
    "$CLI" train "$@" --data "$DATA" --work "$WORK"
    echo "$name,$((SECONDS - start))" >> "$WORK/stage-seconds.csv"
}

[ -f "$WORK/tokenizer.model" ] || stage tokenizer tokenizer
stage vae vae --steps "$VAE_STEPS" --batch "$VAE_BATCH" --lr 0.0005
stage unet-cosine unet --schedule cosine --steps "$UNET_STEPS" --batch "$UNET_BATCH" --lr 0.0003 --offset-noise 0.2
stage inpaint inpaint --steps "$INPAINT_STEPS" --batch "$UNET_BATCH" --lr 0.0002 --offset-noise 0.2 --around-weight 0.1
stage unet-linear unet --schedule linear --steps "$UNET_STEPS" --batch "$UNET_BATCH" --lr 0.0003 --offset-noise 0.2
"$CLI" train export --work "$WORK" --out "$OUT"
