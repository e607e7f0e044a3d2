// The built-in model: model.json round-trips its config and refuses bad ones with one line; the
// model folder is found through DS_BUILTIN_MODEL_DIR; the sentencepiece tokenizer trained on a tiny
// fake shard frames prompts as bos, pieces, eos, eos padding (lower-cased, truncated keeping bos and
// eos); every training stage runs on the fake shard (tokenizer, vae with resume, unet, inpaint) and
// the export loads back as a model whose txt2img is seeded and follows the prompt, while the inpaint
// variant refuses txt2img. With the shipped model present (else skipped): seeded, prompt-driven, and
// "red heart" comes out redder than "blue heart"; a hole in a red disc is repainted, by the
// inpainting UNet and by latent blending, nearer its red than grey, leaving the rest untouched.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "core/builtin/builtin_config.h"
#include "core/builtin/builtin_model.h"
#include "core/builtin/builtin_model_location.h"
#include "core/builtin/builtin_tokenizer.h"
#include "core/builtin/builtin_training.h"
#include "core/builtin/inpainting_evaluation.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/data/emoji_shard.h"
#include "core/io/safetensors.h"
#include "core/model/unet2d_condition.h"
#include "core/pipeline/inpaint.h"
#include "core/pipeline/txt2img.h"
#include "core/training/train_checkpoint.h"
#include "tests/support/fake_emoji_shard.h"
#include "tests/support/temp_dir.h"
#include "tests/support/error_of.h"

namespace fs = std::filesystem;

namespace {

using ds::test::TempDir;


using ds::test::error_of;

void expect_one_line_with(const std::string& message, const std::string& part) {
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find(part), std::string::npos) << "expected '" << part << "' in: " << message;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Sets an environment variable for one scope, restoring the old value.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old, had_ = true;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (had_) ::setenv(name_, old_.c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::string old_;
    bool had_ = false;
};

std::vector<int64_t> until_first(const std::vector<int64_t>& ids, int64_t eos) {
    const auto end = std::find(ids.begin() + 1, ids.end(), eos);
    return std::vector<int64_t>(ids.begin() + 1, end);
}

std::string decode(const ds::BuiltinTokenizer& tok, const std::vector<int64_t>& ids) {
    std::vector<int32_t> pieces(ids.begin(), ids.end());
    return tok.pieces().decode(pieces);
}

ds::GenerationParams params_for(const std::string& prompt, uint64_t seed, int steps) {
    ds::GenerationParams p;
    p.prompt = prompt;
    p.seed = seed;
    p.steps = steps;
    p.width = 64;
    p.height = 64;
    return p;
}

double mean_abs_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().mean().item<double>(); }

// Mean of the red channel minus mean of the blue one, for [1, 3, H, W] in [-1, 1].
double red_minus_blue(const at::Tensor& image) {
    return (image[0][0].mean() - image[0][2].mean()).item<double>();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// model.json

TEST(BuiltinConfig, DefaultSizesFitTheEmojiModel) {
    const ds::BuiltinConfig c = ds::default_builtin_config(1000);
    EXPECT_EQ(c.vae.downsample_factor(), 4);  // 64x64 -> 16x16
    EXPECT_EQ(c.image_size / c.vae.downsample_factor(), c.unet.sample_size);
    EXPECT_EQ(c.text_encoder.vocab_size, 1000);
    EXPECT_EQ(c.text_encoder.max_positions, c.context_length);
    EXPECT_EQ(c.unet.cross_dim(0), c.text_encoder.hidden_size);
    EXPECT_EQ(c.unet.in_channels, c.vae.latent_channels);
    EXPECT_NO_THROW(c.vae.validate());
    EXPECT_NO_THROW(c.text_encoder.validate());
    EXPECT_NO_THROW(c.unet.validate());
    const ds::UNetConfig inpaint = ds::inpainting_unet_config(c.unet);
    EXPECT_EQ(inpaint.in_channels, 9);
    ds::UNetConfig back = inpaint;
    back.in_channels = 4;
    EXPECT_EQ(back, c.unet);
}

TEST(BuiltinConfig, JsonRoundTripsTheConfig) {
    ds::BuiltinConfig c = ds::default_builtin_config(321);
    c.text_encoder.bos_token_id = 1;
    c.text_encoder.eos_token_id = 2;
    c.text_encoder.pad_token_id = 2;
    c.vae.scaling_factor = 0.734218765;
    c.context_length = 24;
    c.image_size = 48;
    EXPECT_EQ(ds::builtin_config_json(c).find("latent_rgb_factors"), std::string::npos);  // none: not written
    c.latent_rgb_factors = {0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.8, 0.9, -1.0, 1.1, 0.125};
    c.latent_rgb_bias = {0.01, -0.02, 0.03};
    const std::string json = ds::builtin_config_json(c);
    EXPECT_NE(json.find("\"format\": \"diffusion-studio-builtin/1\""), std::string::npos) << json;
    const ds::BuiltinConfig back = ds::parse_builtin_config(json);
    EXPECT_EQ(back.vae, c.vae);
    EXPECT_EQ(back.text_encoder, c.text_encoder);
    EXPECT_EQ(back.unet, c.unet);
    EXPECT_EQ(back.unet.sample_size, c.unet.sample_size);
    EXPECT_EQ(back.context_length, 24);
    EXPECT_EQ(back.image_size, 48);
    EXPECT_EQ(back.latent_rgb_factors, c.latent_rgb_factors);
    EXPECT_EQ(back.latent_rgb_bias, c.latent_rgb_bias);
    EXPECT_EQ(ds::builtin_config_json(back), json);  // and the text is stable
}

TEST(BuiltinConfig, BadModelJsonIsAOneLineError) {
    const std::string good = ds::builtin_config_json(ds::default_builtin_config(100));
    auto replaced = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        const size_t at = s.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return s.replace(at, from.size(), to);
    };
    expect_one_line_with(error_of([] { ds::parse_builtin_config("{\"format\": "); }), "model.json is not valid JSON");
    expect_one_line_with(error_of([] { ds::parse_builtin_config("[1, 2]"); }), "format is not diffusion-studio-builtin/1");
    expect_one_line_with(error_of([&] { ds::parse_builtin_config(replaced("builtin/1", "builtin/2")); }),
                         "format is not diffusion-studio-builtin/1");
    expect_one_line_with(error_of([&] { ds::parse_builtin_config(replaced("\"unet\":", "\"unet_\":")); }),
                         "no \"unet\" object");
    expect_one_line_with(error_of([&] { ds::parse_builtin_config(replaced("\"context_length\": 32", "\"context_length\": 33")); }),
                         "context_length must be between 2 and the text encoder's positions");
    expect_one_line_with(error_of([&] { ds::parse_builtin_config(replaced("\"context_length\": 32", "\"context_length\": 1")); }),
                         "context_length must be between 2");
    expect_one_line_with(
        error_of([&] { ds::parse_builtin_config(replaced("\"context_length\": 32", "\"context_length\": \"long\"")); }),
        "context_length and image_size must be integers");
    expect_one_line_with(error_of([&] { ds::parse_builtin_config(replaced("\"image_size\": 64", "\"image_size\": 66")); }),
                         "image_size must be a multiple of the VAE's downsampling factor");
    const std::string with_factors = replaced("\"context_length\": 32",
                                              "\"latent_rgb_factors\": [1, 2, 3], \"latent_rgb_bias\": [0, 0, 0], "
                                              "\"context_length\": 32");
    expect_one_line_with(error_of([&] { ds::parse_builtin_config(with_factors); }),
                         "latent_rgb_factors must hold 3 values per latent channel");
    std::string no_bias = with_factors;
    no_bias.replace(no_bias.find("\"latent_rgb_bias\""), 8, "\"other__");
    expect_one_line_with(error_of([&] { ds::parse_builtin_config(no_bias); }), "latent_rgb_factors/latent_rgb_bias must be lists");
    // A broken component config is reported by that component's parser.
    EXPECT_THROW(ds::parse_builtin_config(replaced("\"norm_num_groups\": 32", "\"norm_num_groups\": 7")), std::runtime_error);
}

TEST(BuiltinModelLocation, TheEnvironmentVariableComesFirstAndAMissingModelListsTheFolders) {
    TempDir dir;
    ScopedEnv env("DS_BUILTIN_MODEL_DIR", dir.path());
    const std::vector<std::string> dirs = ds::builtin_model_search_dirs();
    ASSERT_FALSE(dirs.empty());
    EXPECT_EQ(dirs[0], dir.path());
    // A folder without model.json does not count; with none anywhere the error lists them all.
    const bool elsewhere = std::any_of(dirs.begin() + 1, dirs.end(),
                                       [](const std::string& d) { return fs::exists(fs::path(d) / "model.json"); });
    if (!elsewhere) {
        const std::string message = error_of([] { ds::find_builtin_model_dir(); });
        for (const std::string& d : dirs) expect_one_line_with(message, d);
        expect_one_line_with(message, "set DS_BUILTIN_MODEL_DIR");
    }
    std::ofstream(dir.file("model.json")) << "{}";
    EXPECT_EQ(ds::find_builtin_model_dir(), dir.path());
}

TEST(BuiltinModel, LoadingRefusesUnknownOrAbsentVariants) {
    TempDir dir;
    EXPECT_TRUE(ds::builtin_variants(dir.path()).empty());
    expect_one_line_with(error_of([&] { ds::load_builtin_model({dir.path(), "cosine", "cpu"}); }), "has no 'cosine' variant");
    expect_one_line_with(error_of([&] { ds::load_builtin_model({dir.path(), "sharp", "cpu"}); }),
                         "unknown built-in model variant 'sharp'");
    // A variant needs both of its files.
    fs::create_directories(fs::path(dir.path()) / "linear");
    std::ofstream(dir.file("linear/unet.safetensors")) << "x";
    EXPECT_TRUE(ds::builtin_variants(dir.path()).empty());
}

// ---------------------------------------------------------------------------------------------
// The tokenizer

class BuiltinTokenizerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        model_ = ds::train_builtin_tokenizer(ds::test::fake_emoji_shard(), dir_->file("tok"), 80);
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static TempDir* dir_;
    static std::string model_;
};
TempDir* BuiltinTokenizerTest::dir_ = nullptr;
std::string BuiltinTokenizerTest::model_;

TEST_F(BuiltinTokenizerTest, TrainingWritesTheModelAndVocabularyOnly) {
    EXPECT_EQ(model_, dir_->file("tok.model"));
    EXPECT_TRUE(fs::exists(dir_->file("tok.model")));
    EXPECT_TRUE(fs::exists(dir_->file("tok.vocab")));
    EXPECT_FALSE(fs::exists(dir_->file("tok.corpus.txt")));  // the caption corpus is removed
    const ds::BuiltinTokenizer tok = ds::BuiltinTokenizer::load(model_, 16);
    EXPECT_LE(tok.vocab_size(), 80);  // the hard limit is off: a small corpus may give fewer
    EXPECT_GT(tok.vocab_size(), 20);
    EXPECT_EQ(tok.bos_id(), 1);
    EXPECT_EQ(tok.eos_id(), 2);
    EXPECT_EQ(tok.context_length(), 16);
}

TEST_F(BuiltinTokenizerTest, FramesPromptsAsBosPiecesEosAndEosPadding) {
    const ds::BuiltinTokenizer tok = ds::BuiltinTokenizer::load(model_, 16);
    const std::vector<int64_t> ids = tok.encode("red heart");
    ASSERT_EQ(ids.size(), 16u);
    EXPECT_EQ(ids[0], tok.bos_id());
    const std::vector<int64_t> pieces = until_first(ids, tok.eos_id());
    ASSERT_GE(pieces.size(), 1u);
    EXPECT_LT(pieces.size(), 10u);
    for (size_t i = 1 + pieces.size(); i < ids.size(); ++i) EXPECT_EQ(ids[i], tok.eos_id()) << i;
    for (int64_t id : pieces) {
        EXPECT_GE(id, 0);
        EXPECT_LT(id, tok.vocab_size());
        EXPECT_NE(id, tok.bos_id());
    }
    EXPECT_EQ(decode(tok, pieces), "red heart");
    // Upper case is lower-cased first, as the captions are.
    EXPECT_EQ(tok.encode("RED Heart"), ids);
    EXPECT_NE(tok.encode("blue heart"), ids);
    // The empty prompt (the unconditional one): bos then eos only.
    const std::vector<int64_t> empty = tok.encode("");
    EXPECT_EQ(empty[0], tok.bos_id());
    for (size_t i = 1; i < empty.size(); ++i) EXPECT_EQ(empty[i], tok.eos_id());
}

TEST_F(BuiltinTokenizerTest, CaptionWordsRoundTripThroughThePieces) {
    const ds::BuiltinTokenizer tok = ds::BuiltinTokenizer::load(model_, 32);
    for (const std::string text : {"green apple", "waving hand, dark skin tone", "twemoji style",
                                   "on a white background", "large blue circle, noto style", "yellow heart"}) {
        const std::vector<int64_t> ids = tok.encode(text);
        EXPECT_EQ(decode(tok, until_first(ids, tok.eos_id())), text);
    }
}

TEST_F(BuiltinTokenizerTest, LongPromptsAreTruncatedKeepingBosAndEos) {
    const ds::BuiltinTokenizer tok = ds::BuiltinTokenizer::load(model_, 8);
    const std::string text = "red heart blue heart green heart yellow heart red apple green apple waving hand";
    const std::vector<int64_t> ids = tok.encode(text);
    ASSERT_EQ(ids.size(), 8u);
    EXPECT_EQ(ids.front(), tok.bos_id());
    EXPECT_EQ(ids.back(), tok.eos_id());
    for (size_t i = 1; i + 1 < ids.size(); ++i) EXPECT_NE(ids[i], tok.eos_id()) << i;
    const std::string kept = decode(tok, std::vector<int64_t>(ids.begin() + 1, ids.end() - 1));
    EXPECT_FALSE(kept.empty());
    EXPECT_EQ(text.rfind(kept, 0), 0u) << kept;  // a prefix of the prompt

    const at::Tensor batch = tok.encode_batch({"red heart", "", text});
    ASSERT_EQ(batch.sizes(), (std::vector<int64_t>{3, 8}));
    EXPECT_EQ(batch.scalar_type(), at::kLong);
    EXPECT_EQ(std::vector<int64_t>(batch[2].data_ptr<int64_t>(), batch[2].data_ptr<int64_t>() + 8), ids);
    EXPECT_EQ(batch[1][1].item<int64_t>(), tok.eos_id());
}

TEST_F(BuiltinTokenizerTest, BadModelsAndContextLengthsAreErrors) {
    expect_one_line_with(error_of([] { ds::BuiltinTokenizer::load(model_, 1); }), "context length must be at least 2");
    std::ofstream(dir_->file("junk.model")) << "not a sentencepiece model";
    const std::string message = error_of([] { ds::BuiltinTokenizer::load(dir_->file("junk.model"), 16); });
    EXPECT_NE(message.find("junk.model"), std::string::npos) << message;
    EXPECT_THROW(ds::BuiltinTokenizer::load(dir_->file("absent.model"), 16), std::runtime_error);
}

// ---------------------------------------------------------------------------------------------
// Every training stage on the fake shard, the export, and generation with what was exported. One
// test: the stages depend on each other, and ctest runs each test in a process of its own.

TEST(BuiltinTraining, EveryStageRunsResumesExportsAndTheExportGenerates) {
    using clock = std::chrono::steady_clock;
    const auto begin = clock::now();
    TempDir dir;
    const std::string work = dir.file("work"), out = dir.file("export");
    std::vector<std::string> log;
    ds::BuiltinTrainOptions o;
    o.shard_path = ds::test::write_fake_emoji_shard(dir.file("emoji.shard"));
    o.work_dir = work;
    o.steps = 1;
    o.batch = 2;
    o.seed = 5;
    o.vocab_size = 60;
    o.checkpoint_every = 100;
    o.log = [&](const std::string& line) { log.push_back(line); };
    auto logged = [&](const std::string& part) {
        return std::any_of(log.begin(), log.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
    };

    // Stages that need an earlier one say which.
    expect_one_line_with(error_of([&] { ds::train_builtin_unet_stage(o); }), "run the tokenizer stage first");

    EXPECT_EQ(ds::train_builtin_tokenizer_stage(o), (fs::path(work) / "tokenizer.model").string());
    expect_one_line_with(error_of([&] { ds::train_builtin_unet_stage(o); }), "run the vae stage first");

    ds::train_builtin_autoencoder_stage(o);
    EXPECT_EQ(ds::load_train_checkpoint(work + "/vae.ckpt.safetensors").step, 1);
    o.steps = 2;  // resumes from the checkpoint of step 1
    ds::train_builtin_autoencoder_stage(o);
    EXPECT_TRUE(logged("resuming the autoencoder from step 1"));
    const ds::TrainCheckpoint vae = ds::load_train_checkpoint(work + "/vae.ckpt.safetensors");
    EXPECT_EQ(vae.step, 2);
    EXPECT_EQ(vae.info.at("kind"), "autoencoder");
    const std::string vae_log = read_all(work + "/vae-loss.csv");
    EXPECT_EQ(std::count(vae_log.begin(), vae_log.end(), '\n'), 3) << vae_log;  // header + one row per step
    EXPECT_EQ(vae_log.rfind("step,loss,lr,seconds\n1,", 0), 0u) << vae_log;
    EXPECT_NE(vae_log.find("\n2,"), std::string::npos) << vae_log;
    {
        // The resumed run ends exactly where an uninterrupted one does: batches, noise, learning
        // rates, moments and EMA are functions of (seed, step).
        ds::BuiltinTrainOptions straight = o;
        straight.work_dir = dir.file("straight");
        straight.log = {};
        ds::train_builtin_autoencoder_stage(straight);
        const ds::TrainCheckpoint s = ds::load_train_checkpoint(straight.work_dir + "/vae.ckpt.safetensors");
        ASSERT_EQ(s.params.size(), vae.params.size());
        for (const auto& [name, t] : s.params) EXPECT_TRUE(at::equal(t, vae.params.at(name))) << name;
        for (const auto& [name, t] : s.ema) EXPECT_TRUE(at::equal(t, vae.ema.at(name))) << name;
        for (const auto& [name, t] : s.optimizer) EXPECT_TRUE(at::equal(t, vae.optimizer.at(name))) << name;
        EXPECT_EQ(s.info, vae.info);
    }

    {
        // --decoder-only goes on from the same checkpoint and keeps the encoder export would ship.
        ds::BuiltinTrainOptions dec = o;
        dec.work_dir = dir.file("decoder-only");
        dec.decoder_only = true;
        dec.steps = 3;
        expect_one_line_with(error_of([&] { ds::train_builtin_autoencoder_stage(dec); }),
                             "--decoder-only trains the decoder of a trained autoencoder");
        EXPECT_FALSE(fs::exists(dec.work_dir));
        fs::create_directories(dec.work_dir);
        fs::copy_file(work + "/vae.ckpt.safetensors", dec.work_dir + "/vae.ckpt.safetensors");
        ds::train_builtin_autoencoder_stage(dec);
        EXPECT_TRUE(logged("resuming the autoencoder from step 2, decoder only"));
        const ds::TrainCheckpoint d = ds::load_train_checkpoint(dec.work_dir + "/vae.ckpt.safetensors");
        EXPECT_EQ(d.step, 3);
        EXPECT_EQ(d.info.at("trains"), "decoder");
        for (const auto& [name, t] : d.ema) {
            if (name.rfind("encoder.", 0) == 0) EXPECT_TRUE(at::equal(t, vae.ema.at(name))) << name;
        }
        EXPECT_FALSE(at::equal(d.ema.at("decoder.conv_out.weight"), vae.ema.at("decoder.conv_out.weight")));
        dec.decoder_only = false;
        dec.steps = 4;
        expect_one_line_with(error_of([&] { ds::train_builtin_autoencoder_stage(dec); }), "trained decoder-only");
    }

    expect_one_line_with(error_of([&] { ds::train_builtin_inpainting_stage(o); }),
                         "the inpainting UNet starts from the cosine one");
    o.steps = 1;
    ds::train_builtin_unet_stage(o);
    const ds::TrainCheckpoint unet = ds::load_train_checkpoint(work + "/unet-cosine.ckpt.safetensors");
    EXPECT_EQ(unet.step, 1);
    EXPECT_EQ(unet.info.at("variant"), "cosine");
    EXPECT_EQ(unet.info.at("schedule"), "cosine");
    EXPECT_EQ(unet.info.at("batch"), "2");
    const double scale = std::stod(unet.info.at("scaling_factor"));
    EXPECT_GT(scale, 0.0);
    EXPECT_DOUBLE_EQ(scale, std::stod(std::to_string(ds::builtin_latent_scaling_factor(o.shard_path, work))));
    EXPECT_TRUE(fs::exists(work + "/unet-cosine-loss.csv"));

    ds::train_builtin_inpainting_stage(o);
    EXPECT_TRUE(logged("inpainting UNet initialised from the cosine text-to-image weights"));
    const ds::TrainCheckpoint inpaint = ds::load_train_checkpoint(work + "/unet-inpaint.ckpt.safetensors");
    EXPECT_EQ(inpaint.info.at("variant"), "inpaint");
    EXPECT_EQ(inpaint.params.at("unet/conv_in.weight").size(1), 9);

    std::vector<std::string> export_log;
    ds::export_builtin_model(work, out, [&](const std::string& l) { export_log.push_back(l); });
    EXPECT_EQ(export_log.size(), 3u);  // cosine, inpaint, wrote
    for (const std::string file : {"model.json", "tokenizer.model", "vae.safetensors", "cosine/text_encoder.safetensors",
                                   "cosine/unet.safetensors", "inpaint/text_encoder.safetensors",
                                   "inpaint/unet.safetensors"}) {
        EXPECT_TRUE(fs::is_regular_file(fs::path(out) / file)) << file;
    }
    EXPECT_FALSE(fs::exists(fs::path(out) / "linear"));
    for (const std::string file : {"vae.safetensors", "cosine/text_encoder.safetensors", "cosine/unet.safetensors"}) {
        const ds::SafetensorsFile f = ds::SafetensorsFile::open((fs::path(out) / file).string());
        ASSERT_FALSE(f.entries().empty()) << file;
        for (const ds::SafetensorsEntry& e : f.entries()) EXPECT_EQ(e.dtype, "F16") << file << ": " << e.name;
    }
    EXPECT_TRUE(ds::SafetensorsFile::open(out + "/cosine/text_encoder.safetensors")
                    .tensor("text_model.final_layer_norm.weight").defined());
    const ds::BuiltinConfig config = ds::parse_builtin_config(read_all(out + "/model.json"));
    const ds::BuiltinTokenizer tok = ds::BuiltinTokenizer::load(out + "/tokenizer.model", config.context_length);
    EXPECT_EQ(config.text_encoder.vocab_size, tok.vocab_size());
    EXPECT_EQ(config.text_encoder.eos_token_id, tok.eos_id());
    EXPECT_EQ(config.unet.in_channels, 4);
    EXPECT_DOUBLE_EQ(config.vae.scaling_factor, scale);
    EXPECT_EQ(config.latent_rgb_factors.size(), 12u);  // the live-preview fit on the training images
    EXPECT_EQ(config.latent_rgb_bias.size(), 3u);
    EXPECT_EQ(ds::builtin_variants(out), (std::vector<std::string>{"cosine", "inpaint"}));
    const double train_seconds = std::chrono::duration<double>(clock::now() - begin).count();

    // The export is a model: txt2img is a function of (prompt, seed).
    const ds::StableDiffusionModel model = ds::load_builtin_model({out, "cosine", "cpu"});
    EXPECT_EQ(model.context_length, config.context_length);
    EXPECT_EQ(model.native_size, 64);
    EXPECT_EQ(model.sampler.schedule.kind, ds::ScheduleKind::Cosine);
    EXPECT_DOUBLE_EQ(model.vae_scaling_factor, scale);
    ASSERT_TRUE(model.latent_rgb_factors.defined());
    EXPECT_EQ(model.latent_rgb_factors.sizes(), (std::vector<int64_t>{4, 3}));
    EXPECT_NEAR(model.latent_rgb_factors[3][1].item<double>(), config.latent_rgb_factors[10], 1e-6);
    const at::Tensor a = ds::txt2img(model, params_for("red heart", 1, 3)).image;
    ASSERT_EQ(a.sizes(), (std::vector<int64_t>{1, 3, 64, 64}));
    EXPECT_TRUE(at::isfinite(a).all().item<bool>());
    EXPECT_TRUE(at::equal(a, ds::txt2img(model, params_for("red heart", 1, 3)).image));
    EXPECT_GT(mean_abs_diff(a, ds::txt2img(model, params_for("red heart", 2, 3)).image), 1e-3);
    EXPECT_GT(mean_abs_diff(a, ds::txt2img(model, params_for("waving hand, dark skin tone", 1, 3)).image), 1e-5);

    const ds::StableDiffusionModel inpainting = ds::load_builtin_model({out, "inpaint", "cpu"});
    EXPECT_EQ(inpainting.unet->config().in_channels, 9);
    expect_one_line_with(error_of([&] { ds::txt2img(inpainting, params_for("red heart", 1, 2)); }),
                         "this is an inpainting model");
    expect_one_line_with(error_of([&] { ds::load_builtin_model({out, "linear", "cpu"}); }), "has no 'linear' variant");

    // Import is export's inverse: the exported folder back into a work folder, then out again,
    // gives the same tensors; training resumes from the imported checkpoints at step 0.
    const std::string work2 = dir.file("work2"), out2 = dir.file("model2");
    ds::import_builtin_model(out, work2);
    const ds::TrainCheckpoint imported = ds::load_train_checkpoint(work2 + "/unet-cosine.ckpt.safetensors");
    EXPECT_EQ(imported.step, 0);
    EXPECT_EQ(imported.info.at("variant"), "cosine");
    EXPECT_DOUBLE_EQ(std::stod(imported.info.at("scaling_factor")), scale);
    EXPECT_EQ(ds::load_train_checkpoint(work2 + "/unet-inpaint.ckpt.safetensors").params.at("unet/conv_in.weight").size(1), 9);
    for (const auto& [name, t] : imported.optimizer) ASSERT_EQ(t.abs().max().item<float>(), 0.f) << name;
    {
        const std::string vae_before = read_all(work2 + "/vae.ckpt.safetensors");
        expect_one_line_with(error_of([&] { ds::import_builtin_model(out, work2); }), "exists: importing would overwrite it");
        EXPECT_EQ(read_all(work2 + "/vae.ckpt.safetensors"), vae_before);
    }
    ds::export_builtin_model(work2, out2);
    for (const std::string file : {"vae.safetensors", "cosine/text_encoder.safetensors", "cosine/unet.safetensors",
                                   "inpaint/unet.safetensors"}) {
        const ds::SafetensorsFile a_file = ds::SafetensorsFile::open((fs::path(out) / file).string());
        const ds::SafetensorsFile b_file = ds::SafetensorsFile::open((fs::path(out2) / file).string());
        ASSERT_EQ(a_file.entries().size(), b_file.entries().size()) << file;
        for (const ds::SafetensorsEntry& e : a_file.entries()) {
            EXPECT_TRUE(at::equal(a_file.tensor(e.name), b_file.tensor(e.name))) << file << ": " << e.name;
        }
    }
    EXPECT_DOUBLE_EQ(ds::parse_builtin_config(read_all(out2 + "/model.json")).vae.scaling_factor, scale);
    {
        ds::BuiltinTrainOptions go_on = o;
        go_on.work_dir = work2;
        go_on.log = {};
        ds::train_builtin_unet_stage(go_on);
        const ds::TrainCheckpoint after = ds::load_train_checkpoint(work2 + "/unet-cosine.ckpt.safetensors");
        EXPECT_EQ(after.step, 1);
        EXPECT_FALSE(at::equal(after.params.at("unet/conv_in.weight"), imported.params.at("unet/conv_in.weight")));
    }
    expect_one_line_with(error_of([&] { ds::import_builtin_model(work, dir.file("work3")); }),
                         "has no model.json: not a built-in model folder");
    EXPECT_FALSE(fs::exists(dir.file("work3")));

    const double total_seconds = std::chrono::duration<double>(clock::now() - begin).count();
    std::cout << "[ timing   ] training stages + export " << train_seconds << " s, with generation " << total_seconds
              << " s\n";
}

// ---------------------------------------------------------------------------------------------
// The shipped model (resources/models/builtin, or DS_BUILTIN_MODEL_DIR): skipped when absent.

namespace {

std::string shipped_model_dir() {
    try {
        return ds::find_builtin_model_dir();
    } catch (const std::exception&) {
        return "";
    }
}

}  // namespace

#define DS_REQUIRE_SHIPPED_MODEL(dir)                                                                    \
    const std::string dir = shipped_model_dir();                                                         \
    if (dir.empty()) GTEST_SKIP() << "no built-in model (resources/models/builtin or DS_BUILTIN_MODEL_DIR)"

TEST(ShippedBuiltinModel, GenerationIsSeededAndFollowsThePrompt) {
    DS_REQUIRE_SHIPPED_MODEL(dir);
    const ds::StableDiffusionModel model = ds::load_builtin_model({dir, "cosine", "cpu"});
    const at::Tensor heart = ds::txt2img(model, params_for("red heart", 7, 15)).image;
    EXPECT_TRUE(at::equal(heart, ds::txt2img(model, params_for("red heart", 7, 15)).image));
    const double seed_diff = mean_abs_diff(heart, ds::txt2img(model, params_for("red heart", 8, 15)).image);
    const double prompt_diff = mean_abs_diff(heart, ds::txt2img(model, params_for("grinning face", 7, 15)).image);
    std::cout << "[ figures  ] " << dir << ": mean |diff| other seed " << seed_diff << ", other prompt " << prompt_diff
              << "\n";
    EXPECT_GT(seed_diff, 0.01);
    EXPECT_GT(prompt_diff, 0.05);  // images in [-1, 1]
}

TEST(ShippedBuiltinModel, ARedHeartIsRedderThanABlueHeart) {
    DS_REQUIRE_SHIPPED_MODEL(dir);
    const ds::StableDiffusionModel model = ds::load_builtin_model({dir, "cosine", "cpu"});
    for (uint64_t seed : {1, 2, 3}) {
        const double red = red_minus_blue(ds::txt2img(model, params_for("red heart", seed, 15)).image);
        const double blue = red_minus_blue(ds::txt2img(model, params_for("blue heart", seed, 15)).image);
        std::cout << "[ figures  ] seed " << seed << ": red-blue channel mean, red heart " << red << ", blue heart "
                  << blue << "\n";
        EXPECT_GT(red, blue + 0.02) << "seed " << seed;
    }
}

// The shipped inpainting UNet continues what surrounds a hole: a red disc on white with its middle
// cut out is repainted nearer its red than a mid-grey fill, by the UNet and by the cosine UNet with
// latent blending, seeded, and never touching a pixel outside the hole.
TEST(ShippedBuiltinModel, RepaintsAHoleFromWhatSurroundsIt) {
    DS_REQUIRE_SHIPPED_MODEL(dir);
    at::Tensor disc = at::ones({1, 3, 64, 64});
    const at::Tensor ys = at::arange(64, at::kFloat).view({64, 1}) - 31.5, xs = at::arange(64, at::kFloat).view({1, 64}) - 31.5;
    const at::Tensor inside = (ys * ys + xs * xs) < 26.0 * 26.0;
    disc = at::where(inside, at::tensor({0.87f, 0.18f, 0.27f}).view({1, 3, 1, 1}), disc);  // Twemoji's heart red
    const at::Tensor latent_mask = ds::centre_hole_latent_mask(16);
    const at::Tensor mask = ds::latent_mask_to_pixels(latent_mask, 4);
    const double grey = ds::mean_error_inside(at::full_like(disc, 0.5), disc, mask);
    ds::GenerationParams p;
    p.steps = 15;
    for (const char* variant : {"inpaint", "cosine"}) {
        const ds::StableDiffusionModel model = ds::load_builtin_model({dir, variant, "cpu"});
        const at::Tensor a = ds::repaint_holes(model, disc, {"red heart, twemoji style"}, {3}, latent_mask, p);
        ASSERT_EQ(a.sizes(), disc.sizes());
        EXPECT_TRUE(at::equal(at::where(mask > 0.5f, disc, a), disc)) << variant << ": outside the hole unchanged";
        EXPECT_TRUE(at::equal(a, ds::repaint_holes(model, disc, {"red heart, twemoji style"}, {3}, latent_mask, p)));
        const double error = ds::mean_error_inside(a, disc, mask);
        std::cout << "[ figures  ] " << variant << ": error in the hole " << error << " of 255 (mid grey " << grey << ")\n";
        EXPECT_LT(error, grey) << variant;
    }
    EXPECT_THROW(ds::repaint_holes(ds::load_builtin_model({dir, "inpaint", "cpu"}), disc, {"a", "b"}, {1}, latent_mask, p),
                 std::invalid_argument);
}

// The inpainting UNet reads its conditioning: around the hole, where x_t and the seen latent give
// eps away, its loss seeing the picture is well below its loss seeing nothing. The figures are a
// fixed function of the seed, and a model without an inpainting UNet or a misshapen mask is refused.
TEST(ShippedBuiltinModel, InpaintingLossIsLowerAroundTheHoleWhenItSeesThePicture) {
    DS_REQUIRE_SHIPPED_MODEL(dir);
    const ds::StableDiffusionModel model = ds::load_builtin_model({dir, "inpaint", "cpu"});
    at::Tensor pictures = at::ones({2, 3, 64, 64});
    const at::Tensor ys = at::arange(64, at::kFloat).view({64, 1}) - 31.5, xs = at::arange(64, at::kFloat).view({1, 64}) - 31.5;
    const at::Tensor disc = ((ys * ys + xs * xs) < 26.0 * 26.0).view({1, 64, 64});
    pictures[0] = at::where(disc, at::tensor({0.87f, 0.18f, 0.27f}).view({3, 1, 1}), pictures[0]);
    pictures[1] = at::where(disc, at::tensor({0.2f, 0.5f, 0.9f}).view({3, 1, 1}), pictures[1]);
    const std::vector<std::string> captions{"red heart, twemoji style", "blue circle, noto style"};
    const at::Tensor hole = ds::centre_hole_latent_mask(16);
    const std::vector<ds::TimestepBand> bands{{300, 600}, {600, 1000}};
    const std::vector<ds::InpaintingBandLoss> a = ds::inpainting_loss_by_band(model, pictures, captions, hole, bands, 5);
    ASSERT_EQ(a.size(), 2u);
    for (const ds::InpaintingBandLoss& b : a) {
        std::cout << "[ figures  ] [" << b.band.begin << "," << b.band.end << "): hole " << b.hole << " (unseen "
                  << b.hole_unseen << "), around " << b.around << " (unseen " << b.around_unseen << ")\n";
        EXPECT_TRUE(std::isfinite(b.hole) && std::isfinite(b.hole_unseen));
        EXPECT_LT(b.around, 0.8 * b.around_unseen) << b.band.begin;
    }
    const std::vector<ds::InpaintingBandLoss> again = ds::inpainting_loss_by_band(model, pictures, captions, hole, bands, 5);
    EXPECT_EQ(again[1].hole, a[1].hole);
    EXPECT_EQ(again[1].around_unseen, a[1].around_unseen);
    EXPECT_THROW(ds::inpainting_loss_by_band(model, pictures, {"one"}, hole, bands, 5), std::invalid_argument);
    EXPECT_THROW(ds::inpainting_loss_by_band(model, pictures, captions, ds::centre_hole_latent_mask(8), bands, 5),
                 std::invalid_argument);
    EXPECT_THROW(ds::inpainting_loss_by_band(model, pictures, captions, at::ones({1, 1, 16, 16}), bands, 5),
                 std::invalid_argument);
    EXPECT_THROW(ds::inpainting_loss_by_band(ds::load_builtin_model({dir, "cosine", "cpu"}), pictures, captions, hole,
                                             bands, 5),
                 std::invalid_argument);
}

// The shipped weights fit the architecture `train` builds, so training can go on from them.
TEST(ShippedBuiltinModel, ImportsAsStepZeroCheckpoints) {
    DS_REQUIRE_SHIPPED_MODEL(dir);
    TempDir work;
    ds::import_builtin_model(dir, work.path());
    EXPECT_TRUE(fs::is_regular_file(work.file("tokenizer.model")));
    EXPECT_EQ(ds::load_train_checkpoint(work.file("vae.ckpt.safetensors")).step, 0);
    for (const std::string& variant : ds::builtin_variants(dir)) {
        const ds::TrainCheckpoint c = ds::load_train_checkpoint(work.file("unet-" + variant + ".ckpt.safetensors"));
        EXPECT_EQ(c.step, 0) << variant;
        EXPECT_EQ(c.info.at("variant"), variant);
        const ds::SafetensorsFile shipped = ds::SafetensorsFile::open(dir + "/" + variant + "/unet.safetensors");
        EXPECT_TRUE(at::equal(c.ema.at("unet/conv_out.weight").to(at::kHalf), shipped.tensor("conv_out.weight"))) << variant;
    }
}
