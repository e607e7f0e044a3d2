#pragma once
// The built-in model's evaluation, as `diffusion-studio-cli eval` runs it for the model card:
//   1. a category classifier (emoji_classifier.h) trained on the training split's real art, scored
//      on the held-out art;
//   2. text-to-image from held-out captions, every category, judged by that classifier;
//   3. held-out epsilon MSE per timestep band, each variant on its own training schedule;
//   4. a colour check: "red/blue/green/yellow heart" -> the mean colour of the drawn pixels;
//   5. inpainting: a hole in the evaluated captions' own art repainted, and the inpainting UNet's
//      epsilon MSE in and around the hole (inpainting_evaluation.h).
// Everything is a fixed function of the options (seeds included), so a rerun gives the same figures.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/builtin/emoji_classifier.h"
#include "core/data/emoji_batch.h"

namespace ds {

struct EmojiShard;
struct StableDiffusionModel;

// ---- held-out denoising loss per timestep band ----

struct TimestepBand {
    int begin = 0;  // inclusive
    int end = 0;    // exclusive
};

// [0,100), [100,300), [300,600), [600,1000).
std::vector<TimestepBand> default_timestep_bands();

// `count` timesteps uniform in [band.begin, band.end), a fixed function of (band, count, seed).
// Throws std::invalid_argument for an empty band or one outside [0, 1000].
std::vector<int64_t> band_timesteps(const TimestepBand& band, int64_t count, uint64_t seed);

class NoiseSchedule;

// What a band's loss is measured on: `count` timesteps (band_timesteps with seed + index) and the
// noise of that band (seeded from `seed` and index), so every measurement of band `index` with
// one seed sees the same (t, eps). Throws std::invalid_argument for a band past the schedule's end.
struct BandDraw {
    std::vector<int64_t> timesteps;
    at::Tensor t;      // the timesteps as int64 [count]
    at::Tensor noise;  // N(0, 1) of `shape`
};
BandDraw draw_band(const NoiseSchedule& schedule, const TimestepBand& band, size_t index, int64_t count,
                   uint64_t seed, at::IntArrayRef shape);

struct BandLoss {
    TimestepBand band;
    double loss = 0;       // mean over samples and latent elements of (eps_pred - eps)^2
    // The same with the empty caption (the unconditional prediction CFG uses): loss below it means
    // the model uses the caption; equal means the text is ignored.
    double unconditional_loss = 0;
    int64_t samples = 0;
    int t_min = 0, t_max = 0;  // the timesteps actually drawn
    double mean_log_snr = 0;   // mean ln(alpha_bar / (1 - alpha_bar)) of those t on the model's schedule
};

// The inpainting UNet's held-out epsilon MSE in one timestep band, measured apart in the hole and
// around it, once with the picture around the hole as its conditioning (the latent mask and the
// masked picture's latents, as the pipeline gives them) and once with nothing seen (the whole picture
// masked, as in its text-only training draws). Around the hole a UNet that reads its conditioning
// can tell eps from x_t and the clean latent there, so `around` should fall far below
// `around_unseen`; in the hole, `hole` below `hole_unseen` says it continues what it sees.
struct InpaintingBandLoss {
    TimestepBand band;
    double hole = 0, around = 0;                // with the picture around the hole
    double hole_unseen = 0, around_unseen = 0;  // with nothing seen
};

// Epsilon MSE of model.unet on x_t = q_sample(NoiseSchedule(model.sampler.schedule), latents, t, eps)
// conditioned on model.text_encoder(model.prompt_tokens(caption)).last_hidden_state, and on the
// empty caption's. `latents`
// [N, 4, h, w] are already multiplied by the scaling factor; captions has N entries. Band k's t and
// eps come from `seed` and k only, so every model sees the same (x0, eps, t). Throws
// std::invalid_argument for mismatched sizes, an empty band, or a model without prompt_tokens.
std::vector<BandLoss> denoising_loss_by_band(const StableDiffusionModel& model, const at::Tensor& latents,
                                             const std::vector<std::string>& captions,
                                             const std::vector<TimestepBand>& bands, uint64_t seed,
                                             int64_t batch = 32);

// The text encoder's last hidden state [N, L, D] for each caption, in batches. Throws
// std::invalid_argument for no captions, batch < 1 or a model without prompt_tokens.
at::Tensor caption_contexts(const StableDiffusionModel& model, const std::vector<std::string>& captions,
                            int64_t batch = 32);

// VAE encoder mean x the model's scaling factor of images [N, 3, H, W] in [-1, 1], in batches.
at::Tensor encode_latents(const StableDiffusionModel& model, const at::Tensor& images, int64_t batch = 64);

// ---- colour check ----

struct ColourStats {
    double r = 0, g = 0, b = 0;       // mean of the foreground pixels, in [0, 1]
    double hue = 0;                   // HSV hue of that mean, degrees in [0, 360)
    std::string dominant;             // "red", "green" or "blue": the largest channel
    double foreground_fraction = 0;   // pixels further than 0.15 (max channel) from the background
};

// Mean colour of image [3, H, W] (or [1, 3, H, W]) in [0, 1], over the pixels that differ from the
// background; the whole image when fewer than 1% do.
ColourStats colour_stats(const at::Tensor& image, const EmojiBackground& background);
// Whether `stats` shows `word`: red, green, blue: that channel is the largest; yellow: red and green
// both above blue and a hue in [30, 90) degrees. Throws std::invalid_argument for another word.
bool colour_matches(const std::string& word, const ColourStats& stats);

// ---- the whole evaluation ----

// Where the evaluated captions (steps 2 and 5) and the loss pictures (step 3) come from. Held-out
// is the measure of the model. Training shows how well it fits what it was trained on: if its
// training captions score no better than the held-out ones, it is underfitting, not failing to
// generalise (the judge was trained on that art too, so its ceiling there is higher).
enum class EvaluationSplit { HeldOut, Training };
const char* evaluation_split_name(EvaluationSplit split);  // "held-out", "training"
const char* caption_style_name(CaptionStyle style);         // "full", "minimal"

// One evaluated caption: a shard record of the split, its category's index and its caption on white.
struct EvaluationItem {
    int64_t index;  // in the shard
    int64_t label;  // index into categories
    std::string caption;
};
// Up to n records per category from `split`, spread evenly over the category's list in that split
// (its first records are one emoji's skin tones), in category order. Records whose category is not
// in `categories` are left out.
std::vector<EvaluationItem> evaluation_items(const EmojiShard& shard, const std::vector<std::string>& categories,
                                             int n, CaptionStyle style, EvaluationSplit split);

struct BuiltinEvaluationOptions {
    std::string shard_path = "data/emoji/emoji-64.shard";
    std::string model_dir;                // "" = find_builtin_model_dir()
    std::string work_dir = "data/eval";   // the classifier cache (created when missing)
    int per_category = 8;                 // records of `split` per category (fewer when there are fewer)
    int steps = 25;
    // Generation runs at each; the best is reported. By default the scale images are made with
    // (GenerationParams, the CLI's generate and the studio).
    std::vector<double> cfg_scales{7.5};
    std::string sampler = "euler-a";
    uint64_t seed = 1;                    // item i's image uses seed + its shard index
    // Step 2 draws the same records with the same seeds from each style's captions; steps 3 and 5
    // use the first style. Full is the caption as the training data writes it (name, category,
    // subcategory, set): the held-out captions proper. Minimal keeps the name, set and background
    // only, so the category must come from the name: the harder test, and what a user types.
    std::vector<CaptionStyle> caption_styles{CaptionStyle::Minimal, CaptionStyle::Full};
    EvaluationSplit split = EvaluationSplit::HeldOut;
    std::vector<std::string> colour_prompts{"red heart", "blue heart", "green heart", "yellow heart"};
    int colour_seeds = 4;                 // images per colour prompt (seeds seed .. seed + n - 1); 0 = no check
    std::vector<TimestepBand> bands = default_timestep_bands();
    int64_t loss_images = 0;              // images of `split` for the loss; 0 = all
    EmojiClassifierOptions classifier;
    bool inpainting = true;               // step 5 (when the model has an inpaint variant)
    std::string images_dir;               // "" = no grids; else eval-<variant>-cfg<S>.png, eval-real.png,
                                          // eval-<method>[-cfg<S>].png
    std::function<void(const std::string&)> log;
};

struct ClassifierEvaluation {
    bool cached = false;          // loaded from <work>/emoji-classifier.safetensors
    double train_seconds = 0;     // 0 when cached
    int64_t train_images = 0;     // the training split
    ClassificationScores held_out_white;    // held-out art over white (how the generations are drawn)
    ClassificationScores held_out_palette;  // over the palette colours, one per picture
    // The evaluated items' own art over white: what a generator drawing exactly the picture of each
    // caption would score, the ceiling that the generated images' accuracy is read against.
    ClassificationScores items_real;
};

struct GenerationEvaluation {
    std::string variant;
    CaptionStyle caption_style = CaptionStyle::Minimal;
    double cfg = 0;
    ClassificationScores scores;
    double seconds = 0;
    double seconds_per_image = 0;
};

struct ColourResult {
    std::string variant;  // "reference" for the shard's own art of that name
    double cfg = 0;
    std::string prompt;   // as given to the model
    std::string colour;   // the word checked
    ColourStats mean;     // of the per-image means
    int64_t images = 0;
    int64_t matching_images = 0;
    bool matches = false;  // colour_matches(colour, mean)
};

// One inpainting method on the evaluated items: each picture with the centre hole
// (centre_hole_latent_mask) repainted from its caption and the item's seed.
struct InpaintingResult {
    std::string method;           // "inpaint" (its UNet), "cosine-blend" (latent blending), "surrounding-mean"
    double cfg = 0;               // 0 for the surrounding mean
    double hole_error = 0;        // mean |repainted - original| inside the hole, of 255
    ClassificationScores scores;  // the classifier on the repainted pictures (the items' art: the ceiling)
    double seconds_per_image = 0;
};

struct VariantLoss {
    std::string variant;
    std::string schedule;
    std::vector<BandLoss> bands;
};

struct BuiltinEvaluation {
    BuiltinEvaluationOptions options;
    std::string model_dir;
    std::vector<std::string> variants;    // text-to-image variants evaluated (cosine, linear)
    std::vector<std::string> categories;  // the classifier's classes, sorted
    // One caption per evaluated item (options.split, category order) for each of options.caption_styles.
    std::vector<std::vector<std::string>> captions;
    ClassifierEvaluation classifier;
    std::vector<GenerationEvaluation> generation;  // variant x cfg
    // variant -> caption style -> the cfg with the best balanced accuracy
    std::map<std::string, std::map<std::string, double>> best_cfg;
    std::vector<VariantLoss> losses;
    int64_t loss_images = 0;
    std::vector<ColourResult> colours;             // variant x cfg x prompt, then the references
    std::vector<InpaintingResult> inpainting;      // the surrounding mean, then method x cfg
    std::vector<InpaintingBandLoss> inpainting_loss;  // the inpainting UNet's, on the evaluated items
    double seconds = 0;
};

// The cache key of a classifier trained on `shard` with `options`: FNV-1a over the records'
// identities, split and category, the picture bytes, and the training options, as hex.
std::string emoji_classifier_key(const EmojiShard& shard, const EmojiClassifierOptions& options);

// The categories of the shard (sorted) and the classifier for them: <work_dir>/emoji-classifier.
// safetensors when its key matches, otherwise trained on the training split and saved there.
struct ShardClassifier {
    EmojiClassifier classifier;
    bool cached = false;
    double train_seconds = 0;
};
ShardClassifier shard_emoji_classifier(const EmojiShard& shard, const std::string& work_dir,
                                       const EmojiClassifierOptions& options,
                                       const std::function<void(const std::string&)>& log = {});

// Runs everything. Throws std::runtime_error (or the loaders' errors) with one line naming the
// problem: no shard or model, no held-out split, a folder that cannot be written.
BuiltinEvaluation evaluate_builtin_model(const BuiltinEvaluationOptions& options);

// The figures as pretty-printed JSON (keys: model_dir, options, categories, classifier, generation,
// best_cfg, denoising_loss, colour_check, inpainting, seconds).
std::string builtin_evaluation_json(const BuiltinEvaluation& evaluation);
// The same as a readable text summary (a few lines per section).
std::string builtin_evaluation_summary(const BuiltinEvaluation& evaluation);

}  // namespace ds
