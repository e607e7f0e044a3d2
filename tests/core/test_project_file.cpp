// Asserts the project file: save then open gives back exactly the project (every layer's pixel
// floats bit for bit, 8-bit-exact and arbitrary floats, grey/RGB/RGBA, the mask, prompts, settings,
// history with parameters and result images, UTF-8 text); saving replaces the old file atomically
// and a crash between write and rename (an uncommitted temporary file) leaves the old file intact;
// a truncated, bit-flipped, wrong-magic, newer-version, empty or missing file is refused with one
// line naming the file and nothing on disk changes; invalid projects are refused before writing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "core/io/atomic_file.h"
#include "core/project/project_file.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_all(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

ds::Image random_image(int w, int h, int c, uint32_t seed, bool eight_bit) {
    std::mt19937 rng(seed);
    ds::Image img(w, h, c);
    for (float& v : img.pixels) {
        v = eight_bit ? static_cast<float>(rng() % 256) / 255.0f
                      : std::uniform_real_distribution<float>(-0.5f, 1.5f)(rng);
    }
    return img;
}

ds::Project sample_project() {
    ds::Project p;
    p.width = 67;
    p.height = 45;
    p.layers.push_back({"background", random_image(67, 45, 3, 1, true), 0, 0, true, 1.0});
    p.layers.push_back({"painted \xc3\xa9t\xc3\xa9", random_image(20, 13, 4, 2, false), -5, 30, false, 0.37});
    p.layers.push_back({"grey", random_image(9, 9, 1, 3, true), 60, 40, true, 0.1 + 0.2});
    p.mask = random_image(67, 45, 1, 4, false);
    p.prompt = "a cat, \"quoted\"\nsecond line \xf0\x9f\x90\x88";
    p.negative_prompt = "blurry";
    p.settings = {{"sampler", "euler-a"}, {"steps", "25"}, {"cfg", "7.5"}, {"feather", "4"}, {"empty", ""}};
    ds::ProjectHistoryEntry first;
    first.kind = "txt2img";
    first.parameters = "a cat\nSteps: 25, Sampler: Euler a, CFG scale: 7.5, Seed: 1, Size: 67x45";
    first.created = "2024-05-01T10:00:00Z";
    first.extra = {{"applied", "true"}};
    first.image = random_image(67, 45, 3, 5, true);
    ds::ProjectHistoryEntry second;
    second.kind = "inpaint";
    second.parameters = "a dog";
    p.history = {first, second};
    return p;
}

TEST(ProjectFile, SaveThenOpenGivesBackExactlyTheProject) {
    ds::test::TempDir dir("ds-project");
    const std::string path = dir.file("scene.dsproj");
    const ds::Project p = sample_project();
    ds::save_project(path, p);
    const ds::Project back = ds::open_project(path);
    EXPECT_TRUE(back == p);
    ASSERT_EQ(back.layers.size(), 3u);
    EXPECT_TRUE(ds::same_pixels(back.layers[1].image, p.layers[1].image));  // arbitrary floats, bit for bit
    EXPECT_EQ(back.layers[2].opacity, 0.1 + 0.2);
    EXPECT_EQ(back.history[1].image.width, 0);
    // Saving what was opened writes the same bytes, and only the project file is left in the folder.
    const std::string again = dir.file("again.dsproj");
    ds::save_project(again, back);
    EXPECT_EQ(read_all(again), read_all(path));
    EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"again.dsproj", "scene.dsproj"}));
    // 8-bit-exact layers are stored as bytes: the file is far smaller than the floats would be.
    EXPECT_LT(read_all(path).size(), 67u * 45 * 3 * 4 * 2);
}

TEST(ProjectFile, AProjectWithoutMaskOrHistoryRoundTrips) {
    ds::test::TempDir dir("ds-project");
    ds::Project p;
    p.width = 8;
    p.height = 8;
    ds::save_project(dir.file("a.dsproj"), p);
    EXPECT_TRUE(ds::open_project(dir.file("a.dsproj")) == p);
}

TEST(ProjectFile, SavingReplacesAtomicallyAndAnInterruptedSaveKeepsTheOldFile) {
    ds::test::TempDir dir("ds-project");
    const std::string path = dir.file("scene.dsproj");
    ds::Project p = sample_project();
    ds::save_project(path, p);
    const std::string old_bytes = read_all(path);
    p.prompt = "changed";
    {  // A crash between writing and renaming: the temporary is written but never committed.
        ds::AtomicFile file(path);
        file.write(ds::encode_project(p));
    }
    EXPECT_EQ(read_all(path), old_bytes);
    EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"scene.dsproj"}));
    EXPECT_EQ(ds::open_project(path).prompt, sample_project().prompt);
    ds::save_project(path, p);
    EXPECT_EQ(ds::open_project(path).prompt, "changed");
    // An invalid project is refused before anything is written.
    ds::Project bad = p;
    bad.mask = ds::Image(3, 3, 1);
    const std::string message = ds::test::error_of([&] { ds::save_project(path, bad); });
    EXPECT_NE(message.find("the mask"), std::string::npos) << message;
    EXPECT_EQ(ds::open_project(path).prompt, "changed");
    EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"scene.dsproj"}));
}

TEST(ProjectFile, DamagedFilesAreRefusedWithOneLineAndNothingChanges) {
    ds::test::TempDir dir("ds-project");
    const std::string good_path = dir.file("good.dsproj");
    ds::save_project(good_path, sample_project());
    const std::string good = read_all(good_path);
    std::string newer = good;
    newer[8] = 2;
    std::string flipped = good;
    flipped[good.size() / 2] ^= 0x10;
    std::string header_flip = good;
    header_flip[40] ^= 0x01;
    const struct {
        const char* name;
        std::string bytes;
        const char* expected;
    } cases[] = {
        {"truncated.dsproj", good.substr(0, good.size() - 100), "truncated"},
        {"truncated-header.dsproj", good.substr(0, 20), "truncated"},
        {"half.dsproj", good.substr(0, good.size() / 2), "truncated"},
        {"flipped.dsproj", flipped, "checksum"},
        {"header.dsproj", header_flip, "checksum"},
        {"extra.dsproj", good + "x", "corrupt"},
        {"newer.dsproj", newer, "version 2"},
        {"png.dsproj", std::string("\x89PNG\r\n\x1a\n") + std::string(64, '\0'), "not a Diffusion Studio project"},
        {"empty.dsproj", "", "empty"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const std::string path = dir.file(c.name);
        write_all(path, c.bytes);
        const auto before = entries(dir.path());
        const std::string message = ds::test::error_of([&] { ds::open_project(path); });
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
        EXPECT_EQ(message.rfind(path, 0), 0u) << message;  // names the file
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_EQ(read_all(path), c.bytes);
        EXPECT_EQ(entries(dir.path()), before);
    }
    EXPECT_EQ(read_all(good_path), good);
    const std::string missing = ds::test::error_of([&] { ds::open_project(dir.file("none.dsproj")); });
    EXPECT_NE(missing.find("cannot open"), std::string::npos) << missing;
    const std::string folder = ds::test::error_of([&] { ds::open_project(dir.path()); });
    EXPECT_NE(folder.find("folder"), std::string::npos) << folder;
}

TEST(ProjectFile, AValidChecksumOverABadHeaderIsStillRefused) {
    // A file whose checksum was recomputed after editing the JSON (a buggy writer): the fields are
    // validated one by one.
    ds::Project p = sample_project();
    std::string bytes = ds::encode_project(p);
    const size_t at = bytes.find("\"opacity\":1.0");
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, 13, "\"opacity\":7.0");
    const uint32_t crc = ds::crc32(std::string_view(bytes).substr(0, bytes.size() - 8));
    for (int i = 0; i < 4; ++i) bytes[bytes.size() - 8 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
    const std::string message = ds::test::error_of([&] { ds::decode_project(bytes, "edited"); });
    EXPECT_NE(message.find("opacity"), std::string::npos) << message;
    EXPECT_EQ(ds::crc32("123456789"), 0xCBF43926u);  // the standard check value
}

TEST(ProjectFile, InvalidProjectsAreRefused) {
    const struct {
        void (*edit)(ds::Project&);
        const char* expected;
    } cases[] = {
        {[](ds::Project& p) { p.width = 0; }, "canvas"},
        {[](ds::Project& p) { p.layers[0].image.channels = 2; }, "channels"},
        {[](ds::Project& p) { p.layers[0].image.pixels.pop_back(); }, "values"},
        {[](ds::Project& p) { p.layers[1].opacity = 1.5; }, "opacity"},
        {[](ds::Project& p) { p.prompt = "bad \xff utf-8"; }, "UTF-8"},
        {[](ds::Project& p) { p.history[0].image = ds::Image(0, 5, 3); }, "history entry 1"},
    };
    for (const auto& c : cases) {
        ds::Project p = sample_project();
        c.edit(p);
        const std::string message = ds::test::error_of([&] { ds::encode_project(p); });
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    }
}

}  // namespace
