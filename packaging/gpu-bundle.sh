#!/usr/bin/env bash
# Gathers, on this Debian 12 machine, what a GPU server with PyTorch but none of our packages needs
# to build and train (packaging/build-gpu.sh, packaging/train-builtin-gpu.sh), into one folder to
# copy over:
#   DIR/deps/{include,lib}   sentencepiece (headers, libraries) and nlohmann-json (headers): DEPS_PREFIX
#   DIR/emoji-64.shard.xz    the training shard, compressed (126 MB -> 13 MB): DATA
#
#   bash packaging/gpu-bundle.sh [DIR]     # default .gpu (ignored by git)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-.gpu}
SHARD=${SHARD:-data/emoji/emoji-64.shard}
LIB=/usr/lib/x86_64-linux-gnu
mkdir -p "$DIR/deps/lib" "$DIR/deps/include"
cp -a "$LIB"/libsentencepiece.so* "$LIB"/libsentencepiece_train.so* "$DIR/deps/lib/"
cp /usr/include/sentencepiece_processor.h /usr/include/sentencepiece_trainer.h "$DIR/deps/include/"
cp -r /usr/include/nlohmann "$DIR/deps/include/"
if [ -f "$SHARD" ]; then
    xz -6 -T0 -c "$SHARD" > "$DIR/emoji-64.shard.xz.tmp" && mv "$DIR/emoji-64.shard.xz.tmp" "$DIR/emoji-64.shard.xz"
else
    echo "gpu-bundle: no $SHARD (bash packaging/fetch-emoji-data.sh makes it); bundling the libraries only" >&2
fi
du -sh "$DIR"
echo "gpu-bundle: on the server, DEPS_PREFIX=$DIR/deps bash packaging/train-builtin-gpu.sh with DATA=$DIR/emoji-64.shard.xz"
