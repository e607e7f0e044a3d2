#include "core/builtin/builtin_training.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/builtin/builtin_model.h"
#include "core/builtin/builtin_tokenizer.h"
#include "core/data/emoji_batch.h"
#include "core/data/emoji_recolour.h"
#include "core/data/emoji_shard.h"
#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/weights.h"
#include "core/runtime/device.h"
#include "core/training/autoencoder_training.h"
#include "core/training/learning_rate.h"
#include "core/training/text_to_image_training.h"

namespace fs = std::filesystem;

namespace ds {
namespace {

std::string work_file(const BuiltinTrainOptions& o, const std::string& name) { return (fs::path(o.work_dir) / name).string(); }

void say(const BuiltinTrainOptions& o, const std::string& line) {
    if (o.log) o.log(line);
}

void check_options(const BuiltinTrainOptions& o) {
    if (o.steps < 1) throw std::invalid_argument("--steps must be at least 1");
    if (o.batch < 1 || o.batch > 4096) throw std::invalid_argument("--batch must be between 1 and 4096");
    if (!(o.learning_rate > 0 && o.learning_rate < 1)) throw std::invalid_argument("--lr must be in (0, 1)");
    if (!(o.offset_noise >= 0 && o.offset_noise <= 1))
        throw std::invalid_argument("--offset-noise must be between 0 and 1");
    if (!(o.around_weight > 0 && o.around_weight <= 1))
        throw std::invalid_argument("--around-weight must be in (0, 1]");
    if (!(o.min_snr_gamma >= 0 && o.min_snr_gamma <= 1000))
        throw std::invalid_argument("--min-snr must be between 0 (off) and 1000");
}

// Called once the inputs have been read, so a run refused for bad input leaves no folder behind.
void make_work_dir(const BuiltinTrainOptions& o) {
    std::error_code ec;
    fs::create_directories(o.work_dir, ec);
    if (!fs::is_directory(o.work_dir)) throw std::runtime_error("cannot create the work folder " + o.work_dir);
}

// The training split's indices, drawn as epochs of shuffled order: batch `step` is a fixed function of
// (seed, step), so a resumed run sees the batches the uninterrupted one would have.
std::vector<int64_t> batch_indices(const std::vector<int64_t>& pool, int64_t batch, int64_t step, uint64_t seed) {
    const int64_t n = static_cast<int64_t>(pool.size());
    std::vector<int64_t> out;
    out.reserve(static_cast<size_t>(batch));
    std::pair<std::pair<uint64_t, int64_t>, std::vector<int64_t>> cache{{0, -1}, {}};
    for (int64_t k = 0; k < batch; ++k) {
        const int64_t flat = step * batch + k;
        const int64_t epoch = flat / n, pos = flat % n;
        // Each epoch's permutation comes from its own seeded shuffle; cached per call is enough at
        // these sizes (a few thousand indices).
        if (cache.first != std::make_pair(seed, epoch) || cache.second.size() != pool.size()) {
            cache.first = {seed, epoch};
            cache.second = pool;
            std::mt19937_64 rng(seed * 1000003ULL + static_cast<uint64_t>(epoch));
            std::shuffle(cache.second.begin(), cache.second.end(), rng);
        }
        out.push_back(cache.second[static_cast<size_t>(pos)]);
    }
    return out;
}

// The training split with every emoji that has no skin-tone variants counted three times: the five
// (or 25) skin variations of people emoji would otherwise make "people and body" 60% of the batches.
// Pictures with a recolourable colour word in their name count `colour_named_copies` times: there are
// ~50 of them, and recolouring (emoji_recolour.h) makes each stand for six colours.
std::vector<int64_t> training_pool(const EmojiShard& shard, int colour_named_copies = 3) {
    std::vector<int64_t> pool;
    for (int64_t i : split_indices(shard, false)) {
        const EmojiRecord& r = shard.records[static_cast<size_t>(i)];
        const int copies = !r.skin_tones.empty()               ? 1
                           : recolourable_colour_word(r).empty() ? 3
                                                                 : colour_named_copies;
        for (int c = 0; c < copies; ++c) pool.push_back(i);
    }
    return pool;
}

BuiltinConfig config_for(const BuiltinTokenizer& tokenizer) {
    BuiltinConfig c = default_builtin_config(tokenizer.vocab_size());
    c.text_encoder.bos_token_id = tokenizer.bos_id();
    c.text_encoder.eos_token_id = tokenizer.eos_id();
    c.text_encoder.pad_token_id = tokenizer.eos_id();
    return c;
}

BuiltinTokenizer load_tokenizer(const BuiltinTrainOptions& o) {
    const std::string path = work_file(o, "tokenizer.model");
    if (!fs::exists(path)) throw std::runtime_error("no " + path + ": run the tokenizer stage first");
    return BuiltinTokenizer::load(path, default_builtin_config(1).context_length);
}

AutoencoderKL load_trained_vae(const std::string& work_dir, const AutoencoderConfig& config,
                               c10::Device device = c10::Device(c10::DeviceType::CPU)) {
    const std::string path = (fs::path(work_dir) / "vae.ckpt.safetensors").string();
    if (!fs::exists(path)) throw std::runtime_error("no " + path + ": run the vae stage first");
    TrainCheckpoint c = load_train_checkpoint(path);
    for (auto& [name, t] : c.ema) t = t.to(device);
    return AutoencoderKL::load(config, WeightMap(c.ema));
}

TrainingLoopOptions loop_options(const BuiltinTrainOptions& o, const std::string& log_name) {
    TrainingLoopOptions l;
    l.total_steps = o.steps;
    l.checkpoint_every = o.checkpoint_every;
    l.loss_log_path = work_file(o, log_name);
    l.on_progress = o.on_progress;
    l.cancel = o.cancel;
    l.time_limit_seconds = o.time_limit_seconds;
    return l;
}

// Random inpainting masks on the image grid [B, 1, H, W] (1 = repaint): one to three rectangles, or
// (one time in four) the whole image so the model also works as plain text-to-image.
at::Tensor random_masks(int64_t batch, int64_t size, uint64_t seed) {
    std::mt19937_64 rng(seed);
    at::Tensor m = at::zeros({batch, 1, size, size});
    for (int64_t b = 0; b < batch; ++b) {
        if (std::uniform_real_distribution<double>(0, 1)(rng) < 0.25) {
            m[b].fill_(1.0);
            continue;
        }
        const int rects = 1 + static_cast<int>(rng() % 3);
        for (int r = 0; r < rects; ++r) {
            const int64_t w = size / 8 + static_cast<int64_t>(rng() % static_cast<uint64_t>(size * 5 / 8));
            const int64_t h = size / 8 + static_cast<int64_t>(rng() % static_cast<uint64_t>(size * 5 / 8));
            const int64_t x = static_cast<int64_t>(rng() % static_cast<uint64_t>(size - w + 1));
            const int64_t y = static_cast<int64_t>(rng() % static_cast<uint64_t>(size - h + 1));
            m[b].narrow(1, y, h).narrow(2, x, w).fill_(1.0);
        }
    }
    return m;
}

void run_text_to_image(const BuiltinTrainOptions& o, bool inpainting) {
    check_options(o);
    const EmojiShard shard = read_emoji_shard(o.shard_path);
    const BuiltinTokenizer tokenizer = load_tokenizer(o);
    BuiltinConfig config = config_for(tokenizer);
    const c10::Device device = parse_device(o.device);
    // Fixed shapes every step: let cuDNN time its convolution algorithms once and keep the fastest.
    prepare_device(device);
    const AutoencoderKL vae = load_trained_vae(o.work_dir, config.vae, device);
    const double scale = builtin_latent_scaling_factor(o.shard_path, o.work_dir);
    {  // export fits the preview factors on the same data
        std::ofstream record(work_file(o, "shard-path.txt"), std::ios::trunc);
        record << fs::absolute(o.shard_path).string() << "\n";
    }
    const std::string variant = inpainting ? "inpaint" : schedule_kind_name(o.schedule);
    const std::string ckpt_path = work_file(o, "unet-" + variant + ".ckpt.safetensors");
    UNetConfig unet_config = inpainting ? inpainting_unet_config(config.unet) : config.unet;
    ScheduleConfig schedule;
    schedule.kind = inpainting ? ScheduleKind::Cosine : o.schedule;
    TextToImageTrainer trainer(config.text_encoder, unet_config, schedule, o.seed, AdamWOptions{}, device);
    trainer.offset_noise = o.offset_noise;
    trainer.min_snr_gamma = o.min_snr_gamma;
    int64_t start = 0;
    if (!o.restart && fs::exists(ckpt_path)) {
        const TrainCheckpoint c = load_train_checkpoint(ckpt_path);
        trainer.restore(c);
        start = c.step;
        say(o, "resuming " + variant + " from step " + std::to_string(start));
    } else if (!o.init_from.empty()) {
        trainer.initialise_from(load_train_checkpoint(o.init_from).ema,
                                std::set<std::string>(o.keep_fresh.begin(), o.keep_fresh.end()));
        say(o, variant + " initialised from " + o.init_from + " (" + std::to_string(o.keep_fresh.size()) +
                   " tensors kept fresh)");
    } else if (inpainting) {
        const std::string from = work_file(o, "unet-cosine.ckpt.safetensors");
        if (!fs::exists(from)) throw std::runtime_error("no " + from + ": the inpainting UNet starts from the cosine one");
        trainer.initialise_from(load_train_checkpoint(from).ema);
        say(o, "inpainting UNet initialised from the cosine text-to-image weights");
    }
    // The colour words: colour-named pictures eight times as often as other emoji (11% of the
    // draws), recoloured 60% of the time, so each of their words comes with many pictures of its
    // colour (emoji_recolour.h). At four times as often (6%), 800 steps did not move the colour check.
    const std::vector<int64_t> pool = training_pool(shard, 24);
    if (pool.empty()) throw std::runtime_error(o.shard_path + ": the training split is empty");
    EmojiBatchOptions batch_options;
    batch_options.recolour_probability = 0.6;
    // Half the time, a single-colour picture whose name says no colour is captioned with the
    // colour it shows ("green frog face") and recoloured like the colour-named ones: about 1,070
    // training pictures (85 of them green) against the ~80 colour-named ones.
    batch_options.colour_tag_probability = 0.5;
    LearningRateSchedule lr{o.learning_rate, std::min<int64_t>(200, o.steps / 10), 0.1};
    const int64_t f = config.vae.downsample_factor();
    auto step = [&](int64_t i) {
        const uint64_t seed = o.seed * 7919ULL + static_cast<uint64_t>(i);
        const EmojiBatch b = sample_emoji_batch(shard, batch_indices(pool, o.batch, i, o.seed), seed, batch_options);
        TextToImageBatch batch;
        {
            at::NoGradGuard no_grad;
            at::Generator gen = at::detail::createCPUGenerator(seed ^ 0x5bd1e995ULL);
            const at::Tensor images = b.images.to(device);
            const EncoderOutput posterior = vae.encode(images);
            batch.latents = posterior.sample(at::normal(0.0, 1.0, posterior.mean.sizes(), gen).to(device)) * scale;
            if (inpainting) {
                const at::Tensor mask = random_masks(b.images.size(0), b.images.size(2), seed).to(device);
                const at::Tensor masked = vae.encode(images * (1.0 - mask)).mean * scale;
                // A latent cell is masked when any of its pixels is (max-pool), as the pipeline maps masks.
                const at::Tensor latent_mask = at::max_pool2d(mask, {f, f}, {f, f});
                batch.conditioning = at::cat({latent_mask, masked}, 1);
                if (o.around_weight < 1) batch.loss_weight = latent_mask + o.around_weight * (1.0 - latent_mask);
            }
        }
        batch.token_ids = tokenizer.encode_batch(b.captions);
        return trainer.step(batch, lr.at(i, o.steps), seed);
    };
    auto save = [&](int64_t done) {
        TrainCheckpoint c = trainer.checkpoint(done);
        c.info["variant"] = variant;
        c.info["schedule"] = schedule_kind_name(schedule.kind);
        c.info["scaling_factor"] = std::to_string(scale);
        c.info["batch"] = std::to_string(o.batch);
        c.info["offset_noise"] = std::to_string(o.offset_noise);
        if (inpainting) c.info["around_weight"] = std::to_string(o.around_weight);
        c.info["min_snr_gamma"] = std::to_string(o.min_snr_gamma);
        save_train_checkpoint(ckpt_path, c);
    };
    const int64_t done = run_training_loop(start, loop_options(o, "unet-" + variant + "-loss.csv"), step, save);
    say(o, variant + ": " + std::to_string(done) + " of " + std::to_string(o.steps) + " steps, checkpoint " + ckpt_path);
}

}  // namespace

std::string train_builtin_tokenizer_stage(const BuiltinTrainOptions& o) {
    check_options(o);
    const EmojiShard shard = read_emoji_shard(o.shard_path);
    make_work_dir(o);
    const std::string model = train_builtin_tokenizer(shard, work_file(o, "tokenizer"), o.vocab_size);
    say(o, "tokenizer: " + model);
    return model;
}

void train_builtin_autoencoder_stage(const BuiltinTrainOptions& o) {
    check_options(o);
    const std::string ckpt_path = work_file(o, "vae.ckpt.safetensors");
    if (o.decoder_only && (o.restart || !fs::exists(ckpt_path))) {
        throw std::runtime_error("--decoder-only trains the decoder of a trained autoencoder: " + ckpt_path +
                                 " is needed (train vae first, or train import a model)");
    }
    const EmojiShard shard = read_emoji_shard(o.shard_path);
    make_work_dir(o);
    const BuiltinConfig config = default_builtin_config(1);
    const c10::Device device = parse_device(o.device);
    prepare_device(device);  // fixed shapes every step
    AutoencoderTrainer trainer(config.vae, o.seed, AdamWOptions{}, device, o.decoder_only);
    int64_t start = 0;
    if (!o.restart && fs::exists(ckpt_path)) {
        const TrainCheckpoint c = load_train_checkpoint(ckpt_path);
        trainer.restore(c);
        start = c.step;
        say(o, "resuming the autoencoder from step " + std::to_string(start) + (o.decoder_only ? ", decoder only" : ""));
    }
    const std::vector<int64_t> pool = training_pool(shard);
    if (pool.empty()) throw std::runtime_error(o.shard_path + ": the training split is empty");
    LearningRateSchedule lr{o.learning_rate, std::min<int64_t>(100, o.steps / 10), 0.1};
    EmojiBatchOptions batch_options;
    batch_options.empty_caption_probability = 0;
    auto step = [&](int64_t i) {
        const uint64_t seed = o.seed * 104729ULL + static_cast<uint64_t>(i);
        const EmojiBatch b = sample_emoji_batch(shard, batch_indices(pool, o.batch, i, o.seed), seed, batch_options);
        return trainer.step(b.images, lr.at(i, o.steps), seed);
    };
    auto save = [&](int64_t done) { save_train_checkpoint(ckpt_path, trainer.checkpoint(done)); };
    const int64_t done = run_training_loop(start, loop_options(o, "vae-loss.csv"), step, save);
    say(o, "autoencoder: " + std::to_string(done) + " of " + std::to_string(o.steps) + " steps, checkpoint " + ckpt_path);
}

void train_builtin_unet_stage(const BuiltinTrainOptions& o) { run_text_to_image(o, false); }
void train_builtin_inpainting_stage(const BuiltinTrainOptions& o) { run_text_to_image(o, true); }

double builtin_latent_scaling_factor(const std::string& shard_path, const std::string& work_dir) {
    at::NoGradGuard no_grad;
    const EmojiShard shard = read_emoji_shard(shard_path);
    const AutoencoderKL vae = load_trained_vae(work_dir, default_builtin_config(1).vae);
    std::vector<int64_t> pool = split_indices(shard, false);
    if (pool.size() > 512) pool.resize(512);
    if (pool.empty()) throw std::runtime_error(shard_path + ": the training split is empty");
    const at::Tensor images = composite(shard.images.index_select(0, at::tensor(pool, at::kLong)), emoji_background("white")) * 2.0 - 1.0;
    const double std = vae.encode(images).mean.std().item<double>();
    if (!(std > 1e-6)) throw std::runtime_error("the autoencoder's latents have no spread: retrain the vae stage");
    return 1.0 / std;
}

namespace {

void write_fp16(const std::string& path, const std::map<std::string, at::Tensor>& weights) {
    std::vector<std::pair<std::string, at::Tensor>> list;
    for (const auto& [name, t] : weights) list.emplace_back(name, t.detach().to(at::kHalf));
    write_safetensors(path, list, {{"format", "pt"}});
}

// Least-squares fit of rgb ~ latent^T F + bias on training images (per latent cell against the
// image downsampled to the latent grid): the factors of the live preview.
void fit_latent_preview(const std::string& work_dir, BuiltinConfig& config) {
    at::NoGradGuard no_grad;
    const std::string shard_path = (fs::path(work_dir) / "shard-path.txt").string();
    std::ifstream in(shard_path);
    std::string shard_file;
    if (!in || !std::getline(in, shard_file) || !fs::exists(shard_file)) return;  // no data: keep SD's preview
    const EmojiShard shard = read_emoji_shard(shard_file);
    const AutoencoderKL vae = AutoencoderKL::load(config.vae, WeightMap(load_train_checkpoint(
        (fs::path(work_dir) / "vae.ckpt.safetensors").string()).ema));
    std::vector<int64_t> pool = split_indices(shard, false);
    if (pool.size() > 256) pool.resize(256);
    const EmojiBatch b = sample_emoji_batch(shard, pool, 7);
    const at::Tensor latents = vae.encode(b.images).mean * config.vae.scaling_factor;
    const int64_t f = config.vae.downsample_factor(), c = latents.size(1);
    const at::Tensor rgb = at::avg_pool2d(b.images, {f, f}, {f, f});
    const at::Tensor a = at::cat({latents.permute({0, 2, 3, 1}).reshape({-1, c}), at::ones({latents.numel() / c, 1})}, 1)
                             .to(at::kDouble);
    const at::Tensor y = rgb.permute({0, 2, 3, 1}).reshape({-1, 3}).to(at::kDouble);
    const at::Tensor x = at::linalg_solve(a.t().matmul(a), a.t().matmul(y));  // [c + 1, 3]
    const at::Tensor factors = x.narrow(0, 0, c).contiguous(), bias = x[c].contiguous();
    config.latent_rgb_factors.assign(factors.data_ptr<double>(), factors.data_ptr<double>() + factors.numel());
    config.latent_rgb_bias.assign(bias.data_ptr<double>(), bias.data_ptr<double>() + 3);
}

}  // namespace

void export_builtin_model(const std::string& work_dir, const std::string& out_dir,
                          const std::function<void(const std::string&)>& log) {
    auto say_line = [&](const std::string& s) { if (log) log(s); };
    const fs::path work(work_dir), out(out_dir);
    // Everything is read and computed first, so a failure leaves the model folder untouched.
    const std::string tokenizer_path = (work / "tokenizer.model").string();
    const BuiltinTokenizer tokenizer = BuiltinTokenizer::load(tokenizer_path, default_builtin_config(1).context_length);
    BuiltinConfig config = config_for(tokenizer);
    const TrainCheckpoint vae = load_train_checkpoint((work / "vae.ckpt.safetensors").string());
    struct Variant {
        std::string name;
        int64_t steps = 0;
        std::map<std::string, at::Tensor> text, unet;
    };
    std::vector<Variant> variants;
    for (const std::string name : {"cosine", "linear", "inpaint"}) {
        const fs::path ckpt = work / ("unet-" + name + ".ckpt.safetensors");
        if (!fs::exists(ckpt)) continue;
        const TrainCheckpoint c = load_train_checkpoint(ckpt.string());
        if (!c.info.count("scaling_factor")) throw std::runtime_error(ckpt.string() + " records no latent scaling factor");
        config.vae.scaling_factor = std::stod(c.info.at("scaling_factor"));
        Variant v{name, c.step, {}, {}};
        for (const auto& [key, t] : c.ema) {
            if (key.rfind("text_encoder/", 0) == 0) v.text[key.substr(13)] = t;
            else if (key.rfind("unet/", 0) == 0) v.unet[key.substr(5)] = t;
        }
        variants.push_back(std::move(v));
    }
    if (variants.empty()) throw std::runtime_error("no trained UNet in " + work_dir);
    fit_latent_preview(work_dir, config);

    std::error_code ec;
    fs::create_directories(out, ec);
    for (const Variant& v : variants) {
        fs::create_directories(out / v.name, ec);
        write_fp16((out / v.name / "text_encoder.safetensors").string(), v.text);
        write_fp16((out / v.name / "unet.safetensors").string(), v.unet);
        say_line("exported " + v.name + " (" + std::to_string(v.steps) + " steps)");
    }
    write_fp16((out / "vae.safetensors").string(), vae.ema);
    fs::copy_file(tokenizer_path, out / "tokenizer.model", fs::copy_options::overwrite_existing);
    AtomicFile json((out / "model.json").string());
    json.write(builtin_config_json(config));
    json.commit();
    say_line("wrote " + out.string());
}

namespace {

// A shipped fp16 weight file as float32 tensors under `prefix`.
std::map<std::string, at::Tensor> read_float_weights(const fs::path& path, const std::string& prefix = "") {
    const WeightMap weights = load_builtin_weights(path, c10::Device(c10::DeviceType::CPU));
    std::map<std::string, at::Tensor> out;
    for (const auto& [name, t] : weights.tensors()) out[prefix + name] = t;
    return out;
}

// Puts `weights` into the checkpoint's parameters and EMA: every tensor must be there, in its shape.
void take_weights(TrainCheckpoint& c, const std::map<std::string, at::Tensor>& weights, const std::string& what) {
    if (weights.size() != c.params.size()) {
        throw std::runtime_error(what + " holds " + std::to_string(weights.size()) + " tensors where the architecture `train` builds has " +
                                 std::to_string(c.params.size()));
    }
    for (auto& [name, p] : c.params) {
        auto it = weights.find(name);
        if (it == weights.end()) throw std::runtime_error(what + " has no " + name);
        if (!it->second.sizes().equals(p.sizes())) throw std::runtime_error(what + ": " + name + " does not fit the architecture");
        p = it->second;
        c.ema[name] = it->second.clone();
    }
}

}  // namespace

void import_builtin_model(const std::string& model_dir, const std::string& work_dir,
                          const std::function<void(const std::string&)>& log) {
    const fs::path in(model_dir), work(work_dir);
    for (const char* file : {"model.json", "tokenizer.model", "vae.safetensors"}) {
        if (!fs::is_regular_file(in / file)) throw std::runtime_error(model_dir + " has no " + file + ": not a built-in model folder");
    }
    // Everything is read and checked first, so a refused import writes nothing.
    std::ifstream json_in(in / "model.json");
    const BuiltinConfig shipped = parse_builtin_config(std::string(std::istreambuf_iterator<char>(json_in), {}));
    const BuiltinTokenizer tokenizer = BuiltinTokenizer::load((in / "tokenizer.model").string(), shipped.context_length);
    const BuiltinConfig config = config_for(tokenizer);
    std::vector<std::pair<std::string, TrainCheckpoint>> checkpoints;

    TrainCheckpoint vae = AutoencoderTrainer(config.vae, 1).checkpoint(0);
    take_weights(vae, read_float_weights(in / "vae.safetensors"), (in / "vae.safetensors").string());
    vae.info["imported_from"] = model_dir;
    checkpoints.emplace_back("vae.ckpt.safetensors", std::move(vae));
    for (const std::string& variant : builtin_variants(model_dir)) {
        std::map<std::string, at::Tensor> weights = read_float_weights(in / variant / "text_encoder.safetensors", "text_encoder/");
        for (auto& [name, t] : read_float_weights(in / variant / "unet.safetensors", "unet/")) weights[name] = t;
        ScheduleConfig schedule;
        schedule.kind = variant == "linear" ? ScheduleKind::Linear : ScheduleKind::Cosine;
        const UNetConfig unet_config = variant == "inpaint" ? inpainting_unet_config(config.unet) : config.unet;
        TrainCheckpoint c = TextToImageTrainer(config.text_encoder, unet_config, schedule, 1).checkpoint(0);
        take_weights(c, weights, (in / variant).string());
        c.info["variant"] = variant;
        c.info["schedule"] = schedule_kind_name(schedule.kind);
        std::ostringstream scale;
        scale.precision(17);
        scale << shipped.vae.scaling_factor;
        c.info["scaling_factor"] = scale.str();
        c.info["imported_from"] = model_dir;
        checkpoints.emplace_back("unet-" + variant + ".ckpt.safetensors", std::move(c));
    }
    std::vector<std::string> files{"tokenizer.model"};
    for (const auto& [file, c] : checkpoints) files.push_back(file);
    for (const std::string& file : files) {
        if (fs::exists(work / file)) throw std::runtime_error((work / file).string() + " exists: importing would overwrite it");
    }

    std::error_code ec;
    fs::create_directories(work, ec);
    if (!fs::is_directory(work)) throw std::runtime_error("cannot create the work folder " + work_dir);
    fs::copy_file(in / "tokenizer.model", work / "tokenizer.model");
    for (const auto& [file, c] : checkpoints) {
        save_train_checkpoint((work / file).string(), c);
        if (log) log("imported " + (work / file).string());
    }
}

}  // namespace ds
