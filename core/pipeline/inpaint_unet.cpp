#include "core/pipeline/inpaint_unet.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/pipeline/inpaint.h"

namespace ds {

bool has_inpainting_unet(const StableDiffusionModel& model) {
    const int64_t latent = model.vae->config().latent_channels;
    return model.unet->config().in_channels == 2 * latent + 1;
}

GenerationResult inpaint_with_unet(const StableDiffusionModel& model, const at::Tensor& image,
                                   const at::Tensor& latent_mask, double strength, const GenerationParams& params,
                                   const GenerationCallbacks& callbacks, const PipelineInjection& injection) {
    if (!has_inpainting_unet(model))
        throw std::invalid_argument("this model has no inpainting UNet (its UNet takes " +
                                    std::to_string(model.unet->config().in_channels) + " input channels)");
    const GenerationParams p = detail::params_for_image(params, image);
    validate_strength(strength, p.steps);
    const int64_t factor = model.vae->config().downsample_factor();
    if (!latent_mask.defined() || latent_mask.dim() != 4 || latent_mask.size(0) != 1 || latent_mask.size(1) != 1 ||
        latent_mask.size(2) != p.height / factor || latent_mask.size(3) != p.width / factor)
        throw std::invalid_argument("inpaint: the latent mask must be [1, 1, " + std::to_string(p.height / factor) +
                                    ", " + std::to_string(p.width / factor) + "] for this image");
    at::NoGradGuard no_grad;
    ImageRunStart run = start_image_run(model, image, strength, p, injection);
    Sampler& sampler = *run.sampler;
    const at::Tensor m = latent_mask.to(run.init.device(), at::kFloat);
    // The masked image: every pixel of a repainted cell blanked, so the conditioning hides exactly
    // what the latent mask says is repainted.
    const at::Tensor pixel_mask = latent_mask_to_pixels(m, factor);
    const at::Tensor masked_image = image.to(run.init.device(), at::kFloat) * (1 - pixel_mask);
    const at::Tensor masked_latents = model.vae->encode(masked_image).mean * model.vae_scaling_factor;
    const at::Tensor conditioning = at::cat({m, masked_latents.to(at::kFloat)}, 1);
    const bool pure_noise = run.start_index == 0 && strength >= 1.0;
    at::Tensor latents = pure_noise ? run.noise * sampler.init_noise_sigma()
                                    : sampler.add_noise(run.init, run.noise, run.start_index);
    const at::Tensor embeds = encode_prompts(model, p.prompt, p.negative_prompt, p.clip_skip);
    at::Tensor final = denoise_latents_from(model, sampler, embeds, std::move(latents), run.start_index, p.cfg_scale,
                                            callbacks, {}, injection.on_unet_output, conditioning);
    return finish_generation(model, std::move(final), p.vae_tile);
}

}  // namespace ds
