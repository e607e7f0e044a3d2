#pragma once
// Text to image with classifier-free guidance (Ho & Salimans 2022): eps = u + s (c - u), the
// unconditional row from the negative prompt. Seeds mean what they mean in the reference tools:
// the initial latent is torch's CPU generator after manual_seed(seed) drawing randn([1, 4, H/8, W/8]).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/checkpoint/stable_diffusion_model.h"
#include "core/pipeline/generation_metadata.h"
#include "core/runtime/cancel_token.h"
#include "core/runtime/step_event.h"

namespace ds {

struct GenerationParams {
    std::string prompt;
    std::string negative_prompt;
    std::string sampler = "euler-a";
    bool karras = false;
    int steps = 25;
    double cfg_scale = 7.5;
    uint64_t seed = 0;
    int width = 512;
    int height = 512;
    int clip_skip = 0;  // 0: the model's own
    // > 0: decode the final latents in tiles of this many latent pixels (overlap a quarter of it) to
    // bound the decoder's memory at large sizes (AutoencoderKL::decode_tiled; close to, not equal to,
    // the whole decode). 0: one decode.
    int vae_tile = 0;
};

// Per step: the event (x_t, x0 prediction, eps, sigma) plus a cheap RGB preview of x0 (latent
// projection, [1,3,h,w] in [-1,1]) and, every `decode_interval` steps, a full VAE decode of x0.
struct GenerationStep {
    StepEvent event;
    at::Tensor preview_x0;   // cheap latent -> RGB projection of the x0 prediction
    at::Tensor preview_xt;   // same for the current latent
    at::Tensor decoded_x0;   // [1,3,H,W] in [-1,1] on decode steps, else undefined
    double guidance_norm = 0;  // ||eps_cond - eps_uncond|| of this step
};

struct GenerationCallbacks {
    std::function<void(const GenerationStep&)> on_step;
    int decode_interval = 0;  // 0: never decode intermediate x0
    const CancelToken* cancel = nullptr;
};

struct GenerationResult {
    at::Tensor image;    // [1, 3, H, W] in [-1, 1]
    at::Tensor latents;  // final latents (before the scaling factor is undone)
};

// Validates the parameters (size a multiple of 8 and sane, steps, cfg finite...) and throws
// std::invalid_argument naming the bad one.
void validate_generation_params(const GenerationParams& params);

GenerationResult txt2img(const StableDiffusionModel& model, const GenerationParams& params,
                         const GenerationCallbacks& callbacks = {});

// The pieces, for tests and other pipelines:
// [2, 77, D] embeddings, row 0 the negative prompt, row 1 the prompt.
at::Tensor encode_prompts(const StableDiffusionModel& model, const std::string& prompt, const std::string& negative,
                          int clip_skip);
// Runs the sampler from unit-normal `init_noise` with CFG over `embeds`; returns the final latents.
at::Tensor denoise_latents(const StableDiffusionModel& model, Sampler& sampler, const at::Tensor& embeds,
                           const at::Tensor& init_noise, double cfg_scale, const GenerationCallbacks& callbacks,
                           const std::function<void(int, const at::Tensor&)>& on_unet_output = {});

// Replaces the latents after the step at `index` (inpainting blends); empty: no change.
using LatentBlend = std::function<at::Tensor(size_t index, const at::Tensor& latents)>;

// The same CFG loop from already-noised `latents` at timesteps()[start_index], applying `blend`
// after each step (the step callback sees the blended latents). `unet_conditioning` ([1, C, h, w],
// e.g. a 9-channel inpainting UNet's mask + masked-image latents) is appended to the UNet's input
// channels after the sampler's input scaling, as diffusers does.
at::Tensor denoise_latents_from(const StableDiffusionModel& model, Sampler& sampler, const at::Tensor& embeds,
                                at::Tensor latents, size_t start_index, double cfg_scale,
                                const GenerationCallbacks& callbacks, const LatentBlend& blend = {},
                                const std::function<void(int, const at::Tensor&)>& on_unet_output = {},
                                const at::Tensor& unet_conditioning = {});
// The sampler `params` name, with the model's schedule and the params' Karras choice, planned for
// params.steps.
std::unique_ptr<Sampler> make_planned_sampler(const StableDiffusionModel& model, const GenerationParams& params);
// Refuses non-finite latents with a one-line error, then decodes them (tiled when vae_tile > 0).
GenerationResult finish_generation(const StableDiffusionModel& model, at::Tensor latents, int vae_tile = 0);

// VAE decode of latents / scaling_factor, [B,3,H,W] in [-1, 1] (not clamped).
at::Tensor decode_latents(const StableDiffusionModel& model, const at::Tensor& latents, int vae_tile = 0);

// The "parameters" fields of a generation made with `params` by `model_name`, for an image of
// width x height (the CLI and the studio add their mode's extras to `other`).
GenerationMetadata generation_metadata(const GenerationParams& params, const std::string& model_name, int width,
                                       int height);

}  // namespace ds
