// `diffusion-studio-cli dataset` on two tiny fake emoji-datasource packages: the shard it writes holds
// every picture of both sets, the summary counts sets, categories and the skipped file, --limit caps
// each source, and a bad --source or bad option ends with exit 2, one stderr line and no file.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/data/emoji_shard.h"
#include "core/io/image_io.h"
#include "tests/cli/cli_runner.h"

namespace fs = std::filesystem;
using ds::test::cli::kErrorPrefix;
using ds::test::cli::run_cli;
using ds::test::cli::RunResult;
using ds::test::cli::Workspace;
using ds::test::cli::write_file;

namespace {

// Three emoji, one of them (GHOST) without its picture file. `folder` is "google" or "twitter".
std::string make_package(const Workspace& ws, const std::string& folder) {
    const fs::path dir = fs::path(ws.path()) / ("emoji-datasource-" + folder);
    const fs::path art = dir / "img" / folder / "64";
    fs::create_directories(art);
    const std::string has = "\"has_img_" + folder + "\": true";
    write_file((dir / "emoji.json").string(),
               "[{\"name\": \"RED APPLE\", \"unified\": \"1F34E\", \"image\": \"1f34e.png\", \"short_names\": "
               "[\"apple\"], \"category\": \"Food & Drink\", \"subcategory\": \"food-fruit\", " + has + "},"
               "{\"name\": \"WAVING HAND SIGN\", \"unified\": \"1F44B\", \"image\": \"1f44b.png\", \"category\": "
               "\"People & Body\", \"subcategory\": \"hand-fingers-open\", " + has + ", \"skin_variations\": "
               "{\"1F3FF\": {\"unified\": \"1F44B-1F3FF\", \"image\": \"1f44b-1f3ff.png\", " + has + "}}},"
               "{\"name\": \"GHOST\", \"unified\": \"1F47B\", \"image\": \"1f47b.png\", \"category\": "
               "\"Smileys & Emotion\", \"subcategory\": \"face-costume\", " + has + "}]");
    for (const char* name : {"1f34e.png", "1f44b.png", "1f44b-1f3ff.png"})
        ds::write_image((art / name).string(), ds::Image(64, 64, 4, 0.2f));
    return dir.string();
}

void expect_one_line_error(const RunResult& r, const std::string& expected) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind(kErrorPrefix, 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << "expected '" << expected << "' in " << r.err;
}

}  // namespace

TEST(CliDataset, BuildsTheShardFromBothSetsAndSummarises) {
    Workspace ws;
    const std::string google = make_package(ws, "google");
    const std::string twitter = make_package(ws, "twitter");
    const RunResult r = run_cli({"dataset", "--source", google, "--source=" + twitter, "--out", "emoji.shard"},
                                ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("wrote emoji.shard: 6 pictures"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  noto"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  twemoji"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  people and body"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("skipped: 2 missing"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1f47b.png: missing"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("reading 4 noto pictures"), std::string::npos) << r.err;

    const ds::EmojiShard shard = ds::read_emoji_shard(ws.file("emoji.shard"));
    ASSERT_EQ(shard.records.size(), 6u);
    EXPECT_EQ(ds::count_by_set(shard.records), (std::map<std::string, int64_t>{{"noto", 3}, {"twemoji", 3}}));
    EXPECT_EQ(shard.records[2].skin_tones, std::vector<std::string>{"dark skin tone"});
    EXPECT_EQ(shard.images[0][10][10][0].item<uint8_t>(), 51);
    // Nothing but the packages and the shard: no temporary file left behind.
    EXPECT_EQ(ws.entries(), (std::vector<std::string>{"emoji-datasource-google", "emoji-datasource-twitter",
                                                      "emoji.shard"}));
}

TEST(CliDataset, LimitCapsEachSource) {
    Workspace ws;
    const std::string google = make_package(ws, "google");
    const std::string twitter = make_package(ws, "twitter");
    const RunResult r =
        run_cli({"dataset", "--source", google, "--source", twitter, "--out", "small.shard", "--limit", "1"},
                ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const ds::EmojiShard shard = ds::read_emoji_shard(ws.file("small.shard"));
    ASSERT_EQ(shard.records.size(), 2u);
    EXPECT_EQ(shard.records[0].set, "noto");
    EXPECT_EQ(shard.records[1].set, "twemoji");
}

TEST(CliDataset, BadSourcesAndOptionsExitTwoWithOneLineAndNoFile) {
    Workspace ws;
    const std::string good = make_package(ws, "twitter");
    const fs::path corrupt = fs::path(ws.path()) / "corrupt";
    fs::create_directories(corrupt / "img" / "twitter" / "64");
    write_file((corrupt / "emoji.json").string(), "[{\"name\": ");
    const std::string missing = ws.file("no-such-package");
    const struct {
        std::vector<std::string> args;
        std::string expected;
    } cases[] = {
        {{"dataset", "--source", missing, "--out", "x.shard"}, missing + ": no such folder"},
        {{"dataset", "--source", good, "--source", missing, "--out", "x.shard"}, missing},
        {{"dataset", "--source", corrupt.string(), "--out", "x.shard"}, "emoji.json: not valid JSON"},
        {{"dataset", "--out", "x.shard"}, "missing required option '--source DIR'"},
        {{"dataset", "--source", good, "--out", "x.shard", "--limit", "0"}, "--limit"},
        {{"dataset", "--source", good, "--out", "no-folder/x.shard"}, "no-folder"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expected);
        expect_one_line_error(run_cli(c.args, ws.path()), c.expected);
        EXPECT_FALSE(fs::exists(ws.file("x.shard")));
    }
    EXPECT_EQ(ws.entries(), (std::vector<std::string>{"corrupt", "emoji-datasource-twitter"}));
}

TEST(CliDataset, IsListedInTheHelp) {
    Workspace ws;
    const RunResult r = run_cli({"--help"}, ws.path());
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("  dataset "), std::string::npos) << r.out;
    const RunResult h = run_cli({"dataset", "--help"}, ws.path());
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_NE(h.out.find("--source DIR"), std::string::npos) << h.out;
}
