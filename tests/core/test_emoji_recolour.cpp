// Recolouring colour-named emoji: which names carry a recolourable word, whole-word swaps in captions,
// the hue turn on a synthetic picture (only the named shade moves, to the palette hue; grey, white,
// alpha and transparent pixels stay; a round trip comes back), refusal when the word does not name
// the picture's colour, the colour a picture shows when its name says none, and the batch
// sampler's use of both (caption and picture agree, the target is never the background, nothing
// changes while the options are off).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/data/emoji_batch.h"
#include "core/data/emoji_recolour.h"
#include "core/data/emoji_shard.h"

namespace {

constexpr int kSide = ds::kEmojiSide;
constexpr int64_t kPixels = static_cast<int64_t>(kSide) * kSide;

ds::EmojiRecord record(const std::string& name, const std::string& category = "symbols") {
    ds::EmojiRecord r;
    r.name = name;
    r.category = category;
    r.subcategory = "geometric";
    r.set = "noto";
    r.unified = "1F534";
    return r;
}

struct Rgba {
    uint8_t r, g, b, a;
};

// A disc of `fill` with a grey ring, a white highlight and a transparent outside.
std::vector<uint8_t> disc_picture(Rgba fill) {
    std::vector<uint8_t> px(static_cast<size_t>(kPixels) * 4, 0);
    for (int y = 0; y < kSide; ++y)
        for (int x = 0; x < kSide; ++x) {
            const double d = std::hypot(x - 31.5, y - 31.5);
            Rgba c{0, 0, 0, 0};
            if (d < 22) c = fill;
            else if (d < 26) c = {120, 120, 120, 255};
            else if (d < 27) c = {fill.r, fill.g, fill.b, 128};  // anti-aliased edge
            if (std::hypot(x - 25.0, y - 25.0) < 4) c = {255, 255, 255, 255};
            uint8_t* p = px.data() + (y * kSide + x) * 4;
            p[0] = c.r, p[1] = c.g, p[2] = c.b, p[3] = c.a;
        }
    return px;
}

const uint8_t* pixel(const std::vector<uint8_t>& px, int x, int y) { return px.data() + (y * kSide + x) * 4; }

double hue(const uint8_t* p) {
    const double r = p[0], g = p[1], b = p[2];
    const double mx = std::max({r, g, b}), mn = std::min({r, g, b}), d = mx - mn;
    if (d <= 0) return 0;
    if (mx == r) return 60.0 * std::fmod((g - b) / d + 6.0, 6.0);
    if (mx == g) return 60.0 * ((b - r) / d + 2.0);
    return 60.0 * ((r - g) / d + 4.0);
}

double hue_distance(double a, double b) {
    const double d = std::fmod(std::fabs(a - b), 360.0);
    return std::min(d, 360.0 - d);
}

double palette_hue(const std::string& word) {
    const ds::EmojiBackground& c = ds::emoji_background(word);
    const uint8_t p[4] = {c.r, c.g, c.b, 255};
    return hue(p);
}

Rgba palette(const std::string& word) {
    const ds::EmojiBackground& c = ds::emoji_background(word);
    return {c.r, c.g, c.b, 255};
}

}  // namespace

TEST(EmojiRecolour, ColourWordsAreWholeWordsOfThingsButNotPeople) {
    EXPECT_EQ(ds::recolourable_colour_words(),
              (std::vector<std::string>{"red", "orange", "yellow", "green", "blue", "purple"}));
    EXPECT_EQ(ds::recolourable_colour_word(record("large blue circle")), "blue");
    EXPECT_EQ(ds::recolourable_colour_word(record("hollow red circle")), "red");
    EXPECT_EQ(ds::recolourable_colour_word(record("down-pointing small red triangle")), "red");
    EXPECT_EQ(ds::recolourable_colour_word(record("green and red thing")), "green");  // the first one
    EXPECT_EQ(ds::recolourable_colour_word(record("purple")), "purple");
    EXPECT_EQ(ds::recolourable_colour_word(record("redwood, greenhouse")), "");  // not whole words
    EXPECT_EQ(ds::recolourable_colour_word(record("black heart")), "");         // not chromatic
    EXPECT_EQ(ds::recolourable_colour_word(record("pink heart")), "");
    EXPECT_EQ(ds::recolourable_colour_word(record("man: red hair", "people and body")), "");
    ds::EmojiRecord toned = record("red thing");
    toned.skin_tones = {"light skin tone"};
    EXPECT_EQ(ds::recolourable_colour_word(toned), "");
}

TEST(EmojiRecolour, CaptionWordsAreSwappedWholeWordsOnly) {
    EXPECT_EQ(ds::replace_colour_word("green apple", "green", "blue"), "blue apple");
    EXPECT_EQ(ds::replace_colour_word("green_apple", "green", "red"), "red_apple");
    EXPECT_EQ(ds::replace_colour_word("greenhouse, green, evergreen tree", "green", "purple"),
              "greenhouse, purple, evergreen tree");
    EXPECT_EQ(ds::replace_colour_word("red red", "red", "orange"), "orange orange");
    EXPECT_EQ(ds::replace_colour_word("apple", "red", "blue"), "apple");
    EXPECT_EQ(ds::replace_colour_word("", "red", "blue"), "");
    EXPECT_EQ(ds::replace_colour_word("red\xc3\xa9 red", "red", "blue"), "red\xc3\xa9 blue");  // UTF-8 letters join words
    for (char c : std::string("aZ7\xc3\xa9")) EXPECT_TRUE(ds::caption_word_char(c)) << int(c);
    for (char c : std::string(" ,_-:'")) EXPECT_FALSE(ds::caption_word_char(c)) << c;
}

TEST(EmojiRecolour, TurnsOnlyTheNamedShadeToThePaletteHue) {
    const std::vector<uint8_t> red = disc_picture({230, 45, 50, 255});  // a slightly bluish red
    for (const std::string& to : ds::recolourable_colour_words()) {
        if (to == "red") continue;
        std::vector<uint8_t> out(red.size(), 7);
        ASSERT_TRUE(ds::recolour_rgba(red.data(), out.data(), kPixels, "red", to)) << to;
        // The fill (and its anti-aliased edge) takes the palette hue of `to`.
        EXPECT_LT(hue_distance(hue(pixel(out, 40, 32)), palette_hue(to)), 3.0) << to;
        EXPECT_LT(hue_distance(hue(pixel(out, 32, 5)), palette_hue(to)), 3.0) << to;  // the edge ring
        // Grey ring, white highlight, transparent outside and every alpha stay as they were.
        for (int64_t p = 0; p < kPixels; ++p) {
            EXPECT_EQ(out[p * 4 + 3], red[p * 4 + 3]);
            const uint8_t* in = red.data() + p * 4;
            const bool grey = in[0] == in[1] && in[1] == in[2];
            if (grey || in[3] == 0)
                for (int c = 0; c < 3; ++c) ASSERT_EQ(out[p * 4 + c], in[c]) << to << " pixel " << p;
        }
    }
    // The brightness follows the palette too: red's dark shade turned yellow is bright, not olive.
    std::vector<uint8_t> yellow(red.size());
    ASSERT_TRUE(ds::recolour_rgba(red.data(), yellow.data(), kPixels, "red", "yellow"));
    const uint8_t* y = pixel(yellow, 40, 32);
    EXPECT_GT(std::min(y[0], y[1]), 200);
    EXPECT_LT(y[2], 90);
}

TEST(EmojiRecolour, PaletteColoursRoundTrip) {
    const std::vector<uint8_t> red = disc_picture(palette("red"));
    std::vector<uint8_t> blue(red.size()), back(red.size());
    ASSERT_TRUE(ds::recolour_rgba(red.data(), blue.data(), kPixels, "red", "blue"));
    const ds::EmojiBackground& b = ds::emoji_background("blue");
    const uint8_t* fill = pixel(blue, 40, 32);
    EXPECT_NEAR(fill[0], b.r, 2);
    EXPECT_NEAR(fill[1], b.g, 2);
    EXPECT_NEAR(fill[2], b.b, 2);
    ASSERT_TRUE(ds::recolour_rgba(blue.data(), back.data(), kPixels, "blue", "red"));
    int worst = 0;
    for (size_t i = 0; i < red.size(); ++i) worst = std::max(worst, std::abs(int(back[i]) - int(red[i])));
    EXPECT_LE(worst, 3);
    // In place (out == in) gives the same as a separate output.
    std::vector<uint8_t> in_place = red;
    ASSERT_TRUE(ds::recolour_rgba(in_place.data(), in_place.data(), kPixels, "red", "blue"));
    EXPECT_EQ(in_place, blue);
}

TEST(EmojiRecolour, RefusesWhenTheWordDoesNotNameThePicturesColour) {
    // Twemoji's "up-pointing small red triangle" is a blue button: nothing red to turn.
    const std::vector<uint8_t> blue = disc_picture({60, 110, 220, 255});
    std::vector<uint8_t> out(blue.size(), 0);
    EXPECT_FALSE(ds::recolour_rgba(blue.data(), out.data(), kPixels, "red", "green"));
    EXPECT_EQ(out, blue);
    // A fully transparent or all-grey picture has no shade either.
    const std::vector<uint8_t> empty(blue.size(), 0);
    EXPECT_FALSE(ds::recolour_rgba(empty.data(), out.data(), kPixels, "red", "green"));
    EXPECT_EQ(out, empty);
    EXPECT_THROW(ds::recolour_rgba(blue.data(), out.data(), kPixels, "blue", "pink"), std::invalid_argument);
    EXPECT_THROW(ds::recolour_rgba(blue.data(), out.data(), kPixels, "white", "red"), std::invalid_argument);
}

TEST(EmojiRecolour, DominantColourIsTheColourOfHalfThePicture) {
    // A disc of each palette colour (with its grey ring and white highlight: ~70% of the visible
    // pixels are the fill) shows that colour; pink and brown are not recolourable, grey not a colour.
    for (const std::string& word : ds::recolourable_colour_words())
        EXPECT_EQ(ds::dominant_colour_word(disc_picture(palette(word)).data(), kPixels), word) << word;
    for (const char* other : {"pink", "brown", "grey", "white", "black"})
        EXPECT_EQ(ds::dominant_colour_word(disc_picture(palette(other)).data(), kPixels), "") << other;
    // Emoji-set shades: a yellow-green leaf is green, a reddish-brown bear and a pale pink heart are
    // not red, a face-yellow face is yellow.
    EXPECT_EQ(ds::dominant_colour_word(disc_picture({119, 178, 85, 255}).data(), kPixels), "green");
    EXPECT_EQ(ds::dominant_colour_word(disc_picture({62, 114, 29, 255}).data(), kPixels), "green");
    EXPECT_EQ(ds::dominant_colour_word(disc_picture({193, 105, 79, 255}).data(), kPixels), "");
    EXPECT_EQ(ds::dominant_colour_word(disc_picture({244, 171, 186, 255}).data(), kPixels), "");
    EXPECT_EQ(ds::dominant_colour_word(disc_picture({255, 204, 77, 255}).data(), kPixels), "yellow");
    // Two colours of a third each: neither is half the picture.
    std::vector<uint8_t> halves = disc_picture(palette("red"));
    for (int y = 0; y < kSide / 2; ++y)
        for (int x = 0; x < kSide; ++x) {
            uint8_t* p = halves.data() + (y * kSide + x) * 4;
            if (p[3] == 255 && p[0] == 220) p[0] = 50, p[1] = 100, p[2] = 210;
        }
    EXPECT_EQ(ds::dominant_colour_word(halves.data(), kPixels), "");
    // Only visible pixels count: a small green dot alone on transparency is a green picture; a
    // transparent one has no colour.
    std::vector<uint8_t> dot(static_cast<size_t>(kPixels) * 4, 0);
    for (int i = 0; i < 20; ++i) dot[i * 4 + 0] = 60, dot[i * 4 + 1] = 170, dot[i * 4 + 2] = 70, dot[i * 4 + 3] = 255;
    EXPECT_EQ(ds::dominant_colour_word(dot.data(), kPixels), "green");
    dot.assign(dot.size(), 0);
    EXPECT_EQ(ds::dominant_colour_word(dot.data(), kPixels), "");
}

TEST(EmojiRecolour, NamesThatAlreadySayAColour) {
    for (const char* name : {"black heart", "large green circle", "white flag", "brown square", "grey, cat", "pink"})
        EXPECT_TRUE(ds::names_a_colour(name)) << name;
    for (const char* name : {"frog face", "whitening", "redwood", "evergreen tree", "greyhound", ""})
        EXPECT_FALSE(ds::names_a_colour(name)) << name;
    EXPECT_TRUE(ds::shows_people(record("man", "people and body")));
    ds::EmojiRecord toned = record("santa claus", "smileys and emotion");
    toned.skin_tones = {"dark skin tone"};
    EXPECT_TRUE(ds::shows_people(toned));
    EXPECT_FALSE(ds::shows_people(record("frog face", "animals and nature")));
    EXPECT_TRUE(ds::takes_colour_tag(record("frog face", "animals and nature")));
    EXPECT_FALSE(ds::takes_colour_tag(record("nigeria flag", "flags")));
    EXPECT_FALSE(ds::takes_colour_tag(record("man", "people and body")));
    EXPECT_FALSE(ds::takes_colour_tag(toned));
    EXPECT_FALSE(ds::takes_colour_tag(record("black cat", "animals and nature")));
}

namespace {

// "red apple" (a red disc) and "ghost" (the same picture: only the name makes a picture recolourable).
ds::EmojiShard colour_shard() {
    ds::EmojiShard shard;
    shard.records = {record("red apple", "food and drink"), record("ghost", "smileys and emotion")};
    const std::vector<uint8_t> px = disc_picture({220, 50, 40, 255});
    shard.images = at::empty({2, kSide, kSide, 4}, at::kByte);
    for (int i = 0; i < 2; ++i) std::copy(px.begin(), px.end(), shard.images[i].data_ptr<uint8_t>());
    return shard;
}

}  // namespace

TEST(EmojiRecolour, BatchSamplerRecoloursPictureAndCaptionTogether) {
    const ds::EmojiShard shard = colour_shard();
    ds::EmojiBatchOptions o;
    o.recolour_probability = 0.5;
    o.empty_caption_probability = 0;
    const int n = 2000;
    std::vector<int64_t> indices;
    for (int k = 0; k < n; ++k) indices.push_back(k % 2);
    const ds::EmojiBatch batch = ds::sample_emoji_batch(shard, indices, 11, o);
    ASSERT_EQ(batch.colour_words.size(), static_cast<size_t>(n));
    std::map<std::string, int> targets;
    int apples = 0, recoloured = 0;
    for (int k = 0; k < n; ++k) {
        const std::string& to = batch.colour_words[k];
        const std::string& caption = batch.captions[k];
        if (indices[k] == 1) {  // the ghost is never recoloured
            EXPECT_EQ(to, "");
            const at::Tensor plain = ds::composite(shard.images[1], ds::emoji_background(batch.backgrounds[k])) * 2.0f - 1.0f;
            EXPECT_TRUE(at::allclose(batch.images[k], plain, 0.0, 1e-5)) << k;
            continue;
        }
        ++apples;
        if (to.empty()) {
            EXPECT_EQ(caption.rfind("red apple", 0), 0u) << caption;
            continue;
        }
        ++recoloured;
        ++targets[to];
        EXPECT_NE(to, "red");
        EXPECT_NE(to, batch.backgrounds[k]);  // never lost in its own background
        EXPECT_EQ(caption.rfind(to + " apple", 0), 0u) << caption;
        const size_t red = caption.find("red");  // only the background may still say red
        EXPECT_TRUE(red == std::string::npos || red == caption.find("on a red background") + 5) << caption;
        // The picture is the recoloured one, composited.
        std::vector<uint8_t> expected(static_cast<size_t>(kPixels) * 4);
        ASSERT_TRUE(ds::recolour_rgba(shard.images[0].data_ptr<uint8_t>(), expected.data(), kPixels, "red", to));
        const at::Tensor rgba = at::from_blob(expected.data(), {kSide, kSide, 4}, at::kByte);
        EXPECT_TRUE(at::allclose(batch.images[k], ds::composite(rgba, ds::emoji_background(batch.backgrounds[k])) * 2.0f - 1.0f,
                                 0.0, 1e-5)) << k;
    }
    EXPECT_NEAR(recoloured / double(apples), 0.5, 0.05);  // 1000 apples: 3 sigma
    EXPECT_EQ(targets.size(), 5u);  // orange, yellow, green, blue, purple
}

TEST(EmojiRecolour, BatchesAreUnchangedWhileRecolouringIsOff) {
    const ds::EmojiShard shard = colour_shard();
    const std::vector<int64_t> indices{0, 1, 0, 0, 1, 0};
    ds::EmojiBatchOptions off;
    const ds::EmojiBatch a = ds::sample_emoji_batch(shard, indices, 5, off);
    for (size_t k = 0; k < indices.size(); ++k) {
        EXPECT_EQ(a.colour_words[k], "");
        EXPECT_TRUE(at::allclose(a.images[static_cast<int64_t>(k)],
                                 ds::composite(shard.images[indices[k]], ds::emoji_background(a.backgrounds[k])) * 2.0f - 1.0f,
                                 0.0, 1e-5));
    }
    // A shard with no colour-named picture draws the same batch with the option on as off.
    ds::EmojiShard plain = shard;
    plain.records[0].name = "apple";
    ds::EmojiBatchOptions on;
    on.recolour_probability = 1.0;
    const ds::EmojiBatch b = ds::sample_emoji_batch(plain, indices, 5, off);
    const ds::EmojiBatch c = ds::sample_emoji_batch(plain, indices, 5, on);
    EXPECT_EQ(b.captions, c.captions);
    EXPECT_EQ(b.backgrounds, c.backgrounds);
    EXPECT_TRUE(at::equal(b.images, c.images));
}

TEST(EmojiRecolour, BatchSamplerNamesTheColourAPictureShows) {
    // A green frog, a green person, a green "black cat" (its name already says a colour), a
    // grey-ringed grey disc ("coin": no colour of half the picture) and a green flag.
    ds::EmojiShard shard;
    shard.records = {record("frog face", "animals and nature"), record("man", "people and body"),
                     record("black cat", "animals and nature"), record("coin", "objects"),
                     record("nigeria flag", "flags")};
    shard.images = at::empty({5, kSide, kSide, 4}, at::kByte);
    const std::vector<Rgba> fills{palette("green"), palette("green"), palette("green"), palette("grey"),
                                  palette("green")};
    for (int i = 0; i < 5; ++i) {
        const std::vector<uint8_t> px = disc_picture(fills[static_cast<size_t>(i)]);
        std::copy(px.begin(), px.end(), shard.images[i].data_ptr<uint8_t>());
    }
    std::vector<int64_t> indices;
    const int n = 2000;
    for (int k = 0; k < n; ++k) indices.push_back(k % 5);

    // Tags alone: the frog's name gets "green" half the time, nobody else's ever; no recolouring.
    ds::EmojiBatchOptions tags;
    tags.colour_tag_probability = 0.5;
    tags.empty_caption_probability = 0;
    const ds::EmojiBatch a = ds::sample_emoji_batch(shard, indices, 3, tags);
    ASSERT_EQ(a.colour_tags.size(), static_cast<size_t>(n));
    int tagged = 0;
    for (int k = 0; k < n; ++k) {
        EXPECT_EQ(a.colour_words[k], "");
        if (indices[k] != 0) {
            EXPECT_EQ(a.colour_tags[k], "") << k;
            std::string caption = a.captions[k];  // only the background may say green
            const size_t background = caption.find("on a green background");
            if (background != std::string::npos) caption.erase(background);
            EXPECT_EQ(caption.find("green"), std::string::npos) << a.captions[k];
            continue;
        }
        if (a.colour_tags[k].empty()) {
            EXPECT_EQ(a.captions[k].rfind("frog face", 0), 0u) << a.captions[k];
        } else {
            ++tagged;
            EXPECT_EQ(a.colour_tags[k], "green");
            EXPECT_EQ(a.captions[k].rfind("green frog face", 0), 0u) << a.captions[k];
        }
    }
    EXPECT_NEAR(tagged / (n / 5.0), 0.5, 0.1);  // 400 frogs: 4 sigma

    // With recolouring too, a tagged frog may turn to another colour, named in its caption.
    tags.recolour_probability = 1.0;
    const ds::EmojiBatch b = ds::sample_emoji_batch(shard, indices, 4, tags);
    std::map<std::string, int> targets;
    for (int k = 0; k < n; ++k) {
        const std::string& to = b.colour_words[k];
        if (indices[k] != 0 || b.colour_tags[k].empty()) {
            EXPECT_EQ(to, "") << k;
            continue;
        }
        ASSERT_FALSE(to.empty()) << k;  // recolour_probability 1
        ++targets[to];
        EXPECT_NE(to, b.backgrounds[k]);
        EXPECT_EQ(b.captions[k].rfind(to + " frog face", 0), 0u) << b.captions[k];
        std::vector<uint8_t> expected(static_cast<size_t>(kPixels) * 4);
        ASSERT_TRUE(ds::recolour_rgba(shard.images[0].data_ptr<uint8_t>(), expected.data(), kPixels, "green", to));
        const at::Tensor rgba = at::from_blob(expected.data(), {kSide, kSide, 4}, at::kByte);
        EXPECT_TRUE(at::allclose(b.images[k], ds::composite(rgba, ds::emoji_background(b.backgrounds[k])) * 2.0f - 1.0f,
                                 0.0, 1e-5)) << k;
    }
    EXPECT_EQ(targets.size(), 5u);  // red, orange, yellow, blue, purple
    EXPECT_EQ(targets.count("green"), 0u);

    // Off (the default), the same shard's batches carry no tags.
    const ds::EmojiBatch c = ds::sample_emoji_batch(shard, indices, 3, ds::EmojiBatchOptions{});
    for (const std::string& t : c.colour_tags) EXPECT_EQ(t, "");
}
