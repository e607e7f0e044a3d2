#pragma once
// What training and evaluation draw from an emoji shard: pictures composited over a plain named
// colour, captions built from the record's words, and seeded training batches with caption dropout.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/emoji_shard.h"

namespace ds {

struct EmojiBackground {
    std::string name;  // the word captions use: "white", "red", ...
    uint8_t r = 255, g = 255, b = 255;
};

// White first, then red, orange, yellow, green, blue, purple, pink, brown, grey, black.
const std::vector<EmojiBackground>& emoji_backgrounds();
// Throws std::invalid_argument naming the known colours for an unknown name.
const EmojiBackground& emoji_background(const std::string& name);

// Straight-alpha RGBA bytes [..., H, W, 4] (uint8) over a plain colour: float [..., 3, H, W] in [0, 1]
// (channels first, like the model's input). Throws std::invalid_argument for another dtype or shape.
at::Tensor composite(const at::Tensor& rgba, const EmojiBackground& background);

enum class CaptionStyle {
    Full,     // "red apple, food and drink, fruit, twemoji style, on a white background"
    Minimal,  // "red apple, twemoji style, on a white background" (name, skin tones, set, background)
};

// The caption's parts in order: name; first short name, unless its words are already in the name;
// category; subcategory; skin tones ("light skin tone and dark skin tone"); "<set> style"; and
// "on a <background> background" (left out when `background` is empty).
std::vector<std::string> emoji_caption_parts(const EmojiRecord& record, const std::string& background);
// Whether `c` belongs to a word of a caption: an ASCII letter or digit, or any byte of a UTF-8
// sequence ("piñata" is one word). Everything else separates words.
bool caption_word_char(char c);

// The parts of `style` joined with ", ".
std::string emoji_caption(const EmojiRecord& record, const std::string& background,
                          CaptionStyle style = CaptionStyle::Full);

struct EmojiBatchOptions {
    double white_background_probability = 0.5;  // otherwise a uniformly chosen other palette colour
    double part_keep_probability = 0.5;         // each caption part but the name and background
    double background_keep_probability = 0.8;   // the "on a ... background" part
    double empty_caption_probability = 0.1;     // caption "" (for classifier-free guidance)
    // A picture whose name holds a recolourable colour word (recolourable_colour_word) is recoloured
    // to another of those colours, never the background's, with the word swapped in every part of
    // its caption but the background (emoji_recolour.h).
    double recolour_probability = 0.0;
    // A picture that may take a colour tag (takes_colour_tag: not people or flags, no colour word in
    // its name) gets, this often, the colour it shows (dominant_colour_word) put before its name
    // ("frog face" -> "green frog face"), and is then recoloured like a colour-named one, at
    // recolour_probability.
    double colour_tag_probability = 0.0;
};

struct EmojiBatch {
    at::Tensor images;                     // float [B,3,64,64] in [-1, 1], composited
    std::vector<std::string> captions;     // B captions ("" for a dropped one)
    std::vector<std::string> backgrounds;  // B palette names the pictures were composited over
    std::vector<int64_t> indices;          // B shard indices (the input)
    std::vector<std::string> colour_words;  // B: the colour word a recoloured picture now has, else ""
    std::vector<std::string> colour_tags;   // B: the colour word put before a name (before any recolouring), else ""
};

// One training batch of shard.images[indices] (repeats allowed). Everything random comes from a
// local generator seeded with `seed`, so (shard, indices, seed, options) fix the batch on every
// machine. Captions always start with the name (unless empty). Throws std::out_of_range for an
// index outside the shard, std::invalid_argument when the shard's images are not uint8 [N,64,64,4].
EmojiBatch sample_emoji_batch(const EmojiShard& shard, const std::vector<int64_t>& indices, uint64_t seed,
                              const EmojiBatchOptions& options = {});

// The shard indices in the held-out split (held_out true) or the training split, ascending.
std::vector<int64_t> split_indices(const EmojiShard& shard, bool held_out);

}  // namespace ds
