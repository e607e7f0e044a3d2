// The emoji dataset on a tiny fake emoji-datasource package: the catalogue's records (Component and
// set-less art left out, skin tones from modifiers, words normalised), the held-out split's fixed
// hash, one-line errors for bad packages and shards, the builder's skip counts, a pixel-exact shard
// round trip, captions, compositing, and the batch sampler's determinism, range and dropout rates.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include "core/data/emoji_batch.h"
#include "core/data/emoji_catalog.h"
#include "core/data/emoji_names.h"
#include "core/data/emoji_shard.h"
#include "core/io/image_io.h"
#include "core/io/safetensors.h"
#include "tests/support/error_of.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kEmojiJson = R"([
  {"name": "RED APPLE", "unified": "1F34E", "image": "1f34e.png", "short_names": ["apple"],
   "category": "Food & Drink", "subcategory": "food-fruit", "sort_order": 1, "has_img_twitter": true},
  {"name": "WAVING HAND SIGN", "unified": "1F44B", "image": "1f44b.png", "short_names": ["wave"],
   "category": "People & Body", "subcategory": "hand-fingers-open", "has_img_twitter": true,
   "skin_variations": {
     "1F3FB": {"unified": "1F44B-1F3FB", "image": "1f44b-1f3fb.png", "has_img_twitter": true},
     "1F3FD": {"unified": "1F44B-1F3FD", "image": "1f44b-1f3fd.png", "has_img_twitter": false}}},
  {"name": "PEOPLE HOLDING HANDS", "unified": "1F9D1-200D-1F91D-200D-1F9D1", "image": "1f9d1-1f91d-1f9d1.png",
   "short_names": ["people_holding_hands"], "category": "People & Body", "subcategory": "family",
   "has_img_twitter": false,
   "skin_variations": {
     "1F3FB-1F3FF": {"unified": "1F9D1-1F3FB-200D-1F91D-200D-1F9D1-1F3FF", "image": "two-tone.png",
                     "has_img_twitter": true},
     "1F3FC-1F3FC": {"unified": "1F9D1-1F3FC-200D-1F91D-200D-1F9D1-1F3FC", "image": "same-tone.png",
                     "has_img_twitter": true}}},
  {"name": "EMOJI MODIFIER FITZPATRICK TYPE-1-2", "unified": "1F3FB", "image": "1f3fb.png",
   "short_names": ["skin-tone-2"], "category": "Component", "subcategory": "skin-tone", "has_img_twitter": true},
  {"name": "GHOST", "unified": "1F47B", "image": "1f47b.png", "short_names": ["ghost"],
   "category": "Smileys & Emotion", "subcategory": "face-costume", "has_img_twitter": true},
  {"name": "BLACK HEART", "unified": "1F5A4", "image": "1f5a4.png", "short_names": ["black_heart"],
   "category": "Smileys & Emotion", "subcategory": "heart", "has_img_twitter": true},
  {"name": "SPARKLES", "unified": "2728", "image": "2728.png", "short_names": ["sparkles"],
   "category": "Activities", "subcategory": "event", "has_img_twitter": true}
])";

// A picture unlike the others (`salt`), with alpha from 0 to 255 so straight alpha is exercised.
ds::Image test_picture(int salt, int side = 64, int channels = 4) {
    ds::Image im(side, side, channels);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            for (int c = 0; c < channels; ++c)
                im.at(x, y, c) = static_cast<float>((x * 7 + y * 13 + c * 50 + salt * 31) % 256) / 255.0f;
    return im;
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

class EmojiDataset : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "ds-emoji-XXXXXX").string();
        root_ = ::mkdtemp(pattern.data());
        package_ = root_ / "emoji-datasource-twitter";
        const fs::path art = package_ / "img" / "twitter" / "64";
        fs::create_directories(art);
        write_text(package_ / "emoji.json", kEmojiJson);
        ds::write_image((art / "1f34e.png").string(), test_picture(1));
        ds::write_image((art / "1f44b.png").string(), test_picture(2));
        ds::write_image((art / "1f44b-1f3fb.png").string(), test_picture(3));
        ds::write_image((art / "1f44b-1f3fd.png").string(), test_picture(4));
        ds::write_image((art / "two-tone.png").string(), test_picture(5));
        ds::write_image((art / "same-tone.png").string(), test_picture(6));
        ds::write_image((art / "1f3fb.png").string(), test_picture(7));
        // 1f47b.png (GHOST) is missing on purpose.
        ds::write_image((art / "1f5a4.png").string(), test_picture(8, 64, 1));  // grey, no alpha
        ds::write_image((art / "2728.png").string(), test_picture(9, 32));      // wrong size
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    std::string package() const { return package_.string(); }
    std::string file(const std::string& name) const { return (root_ / name).string(); }

    fs::path root_;
    fs::path package_;
};

// The message of the EmojiDataError (or other std::exception) `f` throws; fails when nothing is thrown.
using ds::test::error_of;

void expect_one_line_naming(const std::string& message, const std::string& file, const std::string& problem) {
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find(problem), std::string::npos) << message;
}

const ds::EmojiRecord* find(const std::vector<ds::EmojiRecord>& records, const std::string& unified) {
    for (const auto& r : records)
        if (r.unified == unified) return &r;
    return nullptr;
}

ds::EmojiRecord apple() {
    ds::EmojiRecord r;
    r.unified = "1F34E";
    r.name = "red apple";
    r.short_names = {"apple"};
    r.category = "food and drink";
    r.subcategory = "fruit";
    r.set = "twemoji";
    r.image = "img/twitter/64/1f34e.png";
    return r;
}

}  // namespace

TEST_F(EmojiDataset, CatalogueListsEveryPictureOfTheSetButComponents) {
    const ds::EmojiCatalog c = ds::read_emoji_catalog(package());
    EXPECT_EQ(c.set, "twemoji");
    std::vector<std::string> codes;
    for (const auto& r : c.records) codes.push_back(r.unified);
    // Base before its variations; the 1F3FD variation and the two-person base lack twitter art.
    const std::vector<std::string> expected{"1F34E",
                                            "1F44B",
                                            "1F44B-1F3FB",
                                            "1F9D1-1F3FB-200D-1F91D-200D-1F9D1-1F3FF",
                                            "1F9D1-1F3FC-200D-1F91D-200D-1F9D1-1F3FC",
                                            "1F47B",
                                            "1F5A4",
                                            "2728"};
    EXPECT_EQ(codes, expected);

    const ds::EmojiRecord& a = c.records[0];
    EXPECT_EQ(a.name, "red apple");
    EXPECT_EQ(a.short_names, std::vector<std::string>{"apple"});
    EXPECT_EQ(a.category, "food and drink");
    EXPECT_EQ(a.subcategory, "fruit");
    EXPECT_TRUE(a.skin_tones.empty());
    EXPECT_EQ(a.set, "twemoji");
    EXPECT_EQ(a.image, "img/twitter/64/1f34e.png");

    const ds::EmojiRecord& wave = c.records[2];
    EXPECT_EQ(wave.name, "waving hand sign");
    EXPECT_EQ(wave.subcategory, "hand fingers open");  // "hand" does not repeat "people and body"
    EXPECT_EQ(wave.skin_tones, std::vector<std::string>{"light skin tone"});
    EXPECT_EQ(wave.image, "img/twitter/64/1f44b-1f3fb.png");
    EXPECT_EQ(c.records[3].skin_tones, (std::vector<std::string>{"light skin tone", "dark skin tone"}));
    EXPECT_EQ(c.records[3].short_names, std::vector<std::string>{"people holding hands"});
    EXPECT_EQ(c.records[4].skin_tones, std::vector<std::string>{"medium-light skin tone"});
    EXPECT_EQ(c.records[5].category, "smileys and emotion");
    EXPECT_EQ(c.records[5].subcategory, "face costume");
}

// Unicode names from the black-and-white era ("heavy black heart" for the red heart) would teach
// the model the wrong colour word: those records take the CLDR name, skin-tone forms included.
TEST_F(EmojiDataset, MisleadingUnicodeNamesGiveWayToCldrNames) {
    write_text(package_ / "emoji.json", R"([
  {"name": "HEAVY BLACK HEART", "unified": "2764-FE0F", "image": "2764-fe0f.png", "short_names": ["heart"],
   "category": "Smileys & Emotion", "subcategory": "heart", "has_img_twitter": true},
  {"name": "WHITE UP POINTING INDEX", "unified": "261D-FE0F", "image": "261d-fe0f.png",
   "short_names": ["point_up"], "category": "People & Body", "subcategory": "hand-single-finger",
   "has_img_twitter": true,
   "skin_variations": {"1F3FF": {"unified": "261D-1F3FF", "image": "261d-1f3ff.png", "has_img_twitter": true}}},
  {"name": "BLACK HEART", "unified": "1F5A4", "image": "1f5a4.png", "short_names": ["black_heart"],
   "category": "Smileys & Emotion", "subcategory": "heart", "has_img_twitter": true}
])");
    const ds::EmojiCatalog c = ds::read_emoji_catalog(package());
    ASSERT_EQ(c.records.size(), 4u);
    EXPECT_EQ(c.records[0].name, "red heart");
    EXPECT_EQ(c.records[0].short_names, std::vector<std::string>{"heart"});
    EXPECT_EQ(c.records[1].name, "index pointing up");
    EXPECT_EQ(c.records[2].name, "index pointing up");
    EXPECT_EQ(c.records[2].skin_tones, std::vector<std::string>{"dark skin tone"});
    EXPECT_EQ(c.records[3].name, "black heart");  // black art: its Unicode name stays

    EXPECT_EQ(ds::cldr_name_for_misleading_unicode_name("2764"), "red heart");
    EXPECT_EQ(ds::cldr_name_for_misleading_unicode_name("2b50"), "star");
    EXPECT_EQ(ds::cldr_name_for_misleading_unicode_name("2764-200D-1F525"), "");  // heart on fire: its own name
    EXPECT_EQ(ds::cldr_name_for_misleading_unicode_name("1F34E"), "");
}

TEST_F(EmojiDataset, SetComesFromPackageJsonOrTheArtFolder) {
    write_text(package_ / "package.json", R"({"name": "emoji-datasource-google", "version": "16.0.0"})");
    EXPECT_EQ(ds::read_emoji_catalog(package()).set, "noto");
    write_text(package_ / "package.json", R"({"name": "emoji-datasource-apple"})");
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(package()); }), "package.json",
                           "emoji-datasource-apple");
    fs::remove(package_ / "package.json");
    fs::create_directories(package_ / "img" / "google" / "64");
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(package()); }), package(), "more than one set");
    fs::remove_all(package_ / "img");
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(package()); }), package(), "img/twitter");
}

TEST_F(EmojiDataset, BadPackagesGiveOneLineErrorsNamingTheFile) {
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(file("nowhere")); }), file("nowhere"),
                           "no such folder");
    const std::string json = (package_ / "emoji.json").string();
    write_text(json, "[{\"name\": \"RED APPLE\", \"unified\": ");  // truncated
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(package()); }), json, "not valid JSON");
    write_text(json, R"({"emoji": []})");
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(package()); }), json, "not a JSON array");
    write_text(json, R"([{"name": "X", "unified": "1F600", "image": "../../etc/passwd", "category": "A",
                         "has_img_twitter": true}])");
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(package()); }), json, "with a path");
    write_text(json, R"([{"name": "X", "image": "x.png", "has_img_twitter": true}])");
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(package()); }), json, "no 'unified'");
    fs::remove(json);
    expect_one_line_naming(error_of([&] { ds::read_emoji_catalog(package()); }), json, "missing");
    EXPECT_THROW(ds::build_emoji_shard({package()}, nullptr), ds::EmojiDataError);
}

TEST(EmojiCatalog, SkinTonesComeFromModifierCodePoints) {
    EXPECT_EQ(ds::skin_tone_name("1F3FB"), "light skin tone");
    EXPECT_EQ(ds::skin_tone_name("1f3fc"), "medium-light skin tone");
    EXPECT_EQ(ds::skin_tone_name("1F3FD"), "medium skin tone");
    EXPECT_EQ(ds::skin_tone_name("1F3FE"), "medium-dark skin tone");
    EXPECT_EQ(ds::skin_tone_name("1F3FF"), "dark skin tone");
    EXPECT_EQ(ds::skin_tone_name("1F3FA"), "");
    EXPECT_EQ(ds::skin_tone_name("1F3FB0"), "");
    EXPECT_EQ(ds::skin_tones_of("1F469-1F3FE-200D-2764-FE0F-200D-1F468-1F3FB"),
              (std::vector<std::string>{"medium-dark skin tone", "light skin tone"}));
    EXPECT_TRUE(ds::skin_tones_of("1F600").empty());
}

TEST(EmojiCatalog, HeldOutSplitIsAFixedHashOfCodeAndSet) {
    // FNV-1a 64 reference values (offset basis; "a"), so the split cannot drift with the platform.
    EXPECT_EQ(ds::fnv1a64(""), 0xcbf29ce484222325ull);
    EXPECT_EQ(ds::fnv1a64("a"), 0xaf63dc4c8601ec8cull);
    EXPECT_EQ(ds::emoji_held_out("1F34E", "noto"), ds::fnv1a64("1F34E|noto") % 100 < 5);
    int held = 0, differs_by_set = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        char code[16];
        std::snprintf(code, sizeof code, "1F%03X", i);
        const bool noto = ds::emoji_held_out(code, "noto");
        EXPECT_EQ(noto, ds::emoji_held_out(code, "noto"));
        held += noto ? 1 : 0;
        differs_by_set += noto != ds::emoji_held_out(code, "twemoji") ? 1 : 0;
    }
    EXPECT_NEAR(static_cast<double>(held) / n, 0.05, 0.01);
    EXPECT_GT(differs_by_set, 0);
}

TEST_F(EmojiDataset, BuilderSkipsAndCountsMissingAndWrongSizedPictures) {
    ds::EmojiBuildReport report;
    std::vector<std::string> progress;
    ds::EmojiBuildOptions options;
    options.progress = [&](const std::string& line) { progress.push_back(line); };
    const ds::EmojiShard shard = ds::build_emoji_shard({package()}, &report, options);
    EXPECT_EQ(report.listed, 8);
    EXPECT_EQ(report.missing_images, 1);   // GHOST
    EXPECT_EQ(report.rejected_images, 1);  // SPARKLES, 32x32
    ASSERT_EQ(report.problems.size(), 2u);
    EXPECT_NE(report.problems[0].find("1f47b.png: missing"), std::string::npos) << report.problems[0];
    EXPECT_NE(report.problems[1].find("32x32, not 64x64"), std::string::npos) << report.problems[1];
    ASSERT_EQ(progress.size(), 1u);
    EXPECT_NE(progress[0].find("reading 8 twemoji pictures"), std::string::npos) << progress[0];

    ASSERT_EQ(shard.records.size(), 6u);
    EXPECT_EQ(shard.images.sizes(), (std::vector<int64_t>{6, 64, 64, 4}));
    EXPECT_EQ(shard.images.scalar_type(), at::kByte);
    EXPECT_EQ(find(shard.records, "1F47B"), nullptr);
    EXPECT_EQ(find(shard.records, "2728"), nullptr);

    // Pixel exact: byte k of picture `salt` is the 8-bit level test_picture wrote.
    const int salts[] = {1, 2, 3, 5, 6};
    for (int i = 0; i < 5; ++i) {
        const at::Tensor expected = at::empty({64, 64, 4}, at::kByte);
        const ds::Image p = test_picture(salts[i]);
        for (size_t k = 0; k < p.pixels.size(); ++k)
            expected.data_ptr<uint8_t>()[k] = static_cast<uint8_t>(std::lround(p.pixels[k] * 255));
        EXPECT_TRUE(at::equal(shard.images[i], expected)) << "picture " << i;
    }
    // Grey without alpha: RGB all equal to the grey level, alpha opaque.
    const at::Tensor heart = shard.images[5];
    EXPECT_EQ(shard.records[5].unified, "1F5A4");
    EXPECT_TRUE(at::equal(heart.select(2, 0), heart.select(2, 1)));
    EXPECT_TRUE(at::equal(heart.select(2, 0), heart.select(2, 2)));
    EXPECT_EQ(heart.select(2, 3).min().item<uint8_t>(), 255);
    EXPECT_EQ(heart[0][1][0].item<uint8_t>(), static_cast<uint8_t>((7 + 8 * 31) % 256));

    ds::EmojiBuildOptions limited;
    limited.limit_per_source = 2;
    const ds::EmojiShard two = ds::build_emoji_shard({package(), package()}, &report, limited);
    EXPECT_EQ(two.records.size(), 4u);  // two from each source
    EXPECT_EQ(report.listed, 4);
}

TEST_F(EmojiDataset, ShardRoundTripIsExact) {
    ds::EmojiShard shard = ds::build_emoji_shard({package()}, nullptr);
    shard.records[1].held_out = true;  // make the flag's round trip visible
    const std::string path = file("emoji.shard");
    ds::write_emoji_shard(path, shard);
    const ds::EmojiShard back = ds::read_emoji_shard(path);
    EXPECT_TRUE(at::equal(back.images, shard.images));
    ASSERT_EQ(back.records.size(), shard.records.size());
    for (size_t i = 0; i < shard.records.size(); ++i) {
        const ds::EmojiRecord& a = shard.records[i];
        const ds::EmojiRecord& b = back.records[i];
        EXPECT_EQ(std::tie(a.unified, a.name, a.short_names, a.category, a.subcategory, a.skin_tones, a.set, a.image,
                           a.held_out),
                  std::tie(b.unified, b.name, b.short_names, b.category, b.subcategory, b.skin_tones, b.set, b.image,
                           b.held_out));
    }
    EXPECT_EQ(ds::split_indices(back, true), std::vector<int64_t>{1});
    EXPECT_EQ(ds::split_indices(back, false), (std::vector<int64_t>{0, 2, 3, 4, 5}));
    EXPECT_EQ(ds::count_by_set(back.records), (std::map<std::string, int64_t>{{"twemoji", 6}}));
    EXPECT_EQ(ds::count_by_category(back.records).at("people and body"), 4);
}

TEST_F(EmojiDataset, CorruptShardsGiveOneLineErrorsNamingTheFile) {
    const ds::EmojiShard shard = ds::build_emoji_shard({package()}, nullptr);
    const std::string good = file("good.shard");
    ds::write_emoji_shard(good, shard);
    const std::string records = ds::SafetensorsFile::open(good).metadata().at("records");
    const std::string path = file("bad.shard");
    auto write_bad = [&](const at::Tensor& images, const std::map<std::string, std::string>& meta) {
        ds::write_safetensors(path, {{"images", images}}, meta);
        return error_of([&] { ds::read_emoji_shard(path); });
    };
    const std::map<std::string, std::string> ok_meta{{"format", ds::kEmojiShardFormat}, {"records", records}};
    expect_one_line_naming(write_bad(shard.images, {{"format", "something-else/1"}, {"records", records}}), path,
                           "not an emoji shard");
    expect_one_line_naming(write_bad(shard.images.narrow(0, 0, 5), ok_meta), path, "5 images but 6 records");
    expect_one_line_naming(write_bad(shard.images.to(at::kFloat), ok_meta), path, "uint8 [N,64,64,4]");
    expect_one_line_naming(write_bad(shard.images.narrow(1, 0, 32), ok_meta), path, "[6,32,64,4]");
    expect_one_line_naming(
        write_bad(shard.images, {{"format", ds::kEmojiShardFormat}, {"records", "[{\"name\": 1}]"}}), path,
        "records are malformed");
    write_text(path, "not a safetensors file at all");
    expect_one_line_naming(error_of([&] { ds::read_emoji_shard(path); }), path, "");
    // A shard whose parts disagree is refused before anything is written.
    ds::EmojiShard bad = shard;
    bad.records.pop_back();
    const std::string unwritten = file("unwritten.shard");
    EXPECT_THROW(ds::write_emoji_shard(unwritten, bad), ds::EmojiDataError);
    EXPECT_FALSE(fs::exists(unwritten));
}

TEST(EmojiCaption, FullAndMinimalStyles) {
    ds::EmojiRecord r = apple();
    // "apple" adds no word to "red apple", so it is left out.
    EXPECT_EQ(ds::emoji_caption(r, "white"), "red apple, food and drink, fruit, twemoji style, on a white background");
    EXPECT_EQ(ds::emoji_caption(r, "white", ds::CaptionStyle::Minimal), "red apple, twemoji style, on a white background");
    EXPECT_EQ(ds::emoji_caption(r, ""), "red apple, food and drink, fruit, twemoji style");

    ds::EmojiRecord couple;
    couple.name = "people holding hands";
    couple.short_names = {"two people"};
    couple.category = "people and body";
    couple.subcategory = "family";
    couple.skin_tones = {"light skin tone", "dark skin tone"};
    couple.set = "noto";
    EXPECT_EQ(ds::emoji_caption(couple, "blue"),
              "people holding hands, two people, people and body, family, light skin tone and dark skin tone, "
              "noto style, on a blue background");
    EXPECT_EQ(ds::emoji_caption(couple, "blue", ds::CaptionStyle::Minimal),
              "people holding hands, light skin tone and dark skin tone, noto style, on a blue background");
    EXPECT_EQ(ds::emoji_caption_parts(couple, "").size(), 6u);
}

TEST(EmojiComposite, StraightAlphaOverAPlainColour) {
    EXPECT_EQ(ds::emoji_backgrounds().front().name, "white");
    EXPECT_EQ(ds::emoji_backgrounds().size(), 11u);
    EXPECT_EQ(ds::emoji_background("red").r, 220);
    EXPECT_THROW(ds::emoji_background("teal"), std::invalid_argument);

    at::Tensor rgba = at::zeros({2, 2, 4}, at::kByte);
    auto* p = rgba.data_ptr<uint8_t>();
    const uint8_t pixels[4][4] = {{200, 100, 0, 0}, {200, 100, 0, 255}, {255, 0, 51, 102}, {10, 20, 30, 255}};
    for (int i = 0; i < 4; ++i)
        for (int c = 0; c < 4; ++c) p[i * 4 + c] = pixels[i][c];
    const ds::EmojiBackground bg{"test", 0, 255, 102};
    const at::Tensor out = ds::composite(rgba, bg);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{3, 2, 2}));
    auto v = [&](int c, int y, int x) { return out[c][y][x].item<float>(); };
    // Transparent: the background, whatever the colour bytes say.
    EXPECT_FLOAT_EQ(v(0, 0, 0), 0.0f);
    EXPECT_FLOAT_EQ(v(1, 0, 0), 1.0f);
    EXPECT_FLOAT_EQ(v(2, 0, 0), 0.4f);
    // Opaque: the colour.
    EXPECT_FLOAT_EQ(v(0, 0, 1), 200 / 255.0f);
    EXPECT_FLOAT_EQ(v(1, 0, 1), 100 / 255.0f);
    // alpha 0.4: 0.4 * colour + 0.6 * background.
    EXPECT_NEAR(v(0, 1, 0), 0.4f, 1e-6);
    EXPECT_NEAR(v(1, 1, 0), 0.6f, 1e-6);
    EXPECT_NEAR(v(2, 1, 0), 0.4f * 0.2f + 0.6f * 0.4f, 1e-6);
    EXPECT_THROW(ds::composite(at::zeros({2, 2, 3}, at::kByte), bg), std::invalid_argument);
    EXPECT_EQ(ds::composite(at::zeros({5, 8, 8, 4}, at::kByte), bg).sizes(), (std::vector<int64_t>{5, 3, 8, 8}));
}

TEST_F(EmojiDataset, BatchSamplerIsSeededCompositedAndInRange) {
    const ds::EmojiShard shard = ds::build_emoji_shard({package()}, nullptr);
    const std::vector<int64_t> indices{0, 3, 3, 5, 1, 2, 4, 0};
    const ds::EmojiBatch a = ds::sample_emoji_batch(shard, indices, 42);
    const ds::EmojiBatch b = ds::sample_emoji_batch(shard, indices, 42);
    const ds::EmojiBatch c = ds::sample_emoji_batch(shard, indices, 43);
    ASSERT_EQ(a.images.sizes(), (std::vector<int64_t>{8, 3, 64, 64}));
    EXPECT_EQ(a.images.scalar_type(), at::kFloat);
    EXPECT_TRUE(at::equal(a.images, b.images));
    EXPECT_EQ(a.captions, b.captions);
    EXPECT_EQ(a.backgrounds, b.backgrounds);
    EXPECT_EQ(a.indices, indices);
    EXPECT_TRUE(a.captions != c.captions || a.backgrounds != c.backgrounds);
    EXPECT_GE(a.images.min().item<float>(), -1.0f);
    EXPECT_LE(a.images.max().item<float>(), 1.0f);
    for (size_t k = 0; k < indices.size(); ++k) {
        const at::Tensor expected =
            ds::composite(shard.images[indices[k]], ds::emoji_background(a.backgrounds[k])) * 2.0f - 1.0f;
        EXPECT_TRUE(at::allclose(a.images[static_cast<int64_t>(k)], expected, 0.0, 1e-5)) << k;
        const std::string& name = shard.records[static_cast<size_t>(indices[k])].name;
        if (!a.captions[k].empty()) EXPECT_EQ(a.captions[k].rfind(name, 0), 0u) << a.captions[k];
    }
    EXPECT_THROW(ds::sample_emoji_batch(shard, {0, 6}, 1), std::out_of_range);
    EXPECT_THROW(ds::sample_emoji_batch(shard, {-1}, 1), std::out_of_range);
    EXPECT_EQ(ds::sample_emoji_batch(shard, {}, 1).images.size(0), 0);
    ds::EmojiShard mismatched = shard;
    mismatched.records.pop_back();
    EXPECT_THROW(ds::sample_emoji_batch(mismatched, {0}, 1), std::invalid_argument);
}

TEST_F(EmojiDataset, CaptionDropoutAndBackgroundRatesMatchTheOptions) {
    ds::EmojiShard shard = ds::build_emoji_shard({package()}, nullptr);
    shard.images = shard.images.narrow(0, 2, 1).contiguous();  // the light-skinned wave only
    shard.records = {shard.records[2]};
    const int n = 4000;
    const ds::EmojiBatch batch = ds::sample_emoji_batch(shard, std::vector<int64_t>(n, 0), 7);
    int empty = 0, white = 0, with_background = 0, with_category = 0, with_tone = 0, nonempty = 0;
    std::map<std::string, int> colours;
    for (int k = 0; k < n; ++k) {
        const std::string& caption = batch.captions[k];
        const std::string& bg = batch.backgrounds[k];
        ++colours[bg];
        white += bg == "white" ? 1 : 0;
        if (caption.empty()) {
            ++empty;
            continue;
        }
        ++nonempty;
        ASSERT_EQ(caption.rfind("waving hand sign", 0), 0u) << caption;
        with_background += caption.find("on a " + bg + " background") != std::string::npos ? 1 : 0;
        with_category += caption.find("people and body") != std::string::npos ? 1 : 0;
        with_tone += caption.find("light skin tone") != std::string::npos ? 1 : 0;
    }
    EXPECT_NEAR(empty / double(n), 0.1, 0.02);
    EXPECT_NEAR(white / double(n), 0.5, 0.03);
    EXPECT_EQ(colours.size(), 11u);  // every palette colour drawn
    for (const auto& [name, count] : colours)
        if (name != "white") EXPECT_NEAR(count / double(n), 0.05, 0.015) << name;
    EXPECT_NEAR(with_background / double(nonempty), 0.8, 0.03);
    EXPECT_NEAR(with_category / double(nonempty), 0.5, 0.03);
    EXPECT_NEAR(with_tone / double(nonempty), 0.5, 0.03);

    ds::EmojiBatchOptions never;
    never.empty_caption_probability = 0.0;
    never.part_keep_probability = 1.0;
    never.background_keep_probability = 1.0;
    const ds::EmojiBatch full = ds::sample_emoji_batch(shard, {0, 0, 0}, 7, never);
    for (size_t k = 0; k < 3; ++k)
        EXPECT_EQ(full.captions[k], ds::emoji_caption(shard.records[0], full.backgrounds[k])) << k;
}
