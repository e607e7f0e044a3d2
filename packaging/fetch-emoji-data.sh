#!/usr/bin/env bash
# Fetches the emoji art the built-in model trains on and builds its shard. This is the project's only
# network step: `npm pack` of two pinned emoji-datasource packages (Noto Emoji art, Apache-2.0;
# Twemoji art, CC-BY-4.0). The art is never committed; it lives under DATA_DIR (git-ignored).
#
#   bash packaging/fetch-emoji-data.sh [DATA_DIR]     (default: data/emoji under the repository)
#
# Needs npm and a built CLI: build/diffusion-studio-cli, or $DS_BUILD_DIR/diffusion-studio-cli, or $DS_CLI.
# A .tgz already in DATA_DIR/npm is reused, so copying the two archives there makes it work offline.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data_dir=${1:-$root/data/emoji}
cli=${DS_CLI:-${DS_BUILD_DIR:-$root/build}/diffusion-studio-cli}
packages=(emoji-datasource-google@16.0.0 emoji-datasource-twitter@16.0.0)

die() {
    echo "fetch-emoji-data: $*" >&2
    exit 1
}

mkdir -p "$data_dir/npm" || die "cannot create $data_dir/npm"
data_dir=$(cd "$data_dir" && pwd)

sources=()
for spec in "${packages[@]}"; do
    name=${spec%@*}
    version=${spec#*@}
    set_name=${name#emoji-datasource-}
    tgz="$data_dir/npm/$name-$version.tgz"
    if [[ -f $tgz ]]; then
        echo "using $tgz"
    else
        command -v npm >/dev/null 2>&1 || die "npm not found; install it with: apt-get install npm"
        echo "downloading $spec with npm pack (about 70 MB)"
        (cd "$data_dir/npm" && npm pack --silent "$spec" >/dev/null) || die "npm pack $spec failed"
        [[ -f $tgz ]] || die "npm pack did not produce $tgz"
    fi

    # Only what the builder and the licence need: the catalogue, licence/readme, and the 64 px art.
    dest="$data_dir/$name"
    tmp="$dest.tmp-$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    echo "extracting $name into $dest"
    tar -xzf "$tgz" -C "$tmp" --strip-components=1 --wildcards \
        'package/emoji.json' 'package/LICENSE*' 'package/README*' "package/img/$set_name/64/*" ||
        { rm -rf "$tmp"; die "cannot extract $tgz (corrupt download? delete it and run again)"; }
    [[ -f $tmp/emoji.json && -d $tmp/img/$set_name/64 ]] ||
        { rm -rf "$tmp"; die "$tgz has no emoji.json or img/$set_name/64"; }
    rm -rf "$dest"
    mv "$tmp" "$dest"
    echo "  $(find "$dest/img/$set_name/64" -name '*.png' | wc -l) pictures"
    sources+=(--source "$dest")
done

[[ -x $cli ]] || die "$cli not found; build it first (packaging/build.sh) or set DS_CLI"
echo "building $data_dir/emoji-64.shard"
"$cli" dataset "${sources[@]}" --out "$data_dir/emoji-64.shard"
