#include "core/pipeline/img2img.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/runtime/seeded_noise.h"

namespace ds {

void validate_strength(double strength, int steps) {
    if (!std::isfinite(strength) || strength <= 0.0 || strength > 1.0)
        throw std::invalid_argument("strength must be greater than 0 and at most 1, got " + std::to_string(strength));
    if (static_cast<int>(steps * strength) < 1)
        throw std::invalid_argument("strength " + std::to_string(strength) + " with " + std::to_string(steps) +
                                    " steps leaves no step to run: raise the strength or the steps");
}

size_t strength_start_index(const Sampler& sampler, int steps, double strength) {
    validate_strength(strength, steps);
    const size_t calls = sampler.timesteps().size();
    if (calls == 0) throw std::logic_error("img2img: the sampler has no timesteps (call set_timesteps)");
    const int t_start = steps - static_cast<int>(steps * strength);
    // Two-call samplers (Heun) list ~2 calls per plan step; diffusers slices timesteps[t_start * order:].
    const long per_step = std::max(1L, std::lround(static_cast<double>(calls) / steps));
    const size_t index = static_cast<size_t>(t_start) * static_cast<size_t>(per_step);
    return std::min(index, calls - 1);
}

at::Tensor encode_image_latents(const StableDiffusionModel& model, const at::Tensor& image, const at::Tensor& vae_eps) {
    const EncoderOutput posterior = model.vae->encode(image);
    if (!vae_eps.sizes().equals(posterior.mean.sizes()))
        throw std::invalid_argument("img2img: the VAE noise has the wrong shape for this image");
    return posterior.sample(vae_eps.to(posterior.mean.options())) * model.vae_scaling_factor;
}

namespace detail {

GenerationParams params_for_image(const GenerationParams& params, const at::Tensor& image) {
    if (!image.defined() || image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3)
        throw std::invalid_argument("the input image must be a [1, 3, H, W] tensor");
    if (!image.is_floating_point()) throw std::invalid_argument("the input image must be a float tensor in [-1, 1]");
    GenerationParams p = params;
    p.height = static_cast<int>(image.size(2));
    p.width = static_cast<int>(image.size(3));
    validate_generation_params(p);
    return p;
}

}  // namespace detail

ImageRunStart start_image_run(const StableDiffusionModel& model, const at::Tensor& image, double strength,
                              const GenerationParams& p, const PipelineInjection& injection) {
    ImageRunStart run;
    run.sampler = make_planned_sampler(model, p);
    run.start_index = strength_start_index(*run.sampler, p.steps, strength);
    const int64_t factor = model.vae->config().downsample_factor();
    const std::vector<int64_t> latent_shape{1, model.vae->config().latent_channels, p.height / factor, p.width / factor};
    auto stream = std::make_shared<NoiseStream>(p.seed);
    const at::Tensor vae_eps = injection.vae_eps.defined() ? injection.vae_eps : stream->randn(latent_shape);
    const at::Tensor noise = injection.noise.defined() ? injection.noise : stream->randn(latent_shape);
    if (!noise.sizes().equals(latent_shape)) throw std::invalid_argument("the injected noise has the wrong shape");
    run.sampler->set_noise_source([stream](const at::Tensor& like) { return stream->randn_like(like); });
    run.init = encode_image_latents(model, image.to(model.device, at::kFloat), vae_eps.to(model.device));
    run.noise = noise.to(run.init.options());
    return run;
}

GenerationResult img2img(const StableDiffusionModel& model, const at::Tensor& image, double strength,
                         const GenerationParams& params, const GenerationCallbacks& callbacks,
                         const PipelineInjection& injection) {
    const GenerationParams p = detail::params_for_image(params, image);
    validate_strength(strength, p.steps);
    at::NoGradGuard no_grad;
    ImageRunStart run = start_image_run(model, image, strength, p, injection);
    const at::Tensor latents = run.sampler->add_noise(run.init, run.noise, run.start_index);
    const at::Tensor embeds = encode_prompts(model, p.prompt, p.negative_prompt, p.clip_skip);
    return finish_generation(model, denoise_latents_from(model, *run.sampler, embeds, latents, run.start_index,
                                                         p.cfg_scale, callbacks, {}, injection.on_unet_output),
                             p.vae_tile);
}

}  // namespace ds
