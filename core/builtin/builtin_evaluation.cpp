#include "core/builtin/builtin_evaluation.h"

#include <ATen/ATen.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "core/builtin/builtin_model.h"
#include "core/builtin/builtin_model_location.h"
#include "core/builtin/inpainting_evaluation.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/data/emoji_shard.h"
#include "core/diffusion/forward_process.h"
#include "core/image/bitmap_font.h"
#include "core/image/hsv.h"
#include "core/io/image_io.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition.h"
#include "core/pipeline/inpaint.h"
#include "core/pipeline/txt2img.h"
#include "core/runtime/seeded_noise.h"
#include "core/samplers/sampler.h"
#include "core/schedule/noise_schedule.h"

namespace fs = std::filesystem;

namespace ds {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string short_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// FNV-1a (64-bit), fed in pieces.
struct Fnv {
    uint64_t h = 0xcbf29ce484222325ULL;
    void add(const void* data, size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
    }
    void add(const std::string& s) { add(s.data(), s.size() + 1); }  // with the terminator as separator
};

// Straight-alpha RGBA [N, S, S, 4] uint8 over one colour per picture ([N, 3] in [0, 1]): [N, 3, S, S].
at::Tensor composite_each(const at::Tensor& rgba, const at::Tensor& colours) {
    const at::Tensor px = rgba.to(at::kFloat).div_(255.0f);
    const at::Tensor alpha = px.narrow(-1, 3, 1);
    const at::Tensor bg = colours.to(at::kFloat).view({colours.size(0), 1, 1, 3});
    return (px.narrow(-1, 0, 3) * alpha + bg * (1.0f - alpha)).permute({0, 3, 1, 2}).contiguous();
}

at::Tensor pictures_of(const EmojiShard& shard, const std::vector<int64_t>& indices) {
    return shard.images.index_select(0, at::tensor(indices, at::kLong));
}

// Rows of [k, 3, S, S] images in [0, 1] with a label left of each row, on light grey: the grids
// `eval --images` writes.
Image labelled_grid(const std::vector<std::pair<std::string, at::Tensor>>& rows) {
    constexpr int kGap = 2;
    int label_width = 0, columns = 0, side = 0;
    for (const auto& [label, images] : rows) {
        label_width = std::max(label_width, text_width(label));
        columns = std::max(columns, static_cast<int>(images.size(0)));
        if (images.size(0) > 0) side = static_cast<int>(images.size(-1));
    }
    if (side == 0) side = 64;
    const int left = label_width + 2 * kGap + 4;
    Image out(left + columns * (side + kGap) + kGap, static_cast<int>(rows.size()) * (side + kGap) + kGap, 3, 0.8f);
    for (size_t r = 0; r < rows.size(); ++r) {
        const int top = kGap + static_cast<int>(r) * (side + kGap);
        draw_text(out, kGap + 2, top + side / 2 - kGlyphHeight / 2, rows[r].first, {0.0f, 0.0f, 0.0f, 1.0f});
        const at::Tensor images = rows[r].second.to(at::kFloat).clamp(0, 1).contiguous();
        for (int64_t k = 0; k < images.size(0); ++k) {
            const at::Tensor hwc = images[k].permute({1, 2, 0}).contiguous();
            const float* p = hwc.data_ptr<float>();
            const int x0 = left + static_cast<int>(k) * (side + kGap);
            for (int y = 0; y < side; ++y)
                for (int x = 0; x < side; ++x)
                    for (int c = 0; c < 3; ++c) out.at(x0 + x, top + y, c) = p[(y * side + x) * 3 + c];
        }
    }
    return out;
}

void write_grid(const std::string& dir, const std::string& name,
                const std::vector<std::pair<std::string, at::Tensor>>& rows) {
    write_image((fs::path(dir) / name).string(), labelled_grid(rows));
}

std::vector<std::pair<std::string, at::Tensor>> rows_by_category(const std::vector<EvaluationItem>& items,
                                                                 const std::vector<std::string>& categories,
                                                                 const at::Tensor& images) {
    std::vector<std::pair<std::string, at::Tensor>> rows;
    for (size_t c = 0; c < categories.size(); ++c) {
        std::vector<int64_t> pos;
        for (size_t k = 0; k < items.size(); ++k)
            if (items[k].label == static_cast<int64_t>(c)) pos.push_back(static_cast<int64_t>(k));
        if (!pos.empty()) rows.emplace_back(categories[c], images.index_select(0, at::tensor(pos, at::kLong)));
    }
    return rows;
}

// One txt2img image in [0, 1], [1, 3, S, S].
at::Tensor generate(const StableDiffusionModel& model, const std::string& prompt, const BuiltinEvaluationOptions& o,
                    double cfg, uint64_t seed) {
    GenerationParams p;
    p.prompt = prompt;
    p.sampler = o.sampler;
    p.steps = o.steps;
    p.cfg_scale = cfg;
    p.seed = seed;
    p.width = p.height = static_cast<int>(model.native_size);
    return ((txt2img(model, p).image.to(at::kCPU) + 1.0) / 2.0).clamp(0, 1);
}

ColourStats average(const std::vector<ColourStats>& all) {
    ColourStats m;
    if (all.empty()) return m;
    for (const ColourStats& s : all) {
        m.r += s.r;
        m.g += s.g;
        m.b += s.b;
        m.foreground_fraction += s.foreground_fraction;
    }
    const double n = static_cast<double>(all.size());
    m.r /= n;
    m.g /= n;
    m.b /= n;
    m.foreground_fraction /= n;
    return m;
}

std::string dominant_of(double r, double g, double b) {
    return r >= g && r >= b ? "red" : g >= b ? "green" : "blue";
}

ColourStats finish(ColourStats s) {
    s.hue = rgb_to_hsv(s.r, s.g, s.b).h;
    s.dominant = dominant_of(s.r, s.g, s.b);
    return s;
}

// The colour word of a prompt: its first word ("blue heart" -> "blue").
std::string colour_word(const std::string& prompt) { return prompt.substr(0, prompt.find(' ')); }

std::string with_background(const std::string& prompt) { return prompt + ", on a white background"; }

}  // namespace

// ---- the evaluated items ----

const char* evaluation_split_name(EvaluationSplit split) {
    return split == EvaluationSplit::Training ? "training" : "held-out";
}

const char* caption_style_name(CaptionStyle style) { return style == CaptionStyle::Full ? "full" : "minimal"; }

std::vector<EvaluationItem> evaluation_items(const EmojiShard& shard, const std::vector<std::string>& categories,
                                             int n, CaptionStyle style, EvaluationSplit split) {
    std::vector<EvaluationItem> items;
    const std::vector<int64_t> pool = split_indices(shard, split == EvaluationSplit::HeldOut);
    for (size_t c = 0; c < categories.size(); ++c) {
        std::vector<int64_t> mine;
        for (int64_t i : pool)
            if (shard.records[static_cast<size_t>(i)].category == categories[c]) mine.push_back(i);
        const auto m = std::min<int64_t>(n, static_cast<int64_t>(mine.size()));
        for (int64_t k = 0; k < m; ++k) {
            const int64_t i = mine[static_cast<size_t>(k * static_cast<int64_t>(mine.size()) / m)];
            items.push_back({i, static_cast<int64_t>(c), emoji_caption(shard.records[static_cast<size_t>(i)], "white", style)});
        }
    }
    return items;
}

// ---- denoising loss ----

std::vector<TimestepBand> default_timestep_bands() { return {{0, 100}, {100, 300}, {300, 600}, {600, 1000}}; }

std::vector<int64_t> band_timesteps(const TimestepBand& band, int64_t count, uint64_t seed) {
    if (band.begin < 0 || band.end > 1000 || band.end <= band.begin)
        throw std::invalid_argument("timestep band [" + std::to_string(band.begin) + ", " + std::to_string(band.end) +
                                    ") is empty or outside [0, 1000)");
    std::mt19937_64 rng(seed * 1000003ULL + static_cast<uint64_t>(band.begin) * 1009ULL + static_cast<uint64_t>(band.end));
    const auto width = static_cast<uint64_t>(band.end - band.begin);
    std::vector<int64_t> out(static_cast<size_t>(std::max<int64_t>(count, 0)));
    for (int64_t& t : out) t = band.begin + static_cast<int64_t>(rng() % width);
    return out;
}

at::Tensor encode_latents(const StableDiffusionModel& model, const at::Tensor& images, int64_t batch) {
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> parts;
    for (int64_t s = 0; s < images.size(0); s += batch) {
        const at::Tensor x = images.narrow(0, s, std::min(batch, images.size(0) - s)).to(model.device, at::kFloat);
        parts.push_back((model.vae->encode(x).mean * model.vae_scaling_factor).to(at::kCPU));
    }
    if (parts.empty()) throw std::invalid_argument("encode_latents: no images");
    return at::cat(parts);
}

BandDraw draw_band(const NoiseSchedule& schedule, const TimestepBand& band, size_t index, int64_t count,
                   uint64_t seed, at::IntArrayRef shape) {
    BandDraw d;
    d.timesteps = band_timesteps(band, count, seed + index);
    if (band.end > schedule.size())
        throw std::invalid_argument("timestep band ends at " + std::to_string(band.end) + " but the schedule has " +
                                    std::to_string(schedule.size()) + " steps");
    d.t = at::tensor(d.timesteps, at::kLong);
    d.noise = seeded_randn(seed * 7919ULL + 101ULL * (index + 1), shape);
    return d;
}

at::Tensor caption_contexts(const StableDiffusionModel& model, const std::vector<std::string>& captions, int64_t batch) {
    if (!model.prompt_tokens) throw std::invalid_argument("caption contexts: the model has no prompt_tokens");
    if (captions.empty() || batch < 1) throw std::invalid_argument("caption contexts: need captions and a batch of at least 1");
    at::NoGradGuard no_grad;
    const auto n = static_cast<int64_t>(captions.size());
    std::vector<int64_t> ids;
    for (const std::string& c : captions) {
        const std::vector<int64_t> t = model.prompt_tokens(c);
        ids.insert(ids.end(), t.begin(), t.end());
    }
    const at::Tensor id_tensor = at::tensor(ids, at::kLong).view({n, -1}).to(model.device);
    std::vector<at::Tensor> parts;
    for (int64_t s = 0; s < n; s += batch)
        parts.push_back(model.text_encoder->forward(id_tensor.narrow(0, s, std::min(batch, n - s))).last_hidden_state);
    return at::cat(parts);
}

std::vector<BandLoss> denoising_loss_by_band(const StableDiffusionModel& model, const at::Tensor& latents,
                                             const std::vector<std::string>& captions,
                                             const std::vector<TimestepBand>& bands, uint64_t seed, int64_t batch) {
    if (!latents.defined() || latents.dim() != 4 || latents.size(0) != static_cast<int64_t>(captions.size()) ||
        latents.size(0) == 0)
        throw std::invalid_argument("denoising loss: need latents [N,C,h,w] and N captions (N > 0)");
    if (!model.prompt_tokens) throw std::invalid_argument("denoising loss: the model has no prompt_tokens");
    if (batch < 1) throw std::invalid_argument("denoising loss: batch must be at least 1");
    at::NoGradGuard no_grad;
    const NoiseSchedule schedule(model.sampler.schedule);
    const int64_t n = latents.size(0);
    const at::Tensor context = caption_contexts(model, captions, batch);
    const at::Tensor empty_context = caption_contexts(model, {std::string()}, 1);
    const at::Tensor x0_all = latents.to(at::kFloat);

    std::vector<BandLoss> out;
    for (size_t k = 0; k < bands.size(); ++k) {
        const TimestepBand& band = bands[k];
        const BandDraw draw = draw_band(schedule, band, k, n, seed, x0_all.sizes());
        const std::vector<int64_t>& ts = draw.timesteps;
        const at::Tensor& t_all = draw.t;
        const at::Tensor& noise_all = draw.noise;
        double sum = 0, sum_unconditional = 0;
        for (int64_t s = 0; s < n; s += batch) {
            const int64_t b = std::min(batch, n - s);
            const at::Tensor x0 = x0_all.narrow(0, s, b), eps = noise_all.narrow(0, s, b), t = t_all.narrow(0, s, b);
            const at::Tensor xt = q_sample(schedule, x0, t, eps).to(model.device);
            const at::Tensor td = t.to(model.device);
            const at::Tensor pred = model.unet->forward(xt, td, context.narrow(0, s, b));
            sum += (pred.to(at::kCPU) - eps).pow(2).sum().item<double>();
            const at::Tensor uncond = model.unet->forward(xt, td, empty_context.expand({b, -1, -1}));
            sum_unconditional += (uncond.to(at::kCPU) - eps).pow(2).sum().item<double>();
        }
        BandLoss r;
        r.band = band;
        r.loss = sum / static_cast<double>(x0_all.numel());
        r.unconditional_loss = sum_unconditional / static_cast<double>(x0_all.numel());
        r.samples = n;
        r.t_min = static_cast<int>(*std::min_element(ts.begin(), ts.end()));
        r.t_max = static_cast<int>(*std::max_element(ts.begin(), ts.end()));
        for (int64_t t : ts) r.mean_log_snr += std::log(schedule.snr(static_cast<int>(t))) / static_cast<double>(n);
        out.push_back(r);
    }
    return out;
}

// ---- colour ----

ColourStats colour_stats(const at::Tensor& image, const EmojiBackground& background) {
    at::Tensor x = image.to(at::kCPU, at::kFloat);
    if (x.dim() == 4 && x.size(0) == 1) x = x[0];
    if (x.dim() != 3 || x.size(0) != 3) throw std::invalid_argument("colour_stats takes an RGB image [3,H,W], got " + shape_string(image.sizes()));
    x = x.clamp(0, 1);
    const at::Tensor bg = at::tensor({background.r / 255.0f, background.g / 255.0f, background.b / 255.0f}).view({3, 1, 1});
    at::Tensor mask = (x - bg).abs().amax(0) > 0.15f;
    ColourStats s;
    s.foreground_fraction = mask.to(at::kFloat).mean().item<double>();
    if (s.foreground_fraction < 0.01) mask = at::ones_like(mask);
    const at::Tensor w = mask.to(at::kFloat);
    const at::Tensor mean = (x * w).sum({1, 2}) / w.sum();
    s.r = mean[0].item<double>();
    s.g = mean[1].item<double>();
    s.b = mean[2].item<double>();
    return finish(s);
}

bool colour_matches(const std::string& word, const ColourStats& s) {
    if (word == "red") return s.r > s.g && s.r > s.b;
    if (word == "green") return s.g > s.r && s.g > s.b;
    if (word == "blue") return s.b > s.r && s.b > s.g;
    // Yellow has no channel of its own: red and green both above blue, and a hue in the yellow
    // sector (brownish reds and oranges also have r, g > b).
    if (word == "yellow") return s.r > s.b && s.g > s.b && s.hue >= 30.0 && s.hue < 90.0;
    throw std::invalid_argument("no colour check for '" + word + "' (red, green, blue or yellow)");
}

// ---- classifier ----

std::string emoji_classifier_key(const EmojiShard& shard, const EmojiClassifierOptions& o) {
    Fnv f;
    f.add(std::string("emoji-classifier/1"));
    for (const EmojiRecord& r : shard.records) {
        f.add(r.unified);
        f.add(r.set);
        f.add(r.category);
        f.add(r.held_out ? std::string("1") : std::string("0"));
    }
    const at::Tensor images = shard.images.contiguous();
    f.add(images.data_ptr(), static_cast<size_t>(images.numel()) * images.element_size());
    f.add("steps=" + std::to_string(o.steps) + " batch=" + std::to_string(o.batch) + " lr=" + short_number(o.learning_rate) +
          " width=" + std::to_string(o.width) + " input=" + std::to_string(o.input_size) + " seed=" + std::to_string(o.seed));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(f.h));
    return hex;
}

ShardClassifier shard_emoji_classifier(const EmojiShard& shard, const std::string& work_dir,
                                       const EmojiClassifierOptions& options,
                                       const std::function<void(const std::string&)>& log) {
    auto say = [&](const std::string& line) {
        if (log) log(line);
    };
    std::vector<std::string> classes;
    for (const auto& [category, count] : count_by_category(shard.records)) classes.push_back(category);
    std::error_code ec;
    fs::create_directories(work_dir, ec);
    if (!fs::is_directory(work_dir, ec)) throw std::runtime_error("cannot create the work folder " + work_dir);
    const std::string path = (fs::path(work_dir) / "emoji-classifier.safetensors").string();
    const std::string key = emoji_classifier_key(shard, options);
    if (auto cached = EmojiClassifier::load_cached(path, key); cached && cached->classes() == classes) {
        say("classifier: using " + path);
        return {std::move(*cached), true, 0.0};
    }
    const std::vector<int64_t> train = split_indices(shard, false);
    if (train.empty()) throw std::runtime_error("the shard has no training split to train the classifier on");
    std::vector<int64_t> labels;
    for (int64_t i : train) {
        const std::string& c = shard.records[static_cast<size_t>(i)].category;
        labels.push_back(std::find(classes.begin(), classes.end(), c) - classes.begin());
    }
    say("classifier: training on " + std::to_string(train.size()) + " pictures, " + std::to_string(classes.size()) +
        " categories, " + std::to_string(options.steps) + " steps");
    EmojiClassifierOptions o = options;
    if (!o.on_progress)
        o.on_progress = [&](int64_t step, int64_t total, double loss) {
            say("classifier: step " + std::to_string(step) + "/" + std::to_string(total) + " loss " + fixed(loss, 3));
        };
    const Clock::time_point start = Clock::now();
    EmojiClassifier classifier = train_emoji_classifier(pictures_of(shard, train), labels, classes, o);
    const double seconds = seconds_since(start);
    classifier.save(path, key);
    say("classifier: trained in " + fixed(seconds, 1) + " s, saved " + path);
    return {std::move(classifier), false, seconds};
}

// ---- the evaluation ----

BuiltinEvaluation evaluate_builtin_model(const BuiltinEvaluationOptions& o) {
    const Clock::time_point start = Clock::now();
    auto say = [&](const std::string& line) {
        if (o.log) o.log(line);
    };
    if (o.per_category < 1) throw std::invalid_argument("per-category must be at least 1");
    if (o.cfg_scales.empty()) throw std::invalid_argument("give at least one CFG scale");
    if (o.colour_seeds < 0) throw std::invalid_argument("colour seeds must not be negative");
    for (const std::string& p : o.colour_prompts) colour_matches(colour_word(p), ColourStats{});  // known words
    for (const TimestepBand& b : o.bands) band_timesteps(b, 0, 0);                               // valid bands
    {
        const std::vector<std::string> samplers = sampler_names();
        if (std::find(samplers.begin(), samplers.end(), o.sampler) == samplers.end())
            throw std::invalid_argument("unknown sampler '" + o.sampler + "'");
        GenerationParams check;
        check.steps = o.steps;
        check.sampler = o.sampler;
        check.width = check.height = 64;
        for (double cfg : o.cfg_scales) {
            check.cfg_scale = cfg;
            validate_generation_params(check);
        }
    }
    if (o.caption_styles.empty()) throw std::invalid_argument("no caption style to evaluate");
    for (size_t k = 0; k < o.caption_styles.size(); ++k)
        if (std::count(o.caption_styles.begin(), o.caption_styles.end(), o.caption_styles[k]) > 1)
            throw std::invalid_argument(std::string("caption style ") + caption_style_name(o.caption_styles[k]) + " given twice");
    if (!o.images_dir.empty()) {
        std::error_code ec;
        fs::create_directories(o.images_dir, ec);
        if (!fs::is_directory(o.images_dir, ec)) throw std::runtime_error("cannot create the images folder " + o.images_dir);
    }

    BuiltinEvaluation ev;
    ev.options = o;
    ev.model_dir = o.model_dir.empty() ? find_builtin_model_dir() : o.model_dir;
    const std::vector<std::string> all_variants = builtin_variants(ev.model_dir);  // inpaint too (step 5)
    for (const std::string& v : all_variants)
        if (v == "cosine" || v == "linear") ev.variants.push_back(v);
    if (ev.variants.empty())
        throw std::runtime_error("the built-in model in " + ev.model_dir + " has no text-to-image variant (cosine or linear)");

    say("reading " + o.shard_path);
    const EmojiShard shard = read_emoji_shard(o.shard_path);
    const std::vector<int64_t> held = split_indices(shard, true);
    if (held.empty()) throw std::runtime_error(o.shard_path + " has no held-out records to evaluate on");

    // 1. The judge, and how well it judges real held-out art.
    ShardClassifier judge = shard_emoji_classifier(shard, o.work_dir, o.classifier, o.log);
    const EmojiClassifier& classifier = judge.classifier;
    ev.categories = classifier.classes();
    auto label_of = [&](int64_t i) {
        const std::string& c = shard.records[static_cast<size_t>(i)].category;
        return static_cast<int64_t>(std::find(ev.categories.begin(), ev.categories.end(), c) - ev.categories.begin());
    };
    ev.classifier.cached = judge.cached;
    ev.classifier.train_seconds = judge.train_seconds;
    ev.classifier.train_images = static_cast<int64_t>(shard.records.size() - held.size());
    {
        std::vector<int64_t> truth;
        for (int64_t i : held) truth.push_back(label_of(i));
        const at::Tensor art = pictures_of(shard, held);
        const auto n = static_cast<int64_t>(held.size());
        const at::Tensor white = at::ones({n, 3});
        std::vector<float> colours;
        const std::vector<EmojiBackground>& palette = emoji_backgrounds();
        for (int64_t k = 0; k < n; ++k) {
            const EmojiBackground& b = palette[1 + static_cast<size_t>(k) % (palette.size() - 1)];
            colours.insert(colours.end(), {b.r / 255.0f, b.g / 255.0f, b.b / 255.0f});
        }
        ev.classifier.held_out_white = score_predictions(classifier.predict(composite_each(art, white)), truth, ev.categories);
        ev.classifier.held_out_palette = score_predictions(
            classifier.predict(composite_each(art, at::tensor(colours).view({n, 3}))), truth, ev.categories);
        say("classifier: held-out accuracy " + fixed(ev.classifier.held_out_white.accuracy(), 3) + " on white (balanced " +
            fixed(ev.classifier.held_out_white.balanced_accuracy(), 3) + "), " +
            fixed(ev.classifier.held_out_palette.accuracy(), 3) + " on colours");
    }

    // 2. The items: records of the split per category, with a caption in each style.
    const CaptionStyle first_style = o.caption_styles.front();
    const std::vector<EvaluationItem> items = evaluation_items(shard, ev.categories, o.per_category, first_style, o.split);
    std::vector<int64_t> item_truth, item_indices;
    for (const EvaluationItem& it : items) {
        item_truth.push_back(it.label);
        item_indices.push_back(it.index);
    }
    for (CaptionStyle style : o.caption_styles) {
        std::vector<std::string> captions;
        for (const EvaluationItem& it : items)
            captions.push_back(emoji_caption(shard.records[static_cast<size_t>(it.index)], "white", style));
        ev.captions.push_back(captions);
    }
    const std::vector<std::string>& first_captions = ev.captions.front();
    {
        const at::Tensor real = composite_each(pictures_of(shard, item_indices), at::ones({static_cast<int64_t>(items.size()), 3}));
        ev.classifier.items_real = score_predictions(classifier.predict(real), item_truth, ev.categories);
        say("classifier: the evaluated captions' own art " + fixed(ev.classifier.items_real.accuracy(), 3) + " (balanced " +
            fixed(ev.classifier.items_real.balanced_accuracy(), 3) + ")");
        if (!o.images_dir.empty()) write_grid(o.images_dir, "eval-real.png", rows_by_category(items, ev.categories, real));
    }

    // 3. The loss set: the split's art on white with its captions (all, or evenly spread).
    const std::vector<int64_t> loss_pool = o.split == EvaluationSplit::HeldOut ? held : split_indices(shard, false);
    std::vector<int64_t> loss_indices = loss_pool;
    if (o.loss_images > 0 && o.loss_images < static_cast<int64_t>(loss_pool.size())) {
        loss_indices.clear();
        for (int64_t k = 0; k < o.loss_images; ++k)
            loss_indices.push_back(loss_pool[static_cast<size_t>(k * static_cast<int64_t>(loss_pool.size()) / o.loss_images)]);
    }
    std::vector<std::string> loss_captions;
    for (int64_t i : loss_indices) loss_captions.push_back(emoji_caption(shard.records[static_cast<size_t>(i)], "white", first_style));
    ev.loss_images = static_cast<int64_t>(loss_indices.size());
    at::Tensor loss_latents;

    for (const std::string& variant : ev.variants) {
        BuiltinModelOptions mo;
        mo.dir = ev.model_dir;
        mo.variant = variant;
        const StableDiffusionModel model = load_builtin_model(mo);
        say(variant + ": loaded " + model.name);
        if (!loss_latents.defined()) {
            // The VAE is shared by the variants: encode once.
            const at::Tensor art = composite_each(pictures_of(shard, loss_indices),
                                                  at::ones({static_cast<int64_t>(loss_indices.size()), 3}));
            loss_latents = encode_latents(model, art * 2.0 - 1.0);
        }
        VariantLoss vl;
        vl.variant = variant;
        vl.schedule = schedule_kind_name(model.sampler.schedule.kind);
        vl.bands = denoising_loss_by_band(model, loss_latents, loss_captions, o.bands, o.seed);
        std::string line = variant + ": " + evaluation_split_name(o.split) + " eps MSE (empty caption)";
        for (const BandLoss& b : vl.bands)
            line += " [" + std::to_string(b.band.begin) + "," + std::to_string(b.band.end) + ") " + fixed(b.loss, 4) +
                    " (" + fixed(b.unconditional_loss, 4) + ")";
        say(line);
        ev.losses.push_back(vl);

        for (double cfg : o.cfg_scales) {
            std::vector<std::pair<std::string, at::Tensor>> first_rows;  // the first style's grid rows
            for (size_t si = 0; si < o.caption_styles.size(); ++si) {
                const std::string what = variant + " " + caption_style_name(o.caption_styles[si]) + " cfg " + short_number(cfg);
                const Clock::time_point gen_start = Clock::now();
                std::vector<at::Tensor> images;
                for (size_t k = 0; k < items.size(); ++k) {
                    images.push_back(generate(model, ev.captions[si][k], o, cfg, o.seed + static_cast<uint64_t>(items[k].index)));
                    if ((k + 1) % 8 == 0 || k + 1 == items.size())
                        say(what + ": " + std::to_string(k + 1) + "/" + std::to_string(items.size()) + " images");
                }
                const at::Tensor batch = at::cat(images);
                GenerationEvaluation g;
                g.variant = variant;
                g.caption_style = o.caption_styles[si];
                g.cfg = cfg;
                g.scores = score_predictions(classifier.predict(batch), item_truth, ev.categories);
                g.seconds = seconds_since(gen_start);
                g.seconds_per_image = g.seconds / static_cast<double>(std::max<size_t>(items.size(), 1));
                say(what + ": category accuracy " + fixed(g.scores.accuracy(), 3) + " (balanced " +
                    fixed(g.scores.balanced_accuracy(), 3) + ")");
                ev.generation.push_back(g);
                if (o.images_dir.empty()) continue;
                std::vector<std::pair<std::string, at::Tensor>> rows = rows_by_category(items, ev.categories, batch);
                if (si == 0) first_rows = rows;
                else write_grid(o.images_dir, "eval-" + variant + "-" + caption_style_name(g.caption_style) + "-cfg" + short_number(cfg) + ".png", rows);
            }

            std::vector<std::pair<std::string, at::Tensor>> colour_rows;
            for (const std::string& prompt : o.colour_seeds > 0 ? o.colour_prompts : std::vector<std::string>{}) {
                ColourResult r;
                r.variant = variant;
                r.cfg = cfg;
                r.prompt = with_background(prompt);
                r.colour = colour_word(prompt);
                std::vector<ColourStats> per_image;
                std::vector<at::Tensor> drawn;
                for (int s = 0; s < o.colour_seeds; ++s) {
                    drawn.push_back(generate(model, r.prompt, o, cfg, o.seed + static_cast<uint64_t>(s)));
                    per_image.push_back(colour_stats(drawn.back(), emoji_background("white")));
                    if (colour_matches(r.colour, per_image.back())) ++r.matching_images;
                }
                r.images = o.colour_seeds;
                r.mean = finish(average(per_image));
                r.matches = r.images > 0 && colour_matches(r.colour, r.mean);
                ev.colours.push_back(r);
                if (!drawn.empty()) colour_rows.emplace_back(prompt, at::cat(drawn));
            }
            if (!o.images_dir.empty()) {
                first_rows.insert(first_rows.end(), colour_rows.begin(), colour_rows.end());
                write_grid(o.images_dir, "eval-" + variant + "-" + caption_style_name(first_style) + "-cfg" + short_number(cfg) + ".png",
                           first_rows);
            }
        }
    }
    for (const std::string& variant : ev.variants)
        for (CaptionStyle style : o.caption_styles) {
            const GenerationEvaluation* best = nullptr;
            for (const GenerationEvaluation& g : ev.generation)
                if (g.variant == variant && g.caption_style == style &&
                    (!best || g.scores.balanced_accuracy() > best->scores.balanced_accuracy()))
                    best = &g;
            if (best) ev.best_cfg[variant][caption_style_name(style)] = best->cfg;
        }

    // 5. Inpainting: the centre hole of each item's own art repainted from its caption.
    auto has_variant = [&](const std::string& v) {
        return std::find(all_variants.begin(), all_variants.end(), v) != all_variants.end();
    };
    if (o.inpainting && has_variant("inpaint")) {
        const auto n = static_cast<int64_t>(items.size());
        const at::Tensor real = composite_each(pictures_of(shard, item_indices), at::ones({n, 3}));
        std::vector<uint64_t> seeds;
        for (int64_t i : item_indices) seeds.push_back(o.seed + static_cast<uint64_t>(i));
        auto record = [&](InpaintingResult r, const at::Tensor& repainted, const at::Tensor& pixel_mask, double seconds) {
            r.hole_error = mean_error_inside(repainted, real, pixel_mask);
            r.scores = score_predictions(classifier.predict(repainted), item_truth, ev.categories);
            r.seconds_per_image = seconds / static_cast<double>(std::max<int64_t>(n, 1));
            say("inpainting, " + r.method + (r.cfg > 0 ? " cfg " + short_number(r.cfg) : "") + ": error in the hole " +
                fixed(r.hole_error, 1) + " of 255, category accuracy " + fixed(r.scores.accuracy(), 3));
            if (!o.images_dir.empty())
                write_grid(o.images_dir, "eval-" + r.method + (r.cfg > 0 ? "-cfg" + short_number(r.cfg) : "") + ".png",
                           rows_by_category(items, ev.categories, repainted));
            ev.inpainting.push_back(r);
        };
        for (const std::string variant : {"inpaint", "cosine"}) {
            if (!has_variant(variant)) continue;
            BuiltinModelOptions mo;
            mo.dir = ev.model_dir;
            mo.variant = variant;
            const StableDiffusionModel model = load_builtin_model(mo);
            const int64_t factor = model.vae->config().downsample_factor();
            const at::Tensor latent_mask = centre_hole_latent_mask(real.size(2) / factor);
            const at::Tensor pixel_mask = latent_mask_to_pixels(latent_mask, factor);
            if (variant == "inpaint") {
                ev.inpainting_loss = inpainting_loss_by_band(model, real, first_captions, latent_mask, o.bands, o.seed);
                std::string line = "inpainting UNet: eps MSE in the hole / around it, seen (unseen)";
                for (const InpaintingBandLoss& b : ev.inpainting_loss)
                    line += "  " + fixed(b.hole, 3) + " / " + fixed(b.around, 3) + " (" + fixed(b.hole_unseen, 3) + " / " +
                            fixed(b.around_unseen, 3) + ")";
                say(line);
            }
            if (ev.inpainting.empty()) {  // the floor, once, with the first model's hole
                InpaintingResult r;
                r.method = "surrounding-mean";
                record(r, fill_with_surrounding_mean(real, pixel_mask, factor), pixel_mask, 0);
            }
            for (double cfg : o.cfg_scales) {
                const Clock::time_point t0 = Clock::now();
                GenerationParams p;
                p.sampler = o.sampler;
                p.steps = o.steps;
                p.cfg_scale = cfg;
                const at::Tensor repainted = repaint_holes(model, real, first_captions, seeds, latent_mask, p);
                InpaintingResult r;
                r.method = variant == "inpaint" ? "inpaint" : "cosine-blend";
                r.cfg = cfg;
                record(r, repainted, pixel_mask, seconds_since(t0));
            }
        }
    }

    // The shard's own art of each colour prompt's name, for scale (none for a name it lacks).
    for (const std::string& prompt : o.colour_prompts) {
        std::vector<int64_t> same;
        for (size_t i = 0; i < shard.records.size(); ++i)
            if (shard.records[i].name == prompt) same.push_back(static_cast<int64_t>(i));
        if (same.empty()) continue;
        const at::Tensor art = composite_each(pictures_of(shard, same), at::ones({static_cast<int64_t>(same.size()), 3}));
        ColourResult r;
        r.variant = "reference";
        r.prompt = prompt;
        r.colour = colour_word(prompt);
        std::vector<ColourStats> per_image;
        for (int64_t k = 0; k < art.size(0); ++k) {
            per_image.push_back(colour_stats(art[k], emoji_background("white")));
            if (colour_matches(r.colour, per_image.back())) ++r.matching_images;
        }
        r.images = art.size(0);
        r.mean = finish(average(per_image));
        r.matches = colour_matches(r.colour, r.mean);
        ev.colours.push_back(r);
    }
    ev.seconds = seconds_since(start);
    return ev;
}

// ---- reports ----

namespace {

nlohmann::json scores_json(const ClassificationScores& s) {
    nlohmann::json per = nlohmann::json::object();
    for (size_t c = 0; c < s.classes.size(); ++c)
        per[s.classes[c]] = {{"correct", s.per_class[c].correct},
                             {"total", s.per_class[c].total},
                             {"accuracy", s.per_class[c].accuracy()}};
    return {{"accuracy", s.accuracy()},
            {"balanced_accuracy", s.balanced_accuracy()},
            {"correct", s.correct},
            {"total", s.total},
            {"per_category", per},
            {"confusion", s.confusion}};
}

nlohmann::json colour_json(const ColourResult& r) {
    nlohmann::json j = {{"variant", r.variant},
                        {"prompt", r.prompt},
                        {"colour", r.colour},
                        {"mean_rgb", {r.mean.r, r.mean.g, r.mean.b}},
                        {"mean_rgb_255", {std::lround(r.mean.r * 255), std::lround(r.mean.g * 255), std::lround(r.mean.b * 255)}},
                        {"hue_degrees", r.mean.hue},
                        {"dominant", r.mean.dominant},
                        {"foreground_fraction", r.mean.foreground_fraction},
                        {"images", r.images},
                        {"matching_images", r.matching_images},
                        {"matches", r.matches}};
    if (r.variant != "reference") j["cfg"] = r.cfg;
    return j;
}

nlohmann::json inpainting_json(const InpaintingResult& r) {
    nlohmann::json e = scores_json(r.scores);
    e["method"] = r.method;
    e["cfg"] = r.cfg;
    e["hole_error_255"] = r.hole_error;
    e["seconds_per_image"] = r.seconds_per_image;
    return e;
}

std::string pad(std::string s, size_t width) {
    if (s.size() < width) s.resize(width, ' ');
    return s;
}

// "correct/total" of class k, or "-" when the scores hold no such class (not measured).
std::string fraction(const ClassificationScores& scores, size_t k) {
    if (k >= scores.per_class.size()) return "-";
    return std::to_string(scores.per_class[k].correct) + "/" + std::to_string(scores.per_class[k].total);
}

std::string rgb255(const ColourStats& s) {
    return "(" + std::to_string(std::lround(s.r * 255)) + ", " + std::to_string(std::lround(s.g * 255)) + ", " +
           std::to_string(std::lround(s.b * 255)) + ")";
}

}  // namespace

std::string builtin_evaluation_json(const BuiltinEvaluation& ev) {
    const BuiltinEvaluationOptions& o = ev.options;
    nlohmann::json bands = nlohmann::json::array();
    for (const TimestepBand& b : o.bands) bands.push_back({b.begin, b.end});
    nlohmann::json styles = nlohmann::json::array();
    nlohmann::json captions = nlohmann::json::object();
    for (size_t k = 0; k < o.caption_styles.size(); ++k) {
        styles.push_back(caption_style_name(o.caption_styles[k]));
        if (k < ev.captions.size()) captions[caption_style_name(o.caption_styles[k])] = ev.captions[k];
    }
    nlohmann::json j;
    j["model_dir"] = ev.model_dir;
    j["variants"] = ev.variants;
    j["options"] = {{"shard", o.shard_path},
                    {"per_category", o.per_category},
                    {"steps", o.steps},
                    {"cfg_scales", o.cfg_scales},
                    {"sampler", o.sampler},
                    {"seed", o.seed},
                    {"caption_styles", styles},
                    {"split", evaluation_split_name(o.split)},
                    {"caption_background", "white"},
                    {"colour_seeds", o.colour_seeds},
                    {"timestep_bands", bands}};
    j["categories"] = ev.categories;
    j["chance"] = ev.categories.empty() ? 0.0 : 1.0 / static_cast<double>(ev.categories.size());
    j["captions"] = captions;
    j["classifier"] = {{"cached", ev.classifier.cached},
                       {"train_seconds", ev.classifier.train_seconds},
                       {"train_images", ev.classifier.train_images},
                       {"steps", o.classifier.steps},
                       {"batch", o.classifier.batch},
                       {"input_size", o.classifier.input_size},
                       {"width", o.classifier.width},
                       {"held_out_white", scores_json(ev.classifier.held_out_white)},
                       {"held_out_palette", scores_json(ev.classifier.held_out_palette)},
                       {"items_real", scores_json(ev.classifier.items_real)}};
    nlohmann::json gen = nlohmann::json::array();
    for (const GenerationEvaluation& g : ev.generation) {
        nlohmann::json e = scores_json(g.scores);
        e["variant"] = g.variant;
        e["caption_style"] = caption_style_name(g.caption_style);
        e["cfg"] = g.cfg;
        e["seconds"] = g.seconds;
        e["seconds_per_image"] = g.seconds_per_image;
        gen.push_back(e);
    }
    j["generation"] = gen;
    j["best_cfg"] = ev.best_cfg;
    nlohmann::json losses = nlohmann::json::array();
    for (const VariantLoss& v : ev.losses) {
        nlohmann::json vb = nlohmann::json::array();
        for (const BandLoss& b : v.bands)
            vb.push_back({{"begin", b.band.begin}, {"end", b.band.end}, {"loss", b.loss},
                          {"unconditional_loss", b.unconditional_loss}, {"samples", b.samples},
                          {"t_min", b.t_min}, {"t_max", b.t_max}, {"mean_log_snr", b.mean_log_snr}});
        losses.push_back({{"variant", v.variant}, {"schedule", v.schedule}, {"bands", vb}});
    }
    j["denoising_loss"] = {{"images", ev.loss_images},
                           {"target", "epsilon"},
                           {"note", "x_t from each variant's own training schedule: the same t is another noise "
                                    "level under cosine and linear (see mean_log_snr)"},
                           {"variants", losses}};
    nlohmann::json colours = nlohmann::json::array();
    for (const ColourResult& r : ev.colours) colours.push_back(colour_json(r));
    j["colour_check"] = colours;
    nlohmann::json inpainting = nlohmann::json::array();
    for (const InpaintingResult& r : ev.inpainting) inpainting.push_back(inpainting_json(r));
    nlohmann::json inpainting_loss = nlohmann::json::array();
    for (const InpaintingBandLoss& b : ev.inpainting_loss)
        inpainting_loss.push_back({{"begin", b.band.begin}, {"end", b.band.end}, {"hole", b.hole}, {"around", b.around},
                                   {"hole_unseen", b.hole_unseen}, {"around_unseen", b.around_unseen}});
    j["inpainting"] = {{"hole", "the centre square, 3/8 of the side (24 x 24 of 64 pixels), of the evaluated items' own art"},
                       {"methods", inpainting},
                       {"epsilon_mse", {{"note", "the inpainting UNet on the items' art: in the hole and around it, "
                                                 "seeing the picture around the hole, and seeing nothing (all masked)"},
                                        {"bands", inpainting_loss}}}};
    j["seconds"] = ev.seconds;
    return j.dump(2) + "\n";
}

std::string builtin_evaluation_summary(const BuiltinEvaluation& ev) {
    const BuiltinEvaluationOptions& o = ev.options;
    const double chance = ev.categories.empty() ? 0.0 : 1.0 / static_cast<double>(ev.categories.size());
    std::string styles;
    for (CaptionStyle style : o.caption_styles) styles += std::string(styles.empty() ? "" : " and ") + caption_style_name(style);
    const size_t n_items = ev.captions.empty() ? 0 : ev.captions.front().size();
    std::string s = "built-in model " + ev.model_dir + " (" + std::to_string(ev.variants.size()) + " variant" +
                    (ev.variants.size() == 1 ? "" : "s") + "), " + std::to_string(n_items) + " " + evaluation_split_name(o.split) +
                    " captions on white (" + styles + "), " + std::to_string(o.steps) + " steps " + o.sampler + ", seed " +
                    std::to_string(o.seed) + "\n\n";
    const ClassifierEvaluation& c = ev.classifier;
    s += "classifier (" + std::string(c.cached ? "cached" : "trained in " + fixed(c.train_seconds, 0) + " s") + " on " +
         std::to_string(c.train_images) + " pictures): held-out art " + fixed(c.held_out_white.accuracy(), 3) +
         " on white (balanced " + fixed(c.held_out_white.balanced_accuracy(), 3) + "), " +
         fixed(c.held_out_palette.accuracy(), 3) + " on colours (balanced " +
         fixed(c.held_out_palette.balanced_accuracy(), 3) + "); chance " + fixed(chance, 3) + "\n";

    // One table per caption style: the same records and seeds, only the captions differ.
    for (CaptionStyle style : o.caption_styles) {
        std::vector<const GenerationEvaluation*> gens;
        for (const GenerationEvaluation& g : ev.generation)
            if (g.caption_style == style) gens.push_back(&g);
        s += "\ncategory accuracy of images generated from " + std::string(caption_style_name(style)) + " captions (" +
             (style == CaptionStyle::Full ? "name, category, subcategory, set: as the training data writes them"
                                          : "name, set and background: the category must come from the name") +
             ")\n(judged by the classifier; 'held-out art': all of it, 'item art': the evaluated captions' own pictures,\n"
             "the ceiling for the generated ones" +
             std::string(o.split == EvaluationSplit::Training ? "; training captions: the judge learnt that art" : "") +
             "):\n  " + pad("category", 22) + pad("held-out art", 14) + pad("item art", 10);
        for (const GenerationEvaluation* g : gens) s += pad(g->variant + " cfg " + short_number(g->cfg), 16);
        s += "\n";
        for (size_t k = 0; k < ev.categories.size(); ++k) {
            s += "  " + pad(ev.categories[k], 22) + pad(fraction(c.held_out_white, k), 14) + pad(fraction(c.items_real, k), 10);
            for (const GenerationEvaluation* g : gens) s += pad(fraction(g->scores, k), 16);
            s += "\n";
        }
        s += "  " + pad("accuracy", 22) + pad(fixed(c.held_out_white.accuracy(), 3), 14) +
             pad(fixed(c.items_real.accuracy(), 3), 10);
        for (const GenerationEvaluation* g : gens) s += pad(fixed(g->scores.accuracy(), 3), 16);
        s += "\n  " + pad("balanced accuracy", 22) + pad(fixed(c.held_out_white.balanced_accuracy(), 3), 14) +
             pad(fixed(c.items_real.balanced_accuracy(), 3), 10);
        for (const GenerationEvaluation* g : gens) s += pad(fixed(g->scores.balanced_accuracy(), 3), 16);
        s += "\n  " + pad("seconds per image", 22) + pad("", 24);
        for (const GenerationEvaluation* g : gens) s += pad(fixed(g->seconds_per_image, 2), 16);
        s += "\n  best cfg:";
        for (const auto& [variant, per_style] : ev.best_cfg) {
            const auto it = per_style.find(caption_style_name(style));
            if (it != per_style.end()) s += " " + variant + " " + short_number(it->second);
        }
        s += "\n";
    }
    s += "\n";

    s += std::string(evaluation_split_name(o.split)) + " epsilon MSE per timestep band (" + std::to_string(ev.loss_images) + " images):\n  " + pad("", 18);
    for (const TimestepBand& b : o.bands) s += pad("[" + std::to_string(b.begin) + "," + std::to_string(b.end) + ")", 12);
    s += "\n";
    for (const VariantLoss& v : ev.losses) {
        s += "  " + pad(v.variant + " (" + v.schedule + ")", 18);
        for (const BandLoss& b : v.bands) s += pad(fixed(b.loss, 4), 12);
        s += "\n  " + pad("  empty caption", 18);
        for (const BandLoss& b : v.bands) s += pad(fixed(b.unconditional_loss, 4), 12);
        s += "\n";
    }
    // The channel column is the largest one ("red" for a good yellow heart); the match is the colour
    // word's own test (colour_matches).
    s += "\ncolour check (mean RGB of the drawn pixels on white, its hue and largest channel; whether it"
         " passes the colour word's test):\n";
    for (const ColourResult& r : ev.colours) {
        const std::string who = r.variant == "reference" ? "shard art" : r.variant + " cfg " + short_number(r.cfg);
        s += "  " + pad(who, 16) + pad(r.variant == "reference" ? r.prompt : r.prompt.substr(0, r.prompt.find(',')), 14) +
             pad(rgb255(r.mean), 17) + "hue " + pad(fixed(r.mean.hue, 0), 5) + pad(r.mean.dominant, 7) +
             (r.matches ? "match" : "no match") + " (" + std::to_string(r.matching_images) + "/" +
             std::to_string(r.images) + " images)\n";
    }
    if (!ev.inpainting.empty()) {
        s += "\ninpainting (the centre hole, 3/8 of the side, of the evaluated captions' own art, repainted from the\n"
             "caption; mean error in the hole of 255, and the classifier on the result: the item art's is the ceiling):\n";
        for (const InpaintingResult& r : ev.inpainting)
            s += "  " + pad(r.method + (r.cfg > 0 ? " cfg " + short_number(r.cfg) : ""), 24) + "error " +
                 pad(fixed(r.hole_error, 1), 8) + "accuracy " + pad(fixed(r.scores.accuracy(), 3), 8) +
                 (r.seconds_per_image > 0 ? fixed(r.seconds_per_image, 2) + " s per image" : "") + "\n";
    }
    if (!ev.inpainting_loss.empty()) {
        // Around the hole, x_t and the seen latent give eps away: a UNet that reads its conditioning
        // has a far lower loss there when it sees the picture than when it sees nothing.
        s += "\ninpainting UNet's epsilon MSE on the same pictures, in the hole and around it, seeing the picture\n"
             "around the hole and seeing nothing (all masked):\n  " + pad("", 18);
        for (const InpaintingBandLoss& b : ev.inpainting_loss)
            s += pad("[" + std::to_string(b.band.begin) + "," + std::to_string(b.band.end) + ")", 12);
        const std::pair<const char*, double InpaintingBandLoss::*> rows[] = {
            {"hole, seen", &InpaintingBandLoss::hole},
            {"hole, unseen", &InpaintingBandLoss::hole_unseen},
            {"around, seen", &InpaintingBandLoss::around},
            {"around, unseen", &InpaintingBandLoss::around_unseen}};
        for (const auto& [name, field] : rows) {
            s += "\n  " + pad(name, 18);
            for (const InpaintingBandLoss& b : ev.inpainting_loss) s += pad(fixed(b.*field, 4), 12);
        }
        s += "\n";
    }
    s += "\ntotal " + fixed(ev.seconds, 0) + " s\n";
    return s;
}

}  // namespace ds
