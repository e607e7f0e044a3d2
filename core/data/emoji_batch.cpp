#include "core/data/emoji_batch.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <stdexcept>

#include "core/data/emoji_recolour.h"

namespace ds {
namespace {

std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : text + " ") {
        if (caption_word_char(c)) {
            word += c;
        } else if (!word.empty()) {
            words.push_back(word);
            word.clear();
        }
    }
    return words;
}

// "apple" adds nothing to "red apple"; "+1" does add to "thumbs up sign", "joy" does not to
// "face with tears of joy".
bool adds_words(const std::string& short_name, const std::string& name) {
    const std::vector<std::string> have = words_of(name);
    const std::vector<std::string> extra = words_of(short_name);
    if (extra.empty()) return short_name != name && !short_name.empty();
    return std::any_of(extra.begin(), extra.end(),
                       [&](const std::string& w) { return std::find(have.begin(), have.end(), w) == have.end(); });
}

std::string skin_tone_phrase(const std::vector<std::string>& tones) {
    std::string s;
    for (size_t i = 0; i < tones.size(); ++i) s += (i ? " and " : "") + tones[i];
    return s;
}

enum class PartKind { Name, ShortName, Category, Subcategory, SkinTone, Style, Background };

struct Part {
    PartKind kind;
    std::string text;
};

std::vector<Part> caption_parts(const EmojiRecord& r, const std::string& background) {
    std::vector<Part> parts{{PartKind::Name, r.name}};
    if (!r.short_names.empty() && adds_words(r.short_names.front(), r.name))
        parts.push_back({PartKind::ShortName, r.short_names.front()});
    if (!r.category.empty()) parts.push_back({PartKind::Category, r.category});
    if (!r.subcategory.empty()) parts.push_back({PartKind::Subcategory, r.subcategory});
    if (!r.skin_tones.empty()) parts.push_back({PartKind::SkinTone, skin_tone_phrase(r.skin_tones)});
    if (!r.set.empty()) parts.push_back({PartKind::Style, r.set + " style"});
    if (!background.empty()) parts.push_back({PartKind::Background, "on a " + background + " background"});
    return parts;
}

std::string join(const std::vector<std::string>& parts) {
    std::string s;
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
    return s;
}

// Uniform in [0, 1) from the top 53 bits: the same on every standard library (unlike
// std::uniform_real_distribution, whose algorithm is unspecified).
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

constexpr int64_t kPicturePixels = static_cast<int64_t>(kEmojiSide) * kEmojiSide;

// One 64x64 RGBA picture over `bg` into planar RGB in [-1, 1]: a single pass in integers (exact up
// to the final scale), about 10x faster than the same in tensor operations.
void composite_into(const uint8_t* rgba, const EmojiBackground& bg, float* out) {
    const int colour[3] = {bg.r, bg.g, bg.b};
    constexpr float kScale = 2.0f / (255.0f * 255.0f);
    for (int64_t p = 0; p < kPicturePixels; ++p) {
        const int a = rgba[p * 4 + 3];
        for (int c = 0; c < 3; ++c)
            out[c * kPicturePixels + p] =
                static_cast<float>(rgba[p * 4 + c] * a + colour[c] * (255 - a)) * kScale - 1.0f;
    }
}

}  // namespace

const std::vector<EmojiBackground>& emoji_backgrounds() {
    static const std::vector<EmojiBackground> palette{
        {"white", 255, 255, 255}, {"red", 220, 40, 40},    {"orange", 245, 140, 30}, {"yellow", 250, 215, 50},
        {"green", 60, 170, 70},   {"blue", 50, 100, 210},  {"purple", 130, 70, 180}, {"pink", 245, 150, 190},
        {"brown", 130, 85, 50},   {"grey", 128, 128, 128}, {"black", 0, 0, 0},
    };
    return palette;
}

const EmojiBackground& emoji_background(const std::string& name) {
    std::string known;
    for (const EmojiBackground& b : emoji_backgrounds()) {
        if (b.name == name) return b;
        known += (known.empty() ? "" : ", ") + b.name;
    }
    throw std::invalid_argument("unknown background colour '" + name + "' (known: " + known + ")");
}

at::Tensor composite(const at::Tensor& rgba, const EmojiBackground& background) {
    if (rgba.scalar_type() != at::kByte || rgba.dim() < 3 || rgba.size(-1) != 4)
        throw std::invalid_argument("composite: expected uint8 RGBA [..., H, W, 4]");
    const at::Tensor pixels = rgba.to(at::kFloat).div_(255.0f);
    const at::Tensor rgb = pixels.narrow(-1, 0, 3);
    const at::Tensor alpha = pixels.narrow(-1, 3, 1);
    const at::Tensor colour = at::tensor({background.r / 255.0f, background.g / 255.0f, background.b / 255.0f});
    const at::Tensor over = rgb * alpha + colour * (1.0f - alpha);
    return over.movedim(-1, -3).contiguous();
}

std::vector<std::string> emoji_caption_parts(const EmojiRecord& record, const std::string& background) {
    std::vector<std::string> out;
    for (const Part& p : caption_parts(record, background)) out.push_back(p.text);
    return out;
}

std::string emoji_caption(const EmojiRecord& record, const std::string& background, CaptionStyle style) {
    std::vector<std::string> kept;
    for (const Part& p : caption_parts(record, background)) {
        const bool minimal = p.kind == PartKind::Name || p.kind == PartKind::SkinTone || p.kind == PartKind::Style ||
                             p.kind == PartKind::Background;
        if (style == CaptionStyle::Full || minimal) kept.push_back(p.text);
    }
    return join(kept);
}

EmojiBatch sample_emoji_batch(const EmojiShard& shard, const std::vector<int64_t>& indices, uint64_t seed,
                              const EmojiBatchOptions& options) {
    const auto n = static_cast<int64_t>(shard.records.size());
    const at::Tensor& images = shard.images;
    if (!images.defined() || images.scalar_type() != at::kByte || images.dim() != 4 || images.size(0) != n ||
        images.size(1) != kEmojiSide || images.size(2) != kEmojiSide || images.size(3) != 4)
        throw std::invalid_argument("emoji batch: the shard's images must be uint8 [" + std::to_string(n) +
                                    ",64,64,4], one per record");
    for (const int64_t i : indices)
        if (i < 0 || i >= n)
            throw std::out_of_range("emoji batch index " + std::to_string(i) + " is outside the shard (" +
                                    std::to_string(n) + " records)");
    const std::vector<EmojiBackground>& palette = emoji_backgrounds();
    std::mt19937_64 rng(seed);
    EmojiBatch batch;
    batch.indices = indices;
    const auto b = static_cast<int64_t>(indices.size());
    batch.images = at::empty({b, 3, kEmojiSide, kEmojiSide}, at::kFloat);
    const at::Tensor pictures = images.contiguous();
    std::array<uint8_t, kPicturePixels * 4> recoloured{};
    for (int64_t k = 0; k < b; ++k) {
        const EmojiRecord& record = shard.records[static_cast<size_t>(indices[k])];
        // White half the time, else one of the other colours (palette[0] is white).
        const bool white = uniform(rng) < options.white_background_probability;
        const size_t colour = white ? 0 : 1 + static_cast<size_t>(rng() % (palette.size() - 1));
        const EmojiBackground& background = palette[colour];
        batch.backgrounds.push_back(background.name);
        const uint8_t* picture = pictures.data_ptr<uint8_t>() + indices[k] * kPicturePixels * 4;

        // Recolouring and colour tags draw only for the pictures they apply to, so other pictures'
        // batches stay as they were.
        std::string from = options.recolour_probability > 0 ? recolourable_colour_word(record) : "";
        std::string tag;
        if (options.colour_tag_probability > 0 && takes_colour_tag(record) && uniform(rng) < options.colour_tag_probability) {
            tag = dominant_colour_word(picture, kPicturePixels);
            if (options.recolour_probability > 0) from = tag;
        }
        batch.colour_tags.push_back(tag);
        std::string to;
        if (!from.empty() && uniform(rng) < options.recolour_probability) {
            std::vector<std::string> choices;
            for (const std::string& w : recolourable_colour_words())
                if (w != from && w != background.name) choices.push_back(w);
            to = choices[static_cast<size_t>(rng() % choices.size())];
            if (recolour_rgba(picture, recoloured.data(), kPicturePixels, from, to)) picture = recoloured.data();
            else to.clear();  // the word does not name this picture's colour
        }
        batch.colour_words.push_back(to);
        composite_into(picture, background, batch.images.data_ptr<float>() + k * 3 * kPicturePixels);

        std::vector<std::string> kept;
        for (Part& p : caption_parts(record, background.name)) {
            if (p.kind == PartKind::Name && !tag.empty()) p.text = tag + " " + p.text;
            const double keep = p.kind == PartKind::Name         ? 1.0
                                : p.kind == PartKind::Background ? options.background_keep_probability
                                                                 : options.part_keep_probability;
            // Draw for every part, kept or not, so one part's outcome never shifts another's draw.
            if (uniform(rng) < keep)
                kept.push_back(to.empty() || p.kind == PartKind::Background ? p.text : replace_colour_word(p.text, from, to));
        }
        const bool empty = uniform(rng) < options.empty_caption_probability;
        batch.captions.push_back(empty ? std::string() : join(kept));
    }
    return batch;
}

bool caption_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
}

std::vector<int64_t> split_indices(const EmojiShard& shard, bool held_out) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < shard.records.size(); ++i)
        if (shard.records[i].held_out == held_out) out.push_back(static_cast<int64_t>(i));
    return out;
}

}  // namespace ds
