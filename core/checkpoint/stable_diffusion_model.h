#pragma once
// A Stable Diffusion 1.x/2.x model loaded from disk: a diffusers folder or a single-file
// (original LDM layout) .safetensors checkpoint, whose configuration is inferred from the shapes.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "core/checkpoint/model_source.h"
#include "core/samplers/sampler.h"

namespace ds {

class ClipTokenizer;
class ClipTextModel;
class UNet2DCondition;
class AutoencoderKL;

struct ModelLoadOptions {
    std::string tokenizer_dir;  // for single files: vocab.json + merges.txt (default: <file's folder>/tokenizer)
    std::optional<PredictionType> prediction;  // override (SD 2.x single files are assumed v-prediction)
    std::string device = "auto";               // "auto" (CUDA when present), "cpu", "cuda"
    // Weights and activations: "auto" (fp16 on CUDA, fp32 on the CPU), "fp32", "fp16", "bf16" (CUDA
    // only). The samplers' arithmetic stays float32 whatever this is.
    std::string dtype = "auto";
};

struct ComponentInfo {
    std::string name;        // "unet", "vae", "text_encoder"
    int64_t parameters = 0;
    std::string dtypes;      // stored dtypes, e.g. "F16" or "F16+F32"
};

struct StableDiffusionModel {
    std::string name;     // file stem or folder name
    std::string version;  // "SD 1.x" or "SD 2.x"
    ModelLayout layout = ModelLayout::DiffusersFolder;
    std::shared_ptr<const ClipTokenizer> tokenizer;
    // Prompt -> context_length token ids, for models whose tokenizer is not CLIP's (the built-in
    // model's sentencepiece one); when unset the CLIP tokenizer pads to context_length.
    std::function<std::vector<int64_t>(const std::string&)> prompt_tokens;
    int64_t context_length = 77;
    int64_t native_size = 512;          // the image side the model was trained at
    // Live previews: [latent_channels, 3] latent -> RGB factors and [3] bias; undefined = SD 1.x's.
    at::Tensor latent_rgb_factors;
    at::Tensor latent_rgb_bias;
    std::shared_ptr<const ClipTextModel> text_encoder;
    std::shared_ptr<const UNet2DCondition> unet;
    std::shared_ptr<const AutoencoderKL> vae;
    c10::Device device{c10::DeviceType::CPU};
    at::ScalarType dtype = at::kFloat;  // what the networks compute in
    int clip_skip = 1;                  // the layer SD's conditioning comes from (2 = penultimate)
    double vae_scaling_factor = 0.18215;
    SamplerConfig sampler;              // train schedule, prediction type, offset, spacing of the model
    std::vector<ComponentInfo> components;
    std::vector<std::string> notes;     // e.g. ignored keys, assumptions made
};

// Throws ModelError (or WeightError / SafetensorsError) with one line naming the problem.
StableDiffusionModel load_stable_diffusion(const std::string& path, const ModelLoadOptions& options = {});

// Reads a diffusers scheduler_config.json into a SamplerConfig (beta schedule, prediction type,
// steps_offset, timestep_spacing, set_alpha_to_one, zero-SNR rescale).
SamplerConfig parse_scheduler_config(const std::string& json_text);

}  // namespace ds
