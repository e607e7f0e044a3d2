#!/usr/bin/env bash
# The built-in model's training on a machine with a CUDA GPU, inside a fixed time budget (such a
# machine is usually lent for minutes): builds the core and the CLI against that machine's libtorch
# (packaging/build-gpu.sh), then trains with --device cuda and far larger batches than the CPU run:
#   the autoencoder; then the cosine and the linear UNet side by side (one GPU, two processes: each
#   alone leaves the GPU mostly idle between small kernels); and the inpainting UNet, started from
#   the cosine one as soon as that has a checkpoint. Every stage resumes from its checkpoint, so
#   running the script again continues the training. Then it exports the model.
#
#   BUDGET=540 bash packaging/train-builtin-gpu.sh
#
# Environment (defaults below): DATA (the shard, or the shard .xz), WORK, EXPORT, BUDGET (seconds
# from start to the end of the export), VAE_SHARE (the autoencoder's share of the training time),
# VAE_STEPS, UNET_STEPS, INPAINT_STEPS, VAE_BATCH, UNET_BATCH, SKIP_VAE=1 (keep WORK's autoencoder),
# DEVICE (default cuda; cpu for a dry run of the script), MIN_SNR (train --min-snr for the UNets;
# 0, the default, is off), FROM_SHIPPED=1 (start every UNet from the shipped weights, with a fresh
# optimiser, and keep the shipped autoencoder: the shipped model has had ~31,000 CPU steps, and
# eval --split training shows it underfits, so a short GPU run gains most by going on from it).
set -euo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)
DATA=${DATA:-data/emoji/emoji-64.shard}
WORK=${WORK:-data/train-gpu}
EXPORT=${EXPORT:-data/export-gpu}
BUDGET=${BUDGET:-7200}
VAE_SHARE=${VAE_SHARE:-0.22}
VAE_STEPS=${VAE_STEPS:-4000}
UNET_STEPS=${UNET_STEPS:-6000}
INPAINT_STEPS=${INPAINT_STEPS:-4000}
VAE_BATCH=${VAE_BATCH:-128}
UNET_BATCH=${UNET_BATCH:-256}
BUILD=${BUILD:-build-gpu}
CLI="$BUILD/diffusion-studio-cli"
export DS_THREADS=${DS_THREADS:-4}  # per process: the CPU only composites batches and tokenizes

if [ "${DATA%.xz}" != "$DATA" ]; then  # python's lzma: an xz binary may be missing
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
        "$DATA" "${DATA%.xz}"
    DATA=${DATA%.xz}
fi
[ -f "$DATA" ] || { echo "train-builtin-gpu: no $DATA (see packaging/fetch-emoji-data.sh)" >&2; exit 1; }
[ -x "$CLI" ] || bash packaging/build-gpu.sh

mkdir -p "$WORK"
# The shipped tokenizer, so captions map to the same pieces (train tokenizer makes a new one).
[ -f "$WORK/tokenizer.model" ] || cp resources/models/builtin/tokenizer.model "$WORK/tokenizer.model"
left() { echo $(( BUDGET - ($(date +%s) - START) )); }
minutes() { python3 -c "print(max(0.2, $1 / 60))"; }
D=(--data "$DATA" --work "$WORK" --device "${DEVICE:-cuda}")
# --init-from is used only when WORK has no checkpoint of that UNet yet: a second run resumes.
init_from() { [ -z "${FROM_SHIPPED:-}" ] || echo "--init-from $WORK/shipped/unet-$1.ckpt.safetensors"; }
if [ -n "${FROM_SHIPPED:-}" ]; then
    [ -f "$WORK/shipped/unet-cosine.ckpt.safetensors" ] ||
        "$CLI" train import --from resources/models/builtin --work "$WORK/shipped" --data "$DATA"
    [ -f "$WORK/vae.ckpt.safetensors" ] || cp "$WORK/shipped/vae.ckpt.safetensors" "$WORK/vae.ckpt.safetensors"
    SKIP_VAE=1
fi
MIN_SNR_ARGS=()
[ "${MIN_SNR:-0}" = 0 ] || MIN_SNR_ARGS=(--min-snr "$MIN_SNR")
TRAIN_SECONDS=$(( $(left) - 40 ))  # the export and packing need well under 40 s
[ "$TRAIN_SECONDS" -gt 60 ] || { echo "train-builtin-gpu: only $(left) s left after the build" >&2; exit 1; }
echo "train-builtin-gpu: $TRAIN_SECONDS s of training"

if [ -z "${SKIP_VAE:-}" ]; then
    VAE_SECONDS=$(python3 -c "print(int($TRAIN_SECONDS * $VAE_SHARE))")
    "$CLI" train vae --steps "$VAE_STEPS" --batch "$VAE_BATCH" --lr 0.0005 --checkpoint-every 500 \
        --minutes "$(minutes "$VAE_SECONDS")" "${D[@]}" 2>&1 | tee -a "$WORK/gpu-vae.log"
fi

UNET_SECONDS=$(( $(left) - 40 ))
U=(--batch "$UNET_BATCH" --lr 0.0003 --offset-noise 0.2 --checkpoint-every 250 --minutes "$(minutes "$UNET_SECONDS")"
   "${MIN_SNR_ARGS[@]}")
# shellcheck disable=SC2046  # init_from prints nothing or two words
"$CLI" train unet --schedule cosine --steps "$UNET_STEPS" "${U[@]}" "${D[@]}" $(init_from cosine) \
    > "$WORK/gpu-unet-cosine.log" 2>&1 &
COSINE=$!
# shellcheck disable=SC2046
"$CLI" train unet --schedule linear --steps "$UNET_STEPS" "${U[@]}" "${D[@]}" $(init_from linear) \
    > "$WORK/gpu-unet-linear.log" 2>&1 &
LINEAR=$!
# From scratch, the inpainting UNet starts from the cosine one's first checkpoint.
[ -n "${FROM_SHIPPED:-}" ] ||
    while [ ! -f "$WORK/unet-cosine.ckpt.safetensors" ] && kill -0 "$COSINE" 2> /dev/null; do sleep 2; done
INPAINT_SECONDS=$(( $(left) - 40 ))
"$CLI" train inpaint --steps "$INPAINT_STEPS" --batch "$UNET_BATCH" --lr 0.0002 --offset-noise 0.2 --around-weight 0.1 \
    --checkpoint-every 250 \
    --minutes "$(minutes "$INPAINT_SECONDS")" "${MIN_SNR_ARGS[@]}" "${D[@]}" $(init_from inpaint) \
    > "$WORK/gpu-unet-inpaint.log" 2>&1 &
INPAINT=$!
status=0
for job in "$COSINE" "$LINEAR" "$INPAINT"; do wait "$job" || status=1; done
for v in cosine linear inpaint; do
    echo "--- unet-$v"; tr '\r' '\n' < "$WORK/gpu-unet-$v.log" | grep -v '^$' | tail -4
done
rm -rf "$EXPORT"
"$CLI" train export --work "$WORK" --out "$EXPORT"
echo "train-builtin-gpu: exported to $EXPORT after $(( $(date +%s) - START )) s (stages ok: $([ $status = 0 ] && echo yes || echo no))"
exit $status
