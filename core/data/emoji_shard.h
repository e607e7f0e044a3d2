#pragma once
// The emoji training set in one file: every picture as 64x64 straight-alpha RGBA bytes plus the
// catalogue records, stored as safetensors (tensor "images" U8 [N,64,64,4]; metadata
// {"format": "diffusion-studio-emoji-shard/1", "records": <JSON array>}).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/data/emoji_catalog.h"

namespace ds {

inline constexpr int kEmojiSide = 64;
inline constexpr const char* kEmojiShardFormat = "diffusion-studio-emoji-shard/1";

struct EmojiShard {
    at::Tensor images;                 // uint8 [N,64,64,4] RGBA, straight alpha, CPU, contiguous
    std::vector<EmojiRecord> records;  // records[i] describes images[i]
};

struct EmojiBuildOptions {
    int64_t limit_per_source = 0;  // > 0: at most this many catalogue records from each package (tests)
    std::function<void(const std::string&)> progress;  // one line per package read, when set
};

// What the builder left out, and why.
struct EmojiBuildReport {
    int64_t listed = 0;           // catalogue records considered (after limit_per_source)
    int64_t missing_images = 0;   // listed in emoji.json but no file
    int64_t rejected_images = 0;  // unreadable, corrupt, or not 64x64
    std::vector<std::string> problems;  // the first few skipped files with the reason, one line each
};

// Reads each package's catalogue (read_emoji_catalog) and its pictures, in the order given. Grey and
// RGB pictures get opaque alpha; pictures that are not 64x64 are rejected (counted, not resized:
// the packages' 64 px art is all 64x64, so anything else is a wrong file). Missing or unreadable
// pictures are skipped and counted in `report` (may be null). Throws EmojiDataError for a bad
// package folder, or when no picture at all could be read.
EmojiShard build_emoji_shard(const std::vector<std::string>& package_dirs, EmojiBuildReport* report,
                             const EmojiBuildOptions& options = {});

// Atomic (temp file + rename). Throws EmojiDataError for a shard whose shapes or counts disagree,
// SafetensorsError/FileError when the file cannot be written.
void write_emoji_shard(const std::string& path, const EmojiShard& shard);

// Validates the format string, the records JSON, the "images" dtype and shape, and that there is one
// record per image; throws EmojiDataError (or SafetensorsError for a broken file), one line naming
// the file. The images view the file's mapping (no copy).
EmojiShard read_emoji_shard(const std::string& path);

// Records per set ("noto", "twemoji") and per category, for summaries.
std::map<std::string, int64_t> count_by_set(const std::vector<EmojiRecord>& records);
std::map<std::string, int64_t> count_by_category(const std::vector<EmojiRecord>& records);

}  // namespace ds
