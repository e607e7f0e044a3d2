// `diffusion-studio-cli bench` on the shipped built-in model (2 timed steps, 1 whole image): its
// JSON has positive seconds, the GFLOP that core/perf counts for the model's UNet and VAE at that
// size, kinds of work whose shares add up to 100%, the sgemm rate and the ratio to it, memory
// against the weights, and the end-to-end image time with its 1 s target; the table prints the
// targets; --help lists the options. Bad arguments (unknown model, missing path, sizes, steps,
// --runs for another model, an unwritable --json) end with exit 2, one stderr line and no JSON file.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/builtin/builtin_model.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/perf/arch_walk.h"
#include "tests/cli/cli_runner.h"

using ds::test::cli::kErrorPrefix;
using ds::test::cli::read_file;
using ds::test::cli::run_cli;
using ds::test::cli::RunResult;
using ds::test::cli::Workspace;

TEST(CliBench, BuiltinModelFiguresAgreeWithTheCoreCount) {
    std::optional<ds::StableDiffusionModel> model;
    try {
        model = ds::load_builtin_model({"", "cosine", "cpu"});  // what bench loads
    } catch (const std::exception& e) {
        GTEST_SKIP() << "no built-in model (resources/models/builtin or DS_BUILTIN_MODEL_DIR): " << e.what();
    }
    Workspace ws;
    const RunResult r =
        run_cli({"bench", "--model", "builtin", "--steps", "2", "--runs", "1", "--json", "bench.json"}, ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(read_file(ws.file("bench.json")));

    const int64_t latent = model->native_size / model->vae->config().downsample_factor();
    EXPECT_EQ(j["width"], model->native_size);
    EXPECT_EQ(j["height"], model->native_size);
    EXPECT_EQ(j["steps"], 2);
    const double sgemm = j["sgemm"]["gflops"];
    EXPECT_GT(sgemm, 0);

    const double unet_gflop =
        ds::perf::walk_unet(model->unet->config(), 2, latent, latent, model->context_length).flops.total() / 1e9;
    const double vae_gflop = ds::perf::walk_vae_decode(model->vae->config(), 1, latent, latent).flops.total() / 1e9;
    for (const auto& [pass, gflop] : {std::pair{"unet", unet_gflop}, std::pair{"vae", vae_gflop}}) {
        SCOPED_TRACE(pass);
        const nlohmann::json& p = j.at(pass);
        const double seconds = p["seconds"];
        EXPECT_GT(seconds, 0);
        EXPECT_DOUBLE_EQ(p["gflop"].get<double>(), gflop);
        EXPECT_NEAR(p["gflops"].get<double>(), gflop / seconds, 1e-9 * gflop / seconds);
        EXPECT_NEAR(p["fraction_of_sgemm"].get<double>(), gflop / seconds / sgemm, 1e-9);
        EXPECT_TRUE(p["output_finite"].get<bool>());
        EXPECT_GT(p["peak_rss_mib"].get<double>(), 0);
        EXPECT_NEAR(p["peak_rss_over_weights"].get<double>(),
                    p["peak_rss_mib"].get<double>() / j["weights"]["mib"].get<double>(), 1e-9);
        double share = 0, kind_gflop = 0;
        for (const char* kind : {"convolution", "linear", "attention", "normalisation", "other"}) {
            ASSERT_TRUE(p["kinds"].contains(kind)) << kind;
            share += p["kinds"][kind]["share"].get<double>();
            kind_gflop += p["kinds"][kind].value("gflop", 0.0);
        }
        EXPECT_NEAR(share, 1.0, 1e-6);
        EXPECT_NEAR(kind_gflop, gflop, 1e-9 * gflop);
        EXPECT_GT(p["kinds"]["convolution"]["seconds"].get<double>(), 0);
    }
    EXPECT_EQ(j["unet"]["seconds_all"].size(), 2u);
    EXPECT_EQ(j["weights"]["unet_parameters_counted"], j["weights"]["unet_parameters"]);
    EXPECT_GT(j["end_to_end"]["seconds"].get<double>(), 0);
    EXPECT_EQ(j["end_to_end"]["steps"], 25);
    EXPECT_EQ(j["end_to_end"]["targets"]["seconds_max"], 1.0);
    EXPECT_NE(r.out.find("target"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("< 1 s"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("wrote bench.json"), std::string::npos) << r.out;
}

TEST(CliBench, HelpListsTheOptions) {
    Workspace ws;
    const RunResult r = run_cli({"bench", "--help"}, ws.path());
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("usage: diffusion-studio-cli bench --model sd15-random|builtin|PATH", 0), 0u) << r.out;
    for (const char* option : {"--width", "--height", "--steps", "--threads", "--skip-vae", "--runs", "--json"})
        EXPECT_NE(r.out.find(option), std::string::npos) << option;
}

TEST(CliBench, BadArgumentsExitTwoWithOneLine) {
    Workspace ws;
    struct Case {
        std::vector<std::string> args;  // after "bench"
        std::string expected;           // a part of the error message
    };
    const std::vector<Case> cases{
        {{}, "missing required option '--model"},
        {{"--model", "sd14-random"}, "'sd14-random' is neither sd15-random nor builtin"},
        {{"--model", ws.file("missing.safetensors")}, "no such file or folder"},
        {{"--model", "builtin", "--width", "100"}, "--width: 100 is not a multiple of 8"},
        {{"--model", "sd15-random", "--height", "100000"}, "--height"},
        {{"--model", "builtin", "--steps", "0"}, "--steps: 0 is outside [1, 1000]"},
        {{"--model", "sd15-random", "--runs", "2"}, "--runs: only the built-in model"},
        {{"--model", "builtin", "--threads", "0"}, "--threads"},
        {{"--model", "builtin", "--json", ws.file("no-folder/bench.json")}, "no-folder"},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args{"bench"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        SCOPED_TRACE(c.expected);
        const RunResult r = run_cli(args, ws.path());
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_EQ(r.err.rfind(kErrorPrefix, 0), 0u) << r.err;
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
    EXPECT_TRUE(ws.entries().empty());
}
