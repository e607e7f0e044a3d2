// `train`: the built-in model's training stages (tokenizer, vae, unet, inpaint) and its export. Every
// stage resumes from its checkpoint in the work folder unless --restart; progress goes to the
// terminal as it happens, the loss log to <work>/<stage>-loss.csv.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/builtin/builtin_training.h"

namespace ds::cli {
namespace {

double parse_positive_double(const std::string& text, const std::string& what) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(v > 0)) {
        throw UsageError(what + " must be a positive number, got '" + text + "'");
    }
    return v;
}

std::string progress_line(const std::string& stage, const TrainingProgress& p) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s: step %lld/%lld  loss %.4f (avg %.4f)  lr %.2e  %.2f steps/s  ETA %s",
                  stage.c_str(), static_cast<long long>(p.step), static_cast<long long>(p.total), p.loss,
                  p.loss_average, p.learning_rate, p.steps_per_second, format_duration(p.eta_seconds).c_str());
    return buf;
}

}  // namespace

ArgParser train_parser() {
    ArgParser p("train tokenizer|vae|unet|inpaint|export|import --data SHARD --work DIR [options]",
                "Trains the built-in model in stages, each resumable from its checkpoint in DIR:\n"
                "  tokenizer  sentencepiece tokenizer on the captions -> DIR/tokenizer.model\n"
                "  vae        the KL autoencoder (64x64x3 <-> 16x16x4) -> DIR/vae.ckpt.safetensors\n"
                "  unet       text encoder + UNet with --schedule -> DIR/unet-<schedule>.ckpt.safetensors\n"
                "  inpaint    the 9-channel inpainting UNet, started from the cosine one\n"
                "  export     the EMA weights as fp16 safetensors + model.json into --out\n"
                "  import     a model folder (--from) back into DIR as step-0 checkpoints, to train on\n"
                "             from the shipped weights: then e.g. train unet --steps 2000 --lr 0.00005");
    p.option("data", "SHARD", "the emoji shard (packaging/fetch-emoji-data.sh makes it)", "data/emoji/emoji-64.shard")
        .option("work", "DIR", "folder for checkpoints and loss logs", "data/train")
        .option("steps", "N", "total optimisation steps of the stage", "1000")
        .option("batch", "B", "images per step", "32")
        .option("lr", "RATE", "peak learning rate (warm-up, then cosine decay)", "0.0003")
        .option("seed", "S", "seed of the initial weights and of the batches", "1")
        .option("schedule", "KIND", "noise schedule of the unet stage: cosine or linear", "cosine")
        .option("vocab", "N", "tokenizer vocabulary size", "1000")
        .option("checkpoint-every", "N", "steps between checkpoints", "100")
        .option("minutes", "M", "stop (and save a checkpoint) after M minutes, even before --steps")
        .option("out", "DIR", "export: the model folder to write", "resources/models/builtin")
        .option("from", "DIR", "import: the model folder to start from", "resources/models/builtin")
        .option("init-from", "CKPT", "unet: start a fresh run from this checkpoint's EMA weights")
        .option("keep-fresh", "NAMES", "with --init-from: comma-separated parameters to keep freshly initialised")
        .option("device", "DEV", "cpu, cuda or auto (CUDA when this libtorch has it)", "cpu")
        .option("offset-noise", "X", "unet, inpaint: add X (0..1) times one N(0,1) draw per channel to the noise, so the "
                "overall colour is learnt from the caption (0.1 as Guttenberg 2023)", "0")
        .option("around-weight", "W", "inpaint: loss weight (0..1] of the cells the mask leaves visible, against 1 in "
                "the hole; below 1 trains it to continue the picture into the hole", "1")
        .option("min-snr", "G", "unet, inpaint: weight each sample's loss by min(SNR, G) / SNR (Min-SNR, Hang et al. "
                "2023; 5 in the paper), so the nearly clean steps do not drown the rest; 0: off", "0")
        .flag("decoder-only", "vae: train only the decoder; the latents, and the UNets trained on them, stay valid")
        .flag("restart", "start from scratch even when a checkpoint exists");
    return p;
}

int run_train(const std::vector<std::string>& args_in) {
    std::vector<std::string> args = args_in;
    std::string stage;
    if (!args.empty() && args[0].rfind("-", 0) != 0) {
        stage = args[0];
        args.erase(args.begin());
    }
    ArgParser p = train_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    if (stage.empty()) throw UsageError("train needs a stage: tokenizer, vae, unet, inpaint, export or import");
    BuiltinTrainOptions o;
    o.shard_path = p.value("data");
    o.work_dir = p.value("work");
    o.steps = parse_int(p.value("steps"), "--steps");
    o.batch = parse_int(p.value("batch"), "--batch");
    o.learning_rate = parse_positive_double(p.value("lr"), "--lr");
    o.seed = parse_uint64(p.value("seed"), "--seed");
    o.vocab_size = parse_int(p.value("vocab"), "--vocab");
    o.checkpoint_every = parse_int(p.value("checkpoint-every"), "--checkpoint-every");
    o.restart = p.flag_set("restart");
    o.decoder_only = p.flag_set("decoder-only");
    o.offset_noise = parse_number(p.value("offset-noise"), "--offset-noise");  // the stage checks the range
    o.around_weight = parse_number(p.value("around-weight"), "--around-weight");
    o.min_snr_gamma = parse_number(p.value("min-snr"), "--min-snr");
    if (p.has("minutes")) o.time_limit_seconds = 60.0 * parse_positive_double(p.value("minutes"), "--minutes");
    o.device = p.value("device");
    if (p.has("init-from")) o.init_from = p.value("init-from");
    if (p.has("keep-fresh")) o.keep_fresh = split_list(p.value("keep-fresh"), "--keep-fresh");
    const std::string kind = p.value("schedule");
    if (kind == "cosine") o.schedule = ScheduleKind::Cosine;
    else if (kind == "linear") o.schedule = ScheduleKind::Linear;
    else throw UsageError("--schedule must be cosine or linear, got '" + kind + "'");
    o.log = [](const std::string& line) { write_progress("train: " + line); };
    const std::string label = stage == "unet" ? "unet-" + kind : stage;
    o.on_progress = [label](const TrainingProgress& pr) { write_progress(progress_line(label, pr)); };

    if (stage == "tokenizer") train_builtin_tokenizer_stage(o);
    else if (stage == "vae") train_builtin_autoencoder_stage(o);
    else if (stage == "unet") train_builtin_unet_stage(o);
    else if (stage == "inpaint") train_builtin_inpainting_stage(o);
    else if (stage == "export") export_builtin_model(o.work_dir, p.value("out"), o.log);
    else if (stage == "import") import_builtin_model(p.value("from"), o.work_dir, o.log);
    else throw UsageError("unknown train stage '" + stage + "' (tokenizer, vae, unet, inpaint, export or import)");
    return 0;
}

}  // namespace ds::cli
