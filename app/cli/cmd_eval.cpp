// `eval`: the built-in model's evaluation for its model card (core/builtin/builtin_evaluation.h):
// a category classifier trained on the real art judges images generated from held-out captions;
// held-out denoising loss per timestep band; a colour check; inpainting. The summary goes to stdout, every
// figure to --json, the generated images (as grids) to --images.
#include <algorithm>
#include <filesystem>
#include <string>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/builtin/builtin_evaluation.h"
#include "core/samplers/sampler.h"

namespace ds::cli {
namespace {

int parse_at_least(const std::string& text, const std::string& what, int low) {
    const int v = parse_int(text, what);
    if (v < low) throw UsageError(what + " must be at least " + std::to_string(low) + ", got " + text);
    return v;
}

// The folder a file is to be written into must exist (checked before the long run).
void check_output_file(const std::string& path, const std::string& what) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw UsageError(what + ": '" + path + "' is a folder");
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
        throw UsageError(what + ": folder '" + parent.string() + "' does not exist");
}

}  // namespace

ArgParser eval_parser() {
    ArgParser p("eval [--data SHARD] [--model-dir DIR] [--work DIR] [--json FILE] [--images DIR] [options]",
                "Evaluates the built-in model on the emoji shard's held-out split:\n"
                "  1. trains (once; cached as WORK/emoji-classifier.safetensors) a small CNN that tells an\n"
                "     emoji's category from its picture, and scores it on the held-out art;\n"
                "  2. generates an image from each of --per-category held-out captions per category with\n"
                "     every text-to-image variant (cosine, linear), caption style and --cfg, and classifies it;\n"
                "     'full' captions are the training data's own (name, category, subcategory, set), 'minimal'\n"
                "     ones keep the name, set and background, so the category must come from the name;\n"
                "  3. held-out epsilon MSE per timestep band, each variant on its own schedule;\n"
                "  4. colour check: 'red/blue/green/yellow heart' -> mean colour of the drawn pixels;\n"
                "  5. inpainting: the centre hole of those captions' own art repainted by the inpainting UNet\n"
                "     and by the cosine UNet with latent blending; the error in the hole; and the inpainting\n"
                "     UNet's epsilon MSE in and around the hole, seeing the picture and seeing nothing.\n"
                "--split training takes the captions and loss pictures of steps 2, 3 and 5 from the training\n"
                "split instead: if they score no better than held-out ones, the model is underfitting.\n"
                "Image i uses seed S + its shard index, so `generate --prompt CAPTION --seed N` redraws it.\n"
                "The work is many small tensor operations: on a machine shared with other jobs, DS_THREADS=1\n"
                "is much faster than competing for every core.");
    p.option("data", "SHARD", "the emoji shard", "data/emoji/emoji-64.shard")
        .option("model-dir", "DIR", "the built-in model folder (default: $DS_BUILTIN_MODEL_DIR or resources)")
        .option("work", "DIR", "folder for the cached classifier", "data/eval")
        .option("per-category", "N", "captions per category", "8")
        .option("steps", "N", "denoising steps", "25")
        .option("cfg", "S[,S...]", "classifier-free guidance scale(s); the best is reported; the default is generate's", "7.5")
        .option("sampler", "NAME", "sampler for the generated images", "euler-a")
        .option("seed", "S", "base seed of the generated images and of the loss noise", "1")
        .option("caption", "STYLE[,STYLE]", "caption style(s) of step 2, minimal and/or full; steps 3 and 5 use the first", "minimal,full")
        .option("split", "SPLIT", "where the captions and loss pictures come from: held-out or training", "held-out")
        .option("colour-seeds", "N", "images per colour-check prompt (0: skip the check)", "4")
        .option("loss-images", "N", "images for the denoising loss (0: all)", "0")
        .option("classifier-steps", "N", "training steps of the classifier", "3000")
        .flag("no-inpainting", "skip step 5")
        .option("json", "FILE", "write every figure as JSON")
        .option("images", "DIR", "write the generated images as grids eval-<variant>-<style>-cfg<S>.png, the repainted ones as eval-<method>[-cfg<S>].png (+ eval-real.png)");
    return p;
}

int run_eval(const std::vector<std::string>& args) {
    ArgParser p = eval_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    BuiltinEvaluationOptions o;
    o.shard_path = p.value("data");
    if (p.has("model-dir")) o.model_dir = p.value("model-dir");
    o.work_dir = p.value("work");
    o.per_category = parse_at_least(p.value("per-category"), "--per-category", 1);
    o.steps = parse_at_least(p.value("steps"), "--steps", 1);
    if (o.steps > 1000) throw UsageError("--steps must be at most 1000, got " + p.value("steps"));
    o.cfg_scales.clear();
    for (const std::string& item : split_list(p.value("cfg"), "--cfg")) {
        const double cfg = parse_number(item, "--cfg");
        if (cfg < 0 || cfg > 100) throw UsageError("--cfg: " + item + " is outside [0, 100]");
        o.cfg_scales.push_back(cfg);
    }
    o.sampler = p.value("sampler");
    bool known = false;
    for (const std::string& name : sampler_names()) known = known || name == o.sampler;
    if (!known) throw UsageError("--sampler: unknown sampler '" + o.sampler + "'");
    o.seed = parse_uint64(p.value("seed"), "--seed");
    o.caption_styles.clear();
    for (const std::string& style : split_list(p.value("caption"), "--caption")) {
        const CaptionStyle parsed = style == "minimal" ? CaptionStyle::Minimal
                                    : style == "full"  ? CaptionStyle::Full
                                                       : throw UsageError("--caption: each style must be minimal or full, got '" + style + "'");
        if (std::find(o.caption_styles.begin(), o.caption_styles.end(), parsed) != o.caption_styles.end())
            throw UsageError("--caption: '" + style + "' is given twice");
        o.caption_styles.push_back(parsed);
    }
    const std::string split = p.value("split");
    if (split == "held-out") o.split = EvaluationSplit::HeldOut;
    else if (split == "training") o.split = EvaluationSplit::Training;
    else throw UsageError("--split must be held-out or training, got '" + split + "'");
    o.colour_seeds = parse_at_least(p.value("colour-seeds"), "--colour-seeds", 0);
    o.loss_images = parse_at_least(p.value("loss-images"), "--loss-images", 0);
    o.classifier.steps = parse_at_least(p.value("classifier-steps"), "--classifier-steps", 1);
    o.inpainting = !p.flag_set("no-inpainting");
    if (p.has("images")) o.images_dir = p.value("images");
    const std::string json_path = p.has("json") ? p.value("json") : "";
    if (!json_path.empty()) check_output_file(json_path, "--json");
    {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(o.shard_path, ec))
            throw UsageError("--data: no shard at '" + o.shard_path + "' (packaging/fetch-emoji-data.sh makes it)");
    }
    o.log = [](const std::string& line) { write_progress("eval: " + line); };

    const BuiltinEvaluation ev = evaluate_builtin_model(o);
    if (!json_path.empty()) write_text_file(json_path, builtin_evaluation_json(ev));
    write_stdout(builtin_evaluation_summary(ev));
    if (!json_path.empty()) write_stdout("wrote " + json_path + "\n");
    if (!o.images_dir.empty()) write_stdout("wrote the image grids to " + o.images_dir + "\n");
    return 0;
}

}  // namespace ds::cli
