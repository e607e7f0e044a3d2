#include "core/data/emoji_recolour.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "core/data/emoji_batch.h"
#include "core/image/hsv.h"

namespace ds {
namespace {

constexpr double kShadeWindow = 45.0;  // degrees around the palette hue where the picture's shade is sought
constexpr double kFullTurn = 25.0;     // pixels this close to the shade turn fully ...
constexpr double kFadeEnd = 45.0;      // ... fading to untouched here
constexpr double kMinSaturation = 0.2;
constexpr double kMinValue = 0.12;
constexpr double kMinShadeFraction = 0.05;
constexpr double kDominantHueScale = 30.0;  // dominant_colour_word's distance: 30 degrees of hue ...
constexpr double kDominantToneScale = 0.35;  // ... or 0.35 of saturation or value count as 1
constexpr double kDominantMaxDistance = 2.0;
constexpr double kDominantSaturation = 0.25;
constexpr double kDominantValue = 0.2;
constexpr double kDominantFraction = 0.5;

// Signed difference a - b of two hues, in (-180, 180].
double hue_difference(double a, double b) {
    double d = std::fmod(a - b, 360.0);
    if (d > 180.0) d -= 360.0;
    if (d <= -180.0) d += 360.0;
    return d;
}

// Any palette colour (emoji_backgrounds()) in HSV.
Hsv palette_hsv(const std::string& name) {
    const EmojiBackground& c = emoji_background(name);
    return rgb_to_hsv(c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

// A recolourable one; throws std::invalid_argument for another word.
Hsv palette_colour(const std::string& word) {
    const auto& words = recolourable_colour_words();
    if (std::find(words.begin(), words.end(), word) == words.end())
        throw std::invalid_argument("cannot recolour to or from '" + word + "' (red, orange, yellow, green, blue or purple)");
    return palette_hsv(word);
}

// Whether text[at, at + length) is a whole word (no word character just before or after it).
bool whole_word_at(const std::string& text, size_t at, size_t length) {
    return (at == 0 || !caption_word_char(text[at - 1])) &&
           (at + length == text.size() || !caption_word_char(text[at + length]));
}

// Where `word` first occurs in `text` as a whole word, or std::string::npos.
size_t find_whole_word(const std::string& text, const std::string& word) {
    for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1))
        if (whole_word_at(text, at, word.size())) return at;
    return std::string::npos;
}

}  // namespace

const std::vector<std::string>& recolourable_colour_words() {
    static const std::vector<std::string> words{"red", "orange", "yellow", "green", "blue", "purple"};
    return words;
}

bool shows_people(const EmojiRecord& record) {
    return record.category == "people and body" || !record.skin_tones.empty();
}

std::string recolourable_colour_word(const EmojiRecord& record) {
    if (shows_people(record)) return "";
    size_t best = std::string::npos;
    std::string found;
    for (const std::string& w : recolourable_colour_words()) {
        // The earliest whole-word occurrence of any colour word.
        const size_t at = find_whole_word(record.name, w);
        if (at < best) best = at, found = w;
    }
    return found;
}

std::string dominant_colour_word(const uint8_t* rgba, int64_t pixels) {
    // Pink and brown take part so that pale and dark shades are not counted as red or orange; a
    // pixel is the nearest of these colours in hue, saturation and value, or none beyond
    // kDominantMaxDistance.
    const std::vector<std::string>& words = recolourable_colour_words();
    std::vector<Hsv> named;
    for (const std::string& w : words) named.push_back(palette_colour(w));
    for (const char* other : {"pink", "brown"}) named.push_back(palette_hsv(other));
    std::vector<double> weight(named.size(), 0.0);
    double visible = 0;
    for (int64_t p = 0; p < pixels; ++p) {
        const uint8_t* px = rgba + p * 4;
        const double a = px[3] / 255.0;
        if (a <= 0) continue;
        visible += a;
        const Hsv c = rgb_to_hsv(px[0] / 255.0, px[1] / 255.0, px[2] / 255.0);
        if (c.s < kDominantSaturation || c.v < kDominantValue) continue;
        size_t nearest = 0;
        double nearest_distance = 1e9;
        for (size_t k = 0; k < named.size(); ++k) {
            const double dh = hue_difference(c.h, named[k].h) / kDominantHueScale;
            const double ds = (c.s - named[k].s) / kDominantToneScale, dv = (c.v - named[k].v) / kDominantToneScale;
            const double d = dh * dh + ds * ds + dv * dv;
            if (d < nearest_distance) nearest = k, nearest_distance = d;
        }
        if (nearest_distance <= kDominantMaxDistance) weight[nearest] += a;
    }
    if (visible <= 0) return "";
    const size_t best = static_cast<size_t>(std::max_element(weight.begin(), weight.end()) - weight.begin());
    return best < words.size() && weight[best] >= kDominantFraction * visible ? words[best] : "";
}

bool names_a_colour(const std::string& name) {
    const std::vector<EmojiBackground>& palette = emoji_backgrounds();
    return std::any_of(palette.begin(), palette.end(),
                       [&](const EmojiBackground& colour) { return find_whole_word(name, colour.name) != std::string::npos; });
}

bool takes_colour_tag(const EmojiRecord& record) {
    return !shows_people(record) && record.category != "flags" && !names_a_colour(record.name);
}

std::string replace_colour_word(const std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) return text;
    std::string out;
    size_t pos = 0;
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) {
        if (!whole_word_at(text, at, from.size()) || at < pos) continue;
        out += text.substr(pos, at - pos) + to;
        pos = at + from.size();
    }
    return out + text.substr(pos);
}

bool recolour_rgba(const uint8_t* in, uint8_t* out, int64_t pixels, const std::string& from, const std::string& to) {
    const double from_hue = palette_colour(from).h;
    const Hsv to_colour = palette_colour(to);
    if (out != in) std::memcpy(out, in, static_cast<size_t>(pixels) * 4);
    if (pixels <= 0) return false;

    // The picture's own shade of `from`: the circular mean of the coloured pixels' hues near the
    // palette hue, weighted by alpha and saturation.
    double visible = 0, shade_weight = 0, sx = 0, sy = 0, value_sum = 0, saturation_sum = 0;
    for (int64_t p = 0; p < pixels; ++p) {
        const uint8_t* px = in + p * 4;
        const double a = px[3] / 255.0;
        visible += a;
        const Hsv c = rgb_to_hsv(px[0] / 255.0, px[1] / 255.0, px[2] / 255.0);
        if (a <= 0 || c.s < kMinSaturation || c.v < kMinValue) continue;
        if (std::fabs(hue_difference(c.h, from_hue)) > kShadeWindow) continue;
        const double w = a * c.s;
        shade_weight += a;
        value_sum += a * c.v;
        saturation_sum += a * c.s;
        sx += w * std::cos(c.h * M_PI / 180.0);
        sy += w * std::sin(c.h * M_PI / 180.0);
    }
    if (visible <= 0 || shade_weight < kMinShadeFraction * visible) return false;
    const double shade = std::atan2(sy, sx) * 180.0 / M_PI;
    const double turn = hue_difference(to_colour.h, shade);
    // Brightness and saturation move toward the palette colour's too, each by one factor so the
    // shading is kept: a hue turn alone makes a dark blue heart olive rather than yellow, a yellow
    // one a pale lilac, and a pastel one pink rather than red.
    const double brighten = std::clamp(to_colour.v * shade_weight / std::max(value_sum, 1e-9), 0.6, 1.5);
    const double saturate = std::clamp(to_colour.s * shade_weight / std::max(saturation_sum, 1e-9), 0.6, 1.6);

    for (int64_t p = 0; p < pixels; ++p) {
        const uint8_t* px = in + p * 4;
        if (px[3] == 0) continue;
        Hsv c = rgb_to_hsv(px[0] / 255.0, px[1] / 255.0, px[2] / 255.0);
        if (c.s < kMinSaturation || c.v < kMinValue) continue;
        const double off = std::fabs(hue_difference(c.h, shade));
        if (off >= kFadeEnd) continue;
        const double amount = off <= kFullTurn ? 1.0 : (kFadeEnd - off) / (kFadeEnd - kFullTurn);
        c.h += amount * turn;
        c.v = std::min(1.0, c.v * (1.0 + amount * (brighten - 1.0)));
        c.s = std::min(1.0, c.s * (1.0 + amount * (saturate - 1.0)));
        double rgb[3];
        hsv_to_rgb(c, rgb);
        for (int k = 0; k < 3; ++k)
            out[p * 4 + k] = static_cast<uint8_t>(std::clamp(std::lround(rgb[k] * 255.0), 0L, 255L));
    }
    return true;
}

}  // namespace ds
