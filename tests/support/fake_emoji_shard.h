#pragma once
// A tiny emoji shard for training tests (header only, no CMake change): ten coloured shapes (hearts,
// discs, a star, a waving hand with a skin-tone variation) drawn as 64x64 straight-alpha RGBA, with
// the catalogue words captions are made of. One record is in the held-out split.
#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/emoji_shard.h"

namespace ds::test {

struct FakeEmoji {
    const char* name;
    const char* unified;
    const char* short_name;
    const char* category;
    const char* subcategory;
    uint8_t r, g, b;
    int shape;  // 0 heart, 1 disc, 2 star (diamond), 3 hand (rectangle)
    const char* skin_tone;
};

inline const std::vector<FakeEmoji>& fake_emoji_list() {
    static const std::vector<FakeEmoji> list{
        {"red heart", "2764-FE0F", "heart", "smileys and emotion", "heart", 220, 30, 40, 0, ""},
        {"blue heart", "1F499", "blue_heart", "smileys and emotion", "heart", 40, 80, 220, 0, ""},
        {"green heart", "1F49A", "green_heart", "smileys and emotion", "heart", 40, 180, 60, 0, ""},
        {"yellow heart", "1F49B", "yellow_heart", "smileys and emotion", "heart", 240, 210, 40, 0, ""},
        {"red apple", "1F34E", "apple", "food and drink", "fruit", 200, 20, 20, 1, ""},
        {"green apple", "1F34F", "green_apple", "food and drink", "fruit", 120, 200, 40, 1, ""},
        {"large blue circle", "1F535", "large_blue_circle", "symbols", "geometric", 30, 90, 230, 1, ""},
        {"white medium star", "2B50", "star", "travel and places", "sky and weather", 250, 200, 30, 2, ""},
        {"waving hand", "1F44B", "wave", "people and body", "hand fingers open", 250, 200, 60, 3, ""},
        {"waving hand", "1F44B-1F3FF", "wave", "people and body", "hand fingers open", 90, 60, 40, 3,
         "dark skin tone"},
    };
    return list;
}

// Whether pixel (x, y) of a 64x64 picture is inside `shape`.
inline bool fake_emoji_inside(int shape, int x, int y) {
    const double u = (x - 31.5) / 24.0, v = (y - 31.5) / 24.0;
    switch (shape) {
        case 0: {  // heart: (u^2 + v^2 - 1)^3 - u^2 v^3 <= 0 with v pointing up
            const double a = u * u + (-v) * (-v) - 1.0;
            return a * a * a - u * u * (-v) * (-v) * (-v) <= 0.0;
        }
        case 1: return u * u + v * v <= 1.0;
        case 2: return std::abs(u) + std::abs(v) <= 1.0;
        default: return std::abs(u) <= 0.6 && std::abs(v) <= 0.9;
    }
}

inline EmojiShard fake_emoji_shard() {
    const auto& list = fake_emoji_list();
    EmojiShard shard;
    shard.images = at::zeros({static_cast<int64_t>(list.size()), kEmojiSide, kEmojiSide, 4}, at::kByte);
    auto px = shard.images.accessor<uint8_t, 4>();
    for (size_t i = 0; i < list.size(); ++i) {
        const FakeEmoji& e = list[i];
        for (int y = 0; y < kEmojiSide; ++y) {
            for (int x = 0; x < kEmojiSide; ++x) {
                if (!fake_emoji_inside(e.shape, x, y)) continue;
                px[i][y][x][0] = e.r;
                px[i][y][x][1] = e.g;
                px[i][y][x][2] = e.b;
                px[i][y][x][3] = 255;
            }
        }
        EmojiRecord r;
        r.unified = e.unified;
        r.name = e.name;
        r.short_names = {e.short_name};
        r.category = e.category;
        r.subcategory = e.subcategory;
        if (*e.skin_tone) r.skin_tones = {e.skin_tone};
        r.set = i % 2 == 0 ? "noto" : "twemoji";
        r.image = std::string("img/google/64/") + e.unified + ".png";
        r.held_out = i == 7;  // the star: the held-out split is not empty either
        shard.records.push_back(r);
    }
    return shard;
}

// Writes fake_emoji_shard() to `path` and returns `path`.
inline std::string write_fake_emoji_shard(const std::string& path) {
    write_emoji_shard(path, fake_emoji_shard());
    return path;
}

}  // namespace ds::test
