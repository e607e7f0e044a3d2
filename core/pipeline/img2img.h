#pragma once
// Image to image (SDEdit, Meng et al. 2022): encode the image, noise it to an intermediate
// timestep chosen by `strength`, and run the guided reverse process from there. Follows
// diffusers' StableDiffusionImg2ImgPipeline: init = scaling * vae.encode(image).sample(eps),
// start at plan step steps - int(steps * strength), x = add_noise(init, noise, that step).
#include <ATen/core/Tensor.h>

#include <cstddef>
#include <functional>

#include "core/pipeline/txt2img.h"

namespace ds {

// Random draws a run would otherwise take from the seed's NoiseStream (tests inject the
// reference's tensors), and a hook on every raw UNet output (before CFG).
struct PipelineInjection {
    at::Tensor vae_eps;  // [1, 4, h, w]: the latent_dist.sample() draw
    at::Tensor noise;    // [1, 4, h, w]: the forward-process noise
    std::function<void(int call, const at::Tensor& unet_output)> on_unet_output;
};

// Throws std::invalid_argument unless 0 < strength <= 1 and int(steps * strength) >= 1.
void validate_strength(double strength, int steps);

// diffusers' get_timesteps: the model-call index of plan step steps - int(steps * strength),
// for a sampler on which set_timesteps(steps) was called.
size_t strength_start_index(const Sampler& sampler, int steps, double strength);

// scaling_factor * (mean + std * eps) of the VAE's posterior for `image` ([1,3,H,W] in [-1,1]).
at::Tensor encode_image_latents(const StableDiffusionModel& model, const at::Tensor& image, const at::Tensor& vae_eps);

// `image` is [1,3,H,W] in [-1,1] (H, W multiples of 8); params.width/height are taken from it.
// Throws std::invalid_argument for a bad image, strength or parameter.
GenerationResult img2img(const StableDiffusionModel& model, const at::Tensor& image, double strength,
                         const GenerationParams& params, const GenerationCallbacks& callbacks = {},
                         const PipelineInjection& injection = {});

// The start of an image-conditioned run: the planned sampler (drawing from the seed's stream), the
// model-call index where `strength` starts, the image's latents and the forward noise. Draws come
// in the reference's order: the posterior sample, the forward noise, then the sampler's own.
struct ImageRunStart {
    std::unique_ptr<Sampler> sampler;
    size_t start_index = 0;
    at::Tensor init;   // scaling_factor * VAE posterior sample of the image
    at::Tensor noise;  // unit normal, on the model's device
};
ImageRunStart start_image_run(const StableDiffusionModel& model, const at::Tensor& image, double strength,
                              const GenerationParams& params, const PipelineInjection& injection);

namespace detail {
// Shared by img2img and inpaint: validated params with the image's size, the image on the model's device.
GenerationParams params_for_image(const GenerationParams& params, const at::Tensor& image);
}  // namespace detail

}  // namespace ds
