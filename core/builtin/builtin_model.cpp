#include "core/builtin/builtin_model.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/builtin/builtin_config.h"
#include "core/builtin/builtin_model_location.h"
#include "core/builtin/builtin_tokenizer.h"
#include "core/checkpoint/model_source.h"
#include "core/io/safetensors.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition.h"
#include "core/model/weight_loading.h"
#include "core/runtime/device.h"

namespace fs = std::filesystem;

namespace ds {
namespace {

const std::vector<std::string> kVariants{"cosine", "linear", "inpaint"};

}  // namespace

WeightMap load_builtin_weights(const fs::path& path, const c10::Device& device) {
    const SafetensorsFile file = SafetensorsFile::open(path.string());
    WeightMap w = weights_from_safetensors(file);
    std::map<std::string, at::Tensor> converted;
    // fp16 on disk; float32 for the CPU kernels (and the weights are small: ~10 MB per UNet).
    for (const auto& [name, t] : w.tensors()) converted[name] = t.to(device, at::kFloat);
    return WeightMap(std::move(converted));
}

namespace {

ComponentInfo describe(const std::string& name, const WeightMap& w) {
    ComponentInfo info;
    info.name = name;
    for (const auto& [key, t] : w.tensors()) info.parameters += t.numel();
    info.dtypes = "F16";
    return info;
}

}  // namespace

bool is_builtin_model_dir(const std::string& path) {
    std::error_code ec;
    const fs::path p(path);
    return fs::is_directory(p, ec) && fs::is_regular_file(p / "model.json", ec) && !fs::exists(p / "model_index.json", ec);
}

std::vector<std::string> builtin_variants(const std::string& dir) {
    const fs::path folder = dir.empty() ? fs::path(find_builtin_model_dir()) : fs::path(dir);
    std::vector<std::string> out;
    std::error_code ec;
    for (const std::string& v : kVariants) {
        if (fs::is_regular_file(folder / v / "unet.safetensors", ec) &&
            fs::is_regular_file(folder / v / "text_encoder.safetensors", ec)) {
            out.push_back(v);
        }
    }
    return out;
}

StableDiffusionModel load_builtin_model(const BuiltinModelOptions& options) {
    const fs::path dir = options.dir.empty() ? fs::path(find_builtin_model_dir()) : fs::path(options.dir);
    if (std::find(kVariants.begin(), kVariants.end(), options.variant) == kVariants.end()) {
        throw ModelError("unknown built-in model variant '" + options.variant + "' (cosine, linear or inpaint)");
    }
    const std::vector<std::string> present = builtin_variants(dir.string());
    if (std::find(present.begin(), present.end(), options.variant) == present.end()) {
        throw ModelError("the built-in model in " + dir.string() + " has no '" + options.variant + "' variant");
    }
    const BuiltinConfig config = parse_builtin_config(read_model_text((dir / "model.json").string()));
    const c10::Device device = parse_device(options.device);
    prepare_device(device);
    auto tokenizer = std::make_shared<BuiltinTokenizer>(
        BuiltinTokenizer::load((dir / "tokenizer.model").string(), config.context_length));
    if (tokenizer->vocab_size() != config.text_encoder.vocab_size) {
        throw ModelError((dir / "tokenizer.model").string() + " has " + std::to_string(tokenizer->vocab_size()) +
                         " pieces, the text encoder " + std::to_string(config.text_encoder.vocab_size));
    }

    StableDiffusionModel m;
    m.name = "builtin-" + options.variant;
    m.version = "built-in emoji model";
    m.layout = ModelLayout::DiffusersFolder;
    m.device = device;
    m.native_size = config.image_size;
    m.prompt_tokens = [tokenizer](const std::string& text) { return tokenizer->encode(text); };
    m.context_length = config.context_length;

    const fs::path variant = dir / options.variant;
    const WeightMap text = load_builtin_weights(variant / "text_encoder.safetensors", device);
    m.components.push_back(describe("text_encoder", text));
    m.text_encoder = std::make_shared<ClipTextModel>(ClipTextModel::load(config.text_encoder, text));

    UNetConfig unet_config = config.unet;
    const WeightMap unet = load_builtin_weights(variant / "unet.safetensors", device);
    if (options.variant == "inpaint") unet_config = inpainting_unet_config(unet_config);
    m.components.push_back(describe("unet", unet));
    m.unet = std::make_shared<UNet2DCondition>(UNet2DCondition::load(unet_config, unet));

    const WeightMap vae = load_builtin_weights(dir / "vae.safetensors", device);
    m.components.push_back(describe("vae", vae));
    m.vae = std::make_shared<AutoencoderKL>(AutoencoderKL::load(config.vae, vae));
    m.vae_scaling_factor = config.vae.scaling_factor;
    if (!config.latent_rgb_factors.empty()) {
        m.latent_rgb_factors = at::tensor(config.latent_rgb_factors, at::kDouble)
                                   .to(at::kFloat)
                                   .view({config.vae.latent_channels, 3});
        m.latent_rgb_bias = at::tensor(config.latent_rgb_bias, at::kDouble).to(at::kFloat);
    }

    m.clip_skip = 1;
    // Trained on every t in [0, 1000) with epsilon prediction and the variant's schedule.
    m.sampler.schedule = ScheduleConfig{};
    m.sampler.schedule.kind = options.variant == "linear" ? ScheduleKind::Linear : ScheduleKind::Cosine;
    m.sampler.prediction = PredictionType::Epsilon;
    // "leading" spacing with offset 1 (SD's scheduler config) for every sampler: the cosine schedule's
    // last step has sigma ~20,000 (alpha_bar ~2e-9 under the 0.999 beta cap), where a sigma-space
    // sampler turns a 1% noise-prediction error into an error of ~200 in x0; t = 961 has sigma 16.6.
    m.sampler.spacing = TimestepSpacing::Leading;
    m.sampler.steps_offset = 1;
    m.notes.push_back("built-in model from " + dir.string() + " (variant " + options.variant + ", " +
                      schedule_kind_name(m.sampler.schedule.kind) + " schedule)");
    return m;
}

}  // namespace ds
