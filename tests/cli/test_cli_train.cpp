// `diffusion-studio-cli train`: --help lists the stages; the tokenizer stage on a tiny fake shard
// writes the tokenizer into --work and reports it; a missing or unknown stage, bad numbers
// (--steps 0, --batch 0, --lr 0), an unknown --schedule, a missing shard or an export without
// training end with exit 2, one stderr line naming the problem, and no file written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/support/fake_emoji_shard.h"

namespace fs = std::filesystem;
using ds::test::cli::kErrorPrefix;
using ds::test::cli::run_cli;
using ds::test::cli::RunResult;
using ds::test::cli::Workspace;

namespace {

void expect_one_line_error(const RunResult& r, const std::string& expected) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind(kErrorPrefix, 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << "expected '" << expected << "' in " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

// Every regular file under `dir`, relative to it.
std::vector<std::string> files_under(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(CliTrain, HelpListsTheStages) {
    Workspace ws;
    const RunResult r = run_cli({"train", "--help"}, ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* stage : {"tokenizer", "vae", "unet", "inpaint", "export", "import", "--from", "--restart", "--schedule"})
        EXPECT_NE(r.out.find(stage), std::string::npos) << stage << " in " << r.out;
    EXPECT_TRUE(ws.entries().empty());
}

TEST(CliTrain, TheTokenizerStageWritesTheTokenizerIntoTheWorkFolder) {
    Workspace ws;
    ds::test::write_fake_emoji_shard(ws.file("emoji.shard"));
    const RunResult r = run_cli({"train", "tokenizer", "--data", "emoji.shard", "--work", "w", "--vocab", "60"}, ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("train: tokenizer: w/tokenizer.model"), std::string::npos) << r.err;
    EXPECT_EQ(files_under(ws.path()), (std::vector<std::string>{"emoji.shard", "w/tokenizer.model", "w/tokenizer.vocab"}));
}

TEST(CliTrain, UsageErrorsAreOneLineAndWriteNothing) {
    Workspace ws;
    ds::test::write_fake_emoji_shard(ws.file("emoji.shard"));
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"train"}, "train needs a stage: tokenizer, vae, unet, inpaint, export or import"},
        {{"train", "--data", "emoji.shard"}, "train needs a stage"},
        {{"train", "decoder", "--data", "emoji.shard", "--work", "w"}, "unknown train stage 'decoder'"},
        {{"train", "vae", "--data", "emoji.shard", "--work", "w", "--steps", "0"}, "--steps must be at least 1"},
        {{"train", "vae", "--data", "emoji.shard", "--work", "w", "--steps", "-3"}, "--steps must be at least 1"},
        {{"train", "vae", "--data", "emoji.shard", "--work", "w", "--steps", "many"}, "--steps: 'many' is not an integer"},
        {{"train", "vae", "--data", "emoji.shard", "--work", "w", "--batch", "0"}, "--batch must be between 1 and 4096"},
        {{"train", "vae", "--data", "emoji.shard", "--work", "w", "--lr", "0"}, "--lr must be a positive number"},
        {{"train", "unet", "--data", "emoji.shard", "--work", "w", "--schedule", "sharp"},
         "--schedule must be cosine or linear, got 'sharp'"},
        {{"train", "vae", "--data", "emoji.shard", "--work", "w", "--colour", "red"}, "--colour"},
        {{"train", "unet", "--data", "emoji.shard", "--work", "w", "--offset-noise", "-0.1"},
         "--offset-noise must be between 0 and 1"},
        {{"train", "unet", "--data", "emoji.shard", "--work", "w", "--offset-noise", "some"},
         "--offset-noise: 'some' is not a number"},
        {{"train", "unet", "--data", "emoji.shard", "--work", "w", "--offset-noise", "1.5"},
         "--offset-noise must be between 0 and 1"},
        {{"train", "inpaint", "--data", "emoji.shard", "--work", "w", "--around-weight", "0"},
         "--around-weight must be in (0, 1]"},
        {{"train", "inpaint", "--data", "emoji.shard", "--work", "w", "--around-weight", "1.5"},
         "--around-weight must be in (0, 1]"},
        {{"train", "inpaint", "--data", "emoji.shard", "--work", "w", "--around-weight", "half"},
         "--around-weight: 'half' is not a number"},
        {{"train", "unet", "--data", "emoji.shard", "--work", "w", "--min-snr", "-1"},
         "--min-snr must be between 0 (off) and 1000"},
    };
    for (const auto& [args, expected] : cases) {
        SCOPED_TRACE(args.size() > 1 ? args[1] + " ... " + expected : expected);
        expect_one_line_error(run_cli(args, ws.path()), expected);
    }
    EXPECT_EQ(ws.entries(), std::vector<std::string>{"emoji.shard"});
}

TEST(CliTrain, AMissingShardIsAnErrorNamingItAndWritesNoFile) {
    Workspace ws;
    for (const char* stage : {"tokenizer", "vae"}) {
        SCOPED_TRACE(stage);
        expect_one_line_error(run_cli({"train", stage, "--data", "absent.shard", "--work", "w"}, ws.path()), "absent.shard");
    }
    // No file; an empty work folder is all that may be left (see the report).
    EXPECT_TRUE(files_under(ws.path()).empty());
}

TEST(CliTrain, LaterStagesNeedTheEarlierOnes) {
    Workspace ws;
    ds::test::write_fake_emoji_shard(ws.file("emoji.shard"));
    expect_one_line_error(run_cli({"train", "unet", "--data", "emoji.shard", "--work", "w"}, ws.path()),
                          "run the tokenizer stage first");
    expect_one_line_error(run_cli({"train", "export", "--work", "w", "--out", "model"}, ws.path()), "tokenizer.model");
    EXPECT_EQ(files_under(ws.path()), std::vector<std::string>{"emoji.shard"});
}

TEST(CliTrain, ImportRefusesAFolderThatIsNotAModelAndWritesNothing) {
    Workspace ws;
    ds::test::write_fake_emoji_shard(ws.file("emoji.shard"));
    expect_one_line_error(run_cli({"train", "import", "--from", ".", "--work", "w"}, ws.path()),
                          "has no model.json: not a built-in model folder");
    expect_one_line_error(run_cli({"train", "import", "--from", "absent", "--work", "w"}, ws.path()), "absent has no model.json");
    EXPECT_EQ(files_under(ws.path()), std::vector<std::string>{"emoji.shard"});
}
