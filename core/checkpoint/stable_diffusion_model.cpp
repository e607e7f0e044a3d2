#include "core/checkpoint/stable_diffusion_model.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/checkpoint/ldm_key_map.h"
#include "core/io/safetensors.h"
#include "core/model/autoencoder_config.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/clip_text_config.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition.h"
#include "core/model/unet_config.h"
#include "core/model/weight_loading.h"
#include "core/runtime/device.h"
#include "core/tokenizers/clip_tokenizer.h"

namespace ds {
namespace {

namespace fs = std::filesystem;

// Where the networks run and in what type. They keep their weights where the WeightMap has them:
// move (and, for half types, convert) them once, before loading.
struct Placement {
    c10::Device device{c10::DeviceType::CPU};
    at::ScalarType dtype = at::kFloat;
};

WeightMap on_device(const WeightMap& w, const Placement& where) {
    if (where.device.is_cpu() && where.dtype == at::kFloat) return w;  // get() converts each tensor once
    std::map<std::string, at::Tensor> moved;
    for (const auto& [name, t] : w.tensors()) {
        moved[name] = at::isFloatingType(t.scalar_type()) ? t.to(where.device, where.dtype) : t.to(where.device);
        if (!moved[name].is_same(t)) release_mapped_pages(t);  // one copy of the weights at a time
    }
    WeightMap out(std::move(moved));
    out.set_dtype(where.dtype);
    return out;
}

// The safetensors spelling of a dtype ("F16", "F32", ...), as users see it in other tools.
std::string stored_dtype_name(at::ScalarType type) {
    switch (type) {
        case at::kHalf: return "F16";
        case at::kFloat: return "F32";
        case at::kBFloat16: return "BF16";
        case at::kDouble: return "F64";
        case at::kLong: return "I64";
        case at::kInt: return "I32";
        case at::kShort: return "I16";
        case at::kChar: return "I8";
        case at::kByte: return "U8";
        case at::kBool: return "BOOL";
        default: return std::string(c10::toString(type));
    }
}

ComponentInfo describe(const std::string& name, const std::map<std::string, at::Tensor>& tensors) {
    ComponentInfo info{name, 0, ""};
    std::set<std::string> dtypes;
    for (const auto& [key, t] : tensors) {
        info.parameters += t.numel();
        dtypes.insert(stored_dtype_name(t.scalar_type()));
    }
    for (const auto& d : dtypes) info.dtypes += (info.dtypes.empty() ? "" : "+") + d;
    return info;
}

// A component's weight file inside a diffusers folder: safetensors only (pickles are refused).
fs::path component_weights(const fs::path& dir, const std::string& stem) {
    for (const char* variant : {"", ".fp16"}) {
        const fs::path p = dir / (stem + variant + ".safetensors");
        if (fs::exists(p)) return p;
    }
    for (const char* ext : {".bin", ".ckpt", ".pt"}) {
        if (fs::exists(dir / (stem + ext)))
            throw ModelError("'" + (dir / (stem + ext)).string() +
                             "' is a pickle file: loading one can run arbitrary code, so it is refused. Convert the "
                             "model to .safetensors and open that instead");
    }
    throw ModelError("'" + dir.string() + "' has no " + stem + ".safetensors");
}

StableDiffusionModel load_folder(const fs::path& root, const Placement& device) {
    StableDiffusionModel m;
    m.device = device.device;
    m.dtype = device.dtype;
    m.layout = ModelLayout::DiffusersFolder;
    m.name = root.filename().empty() ? root.parent_path().filename().string() : root.filename().string();
    for (const char* part : {"unet", "vae", "text_encoder", "tokenizer", "scheduler"}) {
        if (!fs::is_directory(root / part))
            throw ModelError("diffusers folder '" + root.string() + "' has no " + part + "/ folder");
    }
    m.tokenizer = std::make_shared<ClipTokenizer>(ClipTokenizer::load_folder((root / "tokenizer").string()));

    const ClipTextConfig text_config = load_clip_text_config((root / "text_encoder" / "config.json").string());
    {
        const auto file = SafetensorsFile::open(component_weights(root / "text_encoder", "model").string());
        const WeightMap w = weights_from_safetensors(file);
        m.components.push_back(describe("text_encoder", w.tensors()));
        m.text_encoder = std::make_shared<ClipTextModel>(ClipTextModel::load(text_config, on_device(w, device)));
    }
    {
        const UNetConfig config = load_unet_config((root / "unet" / "config.json").string());
        const auto file = SafetensorsFile::open(component_weights(root / "unet", "diffusion_pytorch_model").string());
        const WeightMap w = weights_from_safetensors(file);
        m.components.push_back(describe("unet", w.tensors()));
        m.unet = std::make_shared<UNet2DCondition>(UNet2DCondition::load(config, on_device(w, device)));
    }
    {
        const AutoencoderConfig config = load_autoencoder_config((root / "vae" / "config.json").string());
        const auto file = SafetensorsFile::open(component_weights(root / "vae", "diffusion_pytorch_model").string());
        const WeightMap w = weights_from_safetensors(file);
        m.components.push_back(describe("vae", w.tensors()));
        m.vae = std::make_shared<AutoencoderKL>(AutoencoderKL::load(config, on_device(w, device)));
        m.vae_scaling_factor = config.scaling_factor;
    }
    m.sampler = parse_scheduler_config(read_model_text((root / "scheduler" / "scheduler_config.json").string()));
    m.version = text_config.activation == ClipActivation::Gelu ? "SD 2.x" : "SD 1.x";
    return m;
}

std::shared_ptr<const ClipTokenizer> single_file_tokenizer(const fs::path& file, const ModelLoadOptions& options) {
    const fs::path dir = options.tokenizer_dir.empty() ? file.parent_path() / "tokenizer" : fs::path(options.tokenizer_dir);
    std::vector<std::string> missing;
    for (const char* name : {"vocab.json", "merges.txt"}) {
        if (!fs::exists(dir / name)) missing.push_back((dir / name).string());
    }
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        throw ModelError("a single-file checkpoint needs the CLIP tokenizer files, not found: " + list +
                         " (put a tokenizer/ folder with vocab.json and merges.txt beside the checkpoint, or pass "
                         "--tokenizer DIR)");
    }
    return std::make_shared<ClipTokenizer>(ClipTokenizer::load_folder(dir.string()));
}

StableDiffusionModel load_single_file(const fs::path& path, const ModelLoadOptions& options,
                                      const Placement& device) {
    StableDiffusionModel m;
    m.device = device.device;
    m.dtype = device.dtype;
    m.layout = ModelLayout::SingleFile;
    m.name = path.stem().string();
    const auto file = SafetensorsFile::open(path.string());
    const WeightMap all = weights_from_safetensors(file);
    const auto& tensors = all.tensors();
    if (!tensors.count("model.diffusion_model.input_blocks.0.0.weight"))
        throw ModelError("'" + path.string() +
                         "' is not a Stable Diffusion checkpoint in the original layout (no "
                         "model.diffusion_model.input_blocks.0.0.weight)");
    // The UNet's layers per block and the VAE's number of levels, from the key names.
    int unet_layers = 2;
    if (tensors.count("model.diffusion_model.input_blocks.3.0.op.weight")) unet_layers = 2;
    else if (tensors.count("model.diffusion_model.input_blocks.2.0.op.weight")) unet_layers = 1;
    int vae_levels = 0;
    while (tensors.count("first_stage_model.encoder.down." + std::to_string(vae_levels) + ".block.0.conv1.weight"))
        ++vae_levels;
    if (vae_levels == 0) throw ModelError("'" + path.string() + "' has no VAE (first_stage_model.*)");

    LdmConversion converted = convert_ldm_checkpoint(tensors, unet_layers, vae_levels);
    if (converted.text_encoder.empty()) throw ModelError("'" + path.string() + "' has no text encoder (cond_stage_model.*)");
    m.tokenizer = single_file_tokenizer(path, options);

    const bool sd2 = converted.open_clip;
    m.version = sd2 ? "SD 2.x" : "SD 1.x";
    {
        const WeightMap w(converted.text_encoder);
        ClipTextConfig config = infer_clip_text_config(w);
        if (sd2) {
            config.activation = ClipActivation::Gelu;
            m.clip_skip = 2;  // SD 2.x conditions on the penultimate layer
        }
        m.components.push_back(describe("text_encoder", converted.text_encoder));
        m.text_encoder = std::make_shared<ClipTextModel>(ClipTextModel::load(config, on_device(w, device)));
    }
    {
        const WeightMap w(converted.unet);
        // Head counts are not in the shapes: SD 1.x uses 8 heads, SD 2.x 64-wide heads.
        const UNetConfig config = infer_unet_config(w, "", sd2 ? UNetHeads::fixed_width(64) : UNetHeads::fixed_count(8));
        m.components.push_back(describe("unet", converted.unet));
        m.unet = std::make_shared<UNet2DCondition>(UNet2DCondition::load(config, on_device(w, device)));
    }
    {
        const WeightMap w(converted.vae);
        const AutoencoderConfig config = infer_autoencoder_config(w);
        m.components.push_back(describe("vae", converted.vae));
        m.vae = std::make_shared<AutoencoderKL>(AutoencoderKL::load(config, on_device(w, device)));
        m.vae_scaling_factor = config.scaling_factor;
    }
    // Single files carry no scheduler config: SD's training schedule.
    m.sampler = SamplerConfig{};
    m.notes.push_back("no scheduler config in a single file: SD's scaled-linear 1000-step schedule assumed (steps_offset 1)");
    m.notes.push_back("tokenizer from " + (options.tokenizer_dir.empty() ? (path.parent_path() / "tokenizer").string()
                                                                        : options.tokenizer_dir));
    m.sampler.prediction = options.prediction.value_or(sd2 ? PredictionType::VPrediction : PredictionType::Epsilon);
    if (sd2 && !options.prediction)
        m.notes.push_back("SD 2.x single file: assumed v-prediction (the 768 models); pass the prediction type for 512-base");
    if (!converted.ignored.empty())
        m.notes.push_back(std::to_string(converted.ignored.size()) + " tensors belong to no network loaded (EMA, schedule buffers, ...)");
    return m;
}

}  // namespace

SamplerConfig parse_scheduler_config(const std::string& json_text) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(json_text);
    } catch (const std::exception& e) {
        throw ModelError(std::string("scheduler_config.json is not valid JSON: ") + e.what());
    }
    SamplerConfig c;
    const std::string schedule = j.value("beta_schedule", "scaled_linear");
    const auto kind = parse_schedule_kind(schedule);
    if (!kind) throw ModelError("scheduler_config.json: unknown beta_schedule '" + schedule + "'");
    c.schedule.kind = *kind;
    c.schedule.timesteps = j.value("num_train_timesteps", 1000);
    if (*kind != ScheduleKind::Cosine) {
        c.schedule.beta_start = j.value("beta_start", 0.00085);
        c.schedule.beta_end = j.value("beta_end", 0.012);
    }
    c.schedule.zero_terminal_snr = j.value("rescale_betas_zero_snr", false);
    const std::string prediction = j.value("prediction_type", "epsilon");
    const auto type = parse_prediction_type(prediction);
    if (!type) throw ModelError("scheduler_config.json: unsupported prediction_type '" + prediction + "'");
    c.prediction = *type;
    c.steps_offset = j.value("steps_offset", 0);
    if (j.contains("timestep_spacing") && j["timestep_spacing"].is_string()) {
        c.spacing = parse_timestep_spacing(j["timestep_spacing"].get<std::string>());
    }
    c.set_alpha_to_one = j.value("set_alpha_to_one", false);
    c.clip_sample = j.value("clip_sample", false);
    NoiseSchedule check(c.schedule);  // throws for an impossible schedule
    (void)check;
    return c;
}

StableDiffusionModel load_stable_diffusion(const std::string& path, const ModelLoadOptions& options) {
    Placement device;  // checked first: a bad device or type fails before any file is read
    device.device = parse_device(options.device);
    device.dtype = parse_compute_dtype(options.dtype, device.device);
    prepare_device(device.device);
    const ModelSource source = identify_model(path);
    if (source.layout == ModelLayout::DiffusersFolder) return load_folder(fs::path(source.path), device);
    return load_single_file(fs::path(source.path), options, device);
}

}  // namespace ds
