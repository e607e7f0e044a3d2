// `diffusion-studio-cli generate` and `info` end to end with the tiny SD fixture model (sd-tiny,
// 128x128, 3-4 steps): the image, its A1111 "parameters" text and the printed seed; a seed fixes the
// pixels; the single file (with --tokenizer) draws what the folder draws; --trace writes one preview
// pair and one CSV row per step; info describes both layouts; and pickles, truncated files, a missing
// tokenizer and bad settings end with exit 2, one stderr line and no output file.
// To add a case: call generate({...}) in a Workspace and assert on the files; for bad input add a
// row to the table in CliGenerate.BadInputExitsTwoWithOneLineAndNoFile.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/builtin/builtin_model_location.h"
#include "core/io/image_io.h"
#include "core/pipeline/generation_metadata.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/test_images.h"
#include "tests/support/fixtures.h"

namespace fs = std::filesystem;
using ds::test::cli::kErrorPrefix;
using ds::test::cli::read_file;
using ds::test::cli::run_cli;
using ds::test::cli::RunResult;
using ds::test::cli::Workspace;
using ds::test::cli::write_file;

using ds::test::parameters_of;

namespace {

std::string folder_model() { return ds::test::sd_tiny_path("diffusers"); }
std::string single_file_model() { return ds::test::sd_tiny_path("tiny-sd1.safetensors"); }
std::string fixture_tokenizer() { return ds::test::sd_tiny_path("diffusers/tokenizer"); }

// `generate` at the fixture's native 128x128 with 3 steps, plus `extra`.
RunResult generate(const Workspace& ws, const std::string& model, const std::string& out,
                   const std::vector<std::string>& extra) {
    std::vector<std::string> args{"generate", "--model", model, "--prompt",
                                  "a photo of an astronaut riding a horse"};
    args.insert(args.end(), {"--width", "128", "--height", "128", "--steps", "3", "--out", out});
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args, ws.path());
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream ss(text);
    std::string line;
    while (std::getline(ss, line)) lines.push_back(line);
    return lines;
}

float max_abs_diff(const ds::Image& a, const ds::Image& b) {
    float m = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) m = std::max(m, std::abs(a.pixels[i] - b.pixels[i]));
    return m;
}


void expect_one_line_error(const RunResult& r, const std::string& expected, const std::string& what) {
    EXPECT_EQ(r.exit_code, 2) << what << "\n" << r.err;
    EXPECT_EQ(r.err.rfind(kErrorPrefix, 0), 0u) << what << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << " one line: " << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << what << ": expected '" << expected << "' in\n"
                                                       << r.err;
}

}  // namespace

TEST(CliGenerate, WritesTheImageWithParametersProgressAndTrace) {
    DS_REQUIRE_FIXTURE(folder_model());
    Workspace ws;
    const RunResult r = generate(ws, folder_model(), "out.png",
                                 {"--negative", "blurry, low quality", "--sampler", "dpmpp-2m", "--karras",
                                  "--cfg", "5", "--seed", "77", "--trace", "trace"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("seed: 77\n"), std::string::npos) << r.out;
    for (int k = 1; k <= 3; ++k)
        EXPECT_NE(r.err.find("step " + std::to_string(k) + "/3 t="), std::string::npos) << r.err;

    const ds::Image image = ds::read_image(ws.file("out.png"));
    EXPECT_EQ(image.width, 128);
    EXPECT_EQ(image.height, 128);
    EXPECT_EQ(image.channels, 3);
    float lo = 1, hi = 0;
    for (float v : image.pixels) lo = std::min(lo, v), hi = std::max(hi, v);
    EXPECT_GT(hi - lo, 0.1f) << "a picture, not a flat colour";

    const std::string text = ds::read_image_text(ws.file("out.png")).at("parameters");
    EXPECT_EQ(text,
              "a photo of an astronaut riding a horse\nNegative prompt: blurry, low quality\n"
              "Steps: 3, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5, Seed: 77, Size: 128x128, "
              "Model: diffusers");

    // --trace: one xt/x0 preview per step, upscaled to at least 128 px, and a CSV row per step.
    std::vector<std::string> expected_files{"trace.csv"};
    for (const char* kind : {"x0", "xt"})
        for (int k = 1; k <= 3; ++k)
            expected_files.push_back(std::string(kind) + "_00" + std::to_string(k) + ".png");
    std::sort(expected_files.begin(), expected_files.end());
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(ws.file("trace")))
        files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    EXPECT_EQ(files, expected_files);
    for (const std::string& f : files) {
        if (f == "trace.csv") continue;
        const ds::Image preview = ds::read_image(ws.file("trace/" + f));
        EXPECT_EQ(preview.width, 128) << f << ": the 16x16 latent, nearest-upscaled 8x";
        EXPECT_EQ(preview.height, 128) << f;
    }
    const std::vector<std::string> csv = lines_of(read_file(ws.file("trace/trace.csv")));
    ASSERT_EQ(csv.size(), 4u);
    EXPECT_EQ(csv[0], "step,t,sigma,latent_std,eps_norm,x0_std,ms");
    double last_sigma = 1e9, last_t = 1e9;
    for (int k = 1; k <= 3; ++k) {
        std::vector<std::string> fields;
        std::stringstream ss(csv[static_cast<size_t>(k)]);
        for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
        ASSERT_EQ(fields.size(), 7u) << csv[static_cast<size_t>(k)];
        EXPECT_EQ(fields[0], std::to_string(k));
        const double sigma = std::stod(fields[2]);
        const double t = std::stod(fields[1]);
        EXPECT_LT(sigma, last_sigma) << "noise levels fall step by step";
        EXPECT_LT(t, last_t);
        last_sigma = sigma;
        last_t = t;
        for (size_t c = 3; c < 6; ++c) EXPECT_GT(std::stod(fields[c]), 0) << csv[static_cast<size_t>(k)];
    }
}

TEST(CliGenerate, ThePrintedSeedReproducesThePicture) {
    DS_REQUIRE_FIXTURE(folder_model());
    Workspace ws;
    // No --seed: a random one, printed and stored. Euler a (the default) draws fresh noise every
    // step, so the seed must fix the whole run, not only the start.
    const RunResult first = generate(ws, folder_model(), "a.png", {});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(first.out, m, std::regex("seed: ([0-9]+) \\(random\\)"))) << first.out;
    const std::string seed = m[1];
    const ds::GenerationMetadata meta = parameters_of(ws.file("a.png"));
    EXPECT_EQ(std::to_string(meta.seed), seed);
    EXPECT_EQ(meta.sampler, "euler-a");
    EXPECT_EQ(meta.cfg_scale, 7.5);
    EXPECT_EQ(meta.steps, 3);
    EXPECT_FALSE(meta.karras);

    ASSERT_EQ(generate(ws, folder_model(), "b.png", {"--seed", seed}).exit_code, 0);
    const std::string other = std::to_string(std::stoull(seed) + 1);
    ASSERT_EQ(generate(ws, folder_model(), "c.png", {"--seed", other}).exit_code, 0);
    const ds::Image a = ds::read_image(ws.file("a.png"));
    const ds::Image b = ds::read_image(ws.file("b.png"));
    const ds::Image c = ds::read_image(ws.file("c.png"));
    EXPECT_EQ(a.pixels, b.pixels) << "same seed, same pixels";
    EXPECT_GT(max_abs_diff(a, c), 0.1f) << "another seed, another picture";
    EXPECT_EQ(parameters_of(ws.file("c.png")).seed, std::stoull(other));
}

TEST(CliGenerate, SingleFileDrawsWhatTheFolderDraws) {
    DS_REQUIRE_FIXTURE(single_file_model());
    Workspace ws;
    const std::vector<std::string> settings{"--sampler", "ddim", "--seed", "5", "--negative", "ugly"};
    std::vector<std::string> with_tokenizer = settings;
    with_tokenizer.insert(with_tokenizer.end(), {"--tokenizer", fixture_tokenizer()});
    const RunResult single = generate(ws, single_file_model(), "single.png", with_tokenizer);
    ASSERT_EQ(single.exit_code, 0) << single.err;
    const RunResult folder = generate(ws, folder_model(), "folder.png", settings);
    ASSERT_EQ(folder.exit_code, 0) << folder.err;
    // The F16 single file and the F32 folder hold the same numbers (fixture README).
    EXPECT_EQ(ds::read_image(ws.file("single.png")).pixels, ds::read_image(ws.file("folder.png")).pixels);
    const ds::GenerationMetadata meta = parameters_of(ws.file("single.png"));
    EXPECT_EQ(meta.model, "tiny-sd1");
    EXPECT_EQ(meta.sampler, "ddim");
    EXPECT_EQ(meta.negative_prompt, "ugly");
}

TEST(CliGenerate, SingleFileWithoutTokenizerNamesTheMissingFiles) {
    DS_REQUIRE_FIXTURE(single_file_model());
    Workspace ws;
    const RunResult r = generate(ws, single_file_model(), "out.png", {"--seed", "1"});
    expect_one_line_error(r, "vocab.json", "no tokenizer");
    EXPECT_NE(r.err.find("merges.txt"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--tokenizer"), std::string::npos) << "says how to fix it: " << r.err;
    EXPECT_EQ(ws.entries(), std::vector<std::string>{});
}

TEST(CliGenerate, BadInputExitsTwoWithOneLineAndNoFile) {
    DS_REQUIRE_FIXTURE(folder_model());
    Workspace ws;
    write_file(ws.file("model.ckpt"), std::string("\x80\x02}q\x00(X\x05\x00\x00\x00state", 16));
    write_file(ws.file("disguised.safetensors"), std::string("PK\x03\x04zipped-pickle", 17));
    const std::string full = read_file(single_file_model());
    write_file(ws.file("truncated.safetensors"), full.substr(0, full.size() / 3));
    write_file(ws.file("garbage.safetensors"), std::string(64, 'x'));
    const std::string folder = folder_model();

    struct Case {
        std::vector<std::string> extra;  // after "generate --prompt cat --out out.png"
        std::string expected;            // a part of the error message
    };
    auto with_model = [&](std::string model, std::vector<std::string> more = {}) {
        std::vector<std::string> a{"--model", std::move(model)};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    const std::vector<Case> cases{
        {{"--schedule", "quadratic"}, "--schedule must be cosine or linear"},
        {with_model(folder, {"--schedule", "linear"}), "--schedule chooses between the built-in model"},
        {{"--clip-skip", "9"}, "--clip-skip: 9 is outside [1, 4]"},
        {with_model("model.ckpt"), "pickle"},
        {with_model("disguised.safetensors"), "pickle"},
        {with_model("truncated.safetensors"), "truncated.safetensors"},
        {with_model("garbage.safetensors"), "garbage.safetensors"},
        {with_model("missing-model"), "does not exist"},
        {with_model(folder, {"--width", "100"}), "--width: 100 is not a multiple of 8"},
        {with_model(folder, {"--height", "4104"}), "--height"},
        {with_model(folder, {"--width", "56"}), "between 64 and 4096"},
        {with_model(folder, {"--steps", "0"}), "--steps"},
        {with_model(folder, {"--cfg", "nan"}), "--cfg"},
        {with_model(folder, {"--cfg", "-1"}), "--cfg"},
        {with_model(folder, {"--sampler", "fancy"}), "unknown sampler 'fancy'"},
        {with_model(folder, {"--seed", "-3"}), "--seed"},
        {with_model(folder, {"--trace", "model.ckpt"}), "--trace: 'model.ckpt' is a file"},
        {with_model(folder, {"--device", "cpu", "--dtype", "fp16"}), "precision fp16 needs a CUDA device"},
        {with_model(folder, {"--dtype", "int4"}), "unknown precision 'int4'"},
        {with_model(folder, {"--device", "tpu"}), "unknown device 'tpu'"},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args{"generate", "--prompt", "cat", "--out", "out.png"};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        std::string what;
        for (const std::string& a : args) what += a + " ";
        expect_one_line_error(run_cli(args, ws.path()), c.expected, what);
        EXPECT_FALSE(fs::exists(ws.file("out.png"))) << what;
    }
    EXPECT_EQ(ws.entries(), (std::vector<std::string>{"disguised.safetensors", "garbage.safetensors",
                                                      "model.ckpt", "truncated.safetensors"}))
        << "no output or temporary file was left";
}

TEST(CliInfo, DescribesBothLayouts) {
    DS_REQUIRE_FIXTURE(single_file_model());
    Workspace ws;
    const RunResult folder = run_cli({"info", folder_model()}, ws.path());
    ASSERT_EQ(folder.exit_code, 0) << folder.err;
    const RunResult single =
        run_cli({"info", "--tokenizer", fixture_tokenizer(), single_file_model()}, ws.path());
    ASSERT_EQ(single.exit_code, 0) << single.err;
    for (const RunResult* r : {&folder, &single}) {
        EXPECT_NE(r->out.find("version: SD 1.x\n"), std::string::npos) << r->out;
        // Parameter counts of the fixture README.
        EXPECT_TRUE(std::regex_search(r->out, std::regex("unet +3,222,692 parameters"))) << r->out;
        EXPECT_TRUE(std::regex_search(r->out, std::regex("vae +1,399,879 parameters"))) << r->out;
        EXPECT_TRUE(std::regex_search(r->out, std::regex("text_encoder +1,600,672 parameters"))) << r->out;
        EXPECT_NE(r->out.find("prediction: epsilon"), std::string::npos) << r->out;
        EXPECT_NE(r->out.find("notes:"), std::string::npos) << r->out;
    }
    EXPECT_NE(folder.out.find("layout: diffusers folder"), std::string::npos) << folder.out;
    EXPECT_TRUE(std::regex_search(folder.out, std::regex("unet +3,222,692 parameters +stored as F32")))
        << folder.out;
    EXPECT_TRUE(std::regex_search(folder.out, std::regex("text_encoder .*stored as F16"))) << folder.out;
    EXPECT_NE(single.out.find("layout: single-file checkpoint"), std::string::npos) << single.out;
    EXPECT_TRUE(std::regex_search(single.out, std::regex("unet .*stored as F16"))) << single.out;
}

TEST(CliInfo, RefusesPicklesAndBrokenFiles) {
    DS_REQUIRE_FIXTURE(single_file_model());
    Workspace ws;
    write_file(ws.file("model.ckpt"), "not even a pickle");
    const std::string full = read_file(single_file_model());
    write_file(ws.file("cut.safetensors"), full.substr(0, full.size() - 1000));
    expect_one_line_error(run_cli({"info", "model.ckpt"}, ws.path()), "arbitrary code", "pickle");
    expect_one_line_error(run_cli({"info", "cut.safetensors", "--tokenizer", fixture_tokenizer()}, ws.path()),
                          "cut.safetensors", "truncated");
    expect_one_line_error(run_cli({"info"}, ws.path()), "missing PATH", "no path");
    expect_one_line_error(run_cli({"info", "a", "b"}, ws.path()), "unexpected argument 'b'", "two paths");
}

TEST(CliGenerate, HelpListsTheOptions) {
    Workspace ws;
    const RunResult g = run_cli({"generate", "--help"}, ws.path());
    EXPECT_EQ(g.exit_code, 0);
    for (const char* option :
         {"--model", "--prompt", "--negative", "--sampler", "--karras", "--steps", "--cfg", "--seed",
          "--width", "--height", "--tokenizer", "--clip-skip", "--out", "--trace"})
        EXPECT_NE(g.out.find(option), std::string::npos) << option;
    const RunResult i = run_cli({"help", "info"}, ws.path());
    EXPECT_EQ(i.exit_code, 0);
    EXPECT_EQ(i.out.rfind("usage: diffusion-studio-cli info PATH", 0), 0u) << i.out;
}

namespace {

// A model folder that `train export` wrote is a model `--model` takes. The copy here holds only the
// linear UNet, so a run that ignored --model (and used the shipped folder, which has all three)
// would not fail where this one must.
TEST(CliGenerate, ABuiltInModelFolderIsAModel) {
    Workspace ws;
    const fs::path shipped = ds::find_builtin_model_dir();
    const fs::path mine = ws.file("my-model");
    fs::create_directories(mine);
    for (const char* f : {"model.json", "tokenizer.model", "vae.safetensors"}) fs::copy_file(shipped / f, mine / f);
    fs::copy(shipped / "linear", mine / "linear", fs::copy_options::recursive);
    const std::vector<std::string> common{"--prompt", "red heart", "--steps", "3", "--seed", "7"};
    auto run = [&](std::vector<std::string> args, const std::string& out) {
        args.insert(args.begin(), "generate");
        args.insert(args.end(), common.begin(), common.end());
        args.insert(args.end(), {"--out", out});
        return run_cli(args, ws.path());
    };
    const RunResult from_folder = run({"--model", "my-model", "--schedule", "linear"}, "mine.png");
    ASSERT_EQ(from_folder.exit_code, 0) << from_folder.err;
    const RunResult shipped_run = run({"--schedule", "linear"}, "shipped.png");
    ASSERT_EQ(shipped_run.exit_code, 0) << shipped_run.err;
    EXPECT_EQ(ds::read_image(ws.file("mine.png")).pixels, ds::read_image(ws.file("shipped.png")).pixels);

    const RunResult no_cosine = run({"--model", "my-model"}, "none.png");
    EXPECT_EQ(no_cosine.exit_code, 2) << no_cosine.err;
    EXPECT_NE(no_cosine.err.find("cosine"), std::string::npos) << no_cosine.err;
    EXPECT_NE(no_cosine.err.find("my-model"), std::string::npos) << no_cosine.err;
    EXPECT_EQ(std::count(no_cosine.err.begin(), no_cosine.err.end(), '\n'), 1) << no_cosine.err;
    EXPECT_FALSE(fs::exists(ws.file("none.png")));
}

}  // namespace
