#include "core/pipeline/inpaint.h"

#include "core/model/unet2d_condition.h"

#include <ATen/ATen.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "core/model/autoencoder_kl.h"

namespace ds {

at::Tensor latent_mask_to_pixels(const at::Tensor& latent_mask, int64_t factor) {
    return at::repeat_interleave(at::repeat_interleave(latent_mask, factor, 2), factor, 3);
}

at::Tensor mask_to_latent_grid(const at::Tensor& mask, int64_t height, int64_t width, int64_t factor, bool binarize) {
    if (!mask.defined()) throw std::invalid_argument("inpaint: no mask given");
    at::Tensor m = mask;
    while (m.dim() < 4 && m.dim() >= 2) m = m.unsqueeze(0);
    if (m.dim() != 4 || m.size(0) != 1 || m.size(1) != 1)
        throw std::invalid_argument("inpaint: the mask must be a single-channel [H, W] tensor");
    if (m.size(2) != height || m.size(3) != width)
        throw std::invalid_argument("inpaint: the mask is " + std::to_string(m.size(3)) + "x" + std::to_string(m.size(2)) +
                                    " but the image is " + std::to_string(width) + "x" + std::to_string(height));
    if (factor < 1 || height % factor != 0 || width % factor != 0)
        throw std::invalid_argument("inpaint: the image size is not a multiple of the latent factor");
    m = m.to(at::kFloat);
    if (binarize) m = (m >= 0.5).to(at::kFloat);
    // Nearest downsampling as torch's interpolate(mode="nearest"): source pixel factor * j.
    return m.slice(2, 0, height, factor).slice(3, 0, width, factor).contiguous();
}

namespace {

void require_latent_unet(const StableDiffusionModel& model) {
    if (model.unet->config().in_channels != model.vae->config().latent_channels) {
        throw std::invalid_argument("this model's UNet takes " + std::to_string(model.unet->config().in_channels) +
                                    " input channels (an inpainting UNet with mask conditioning), which this "
                                    "inpainting method does not drive yet");
    }
}

}  // namespace

GenerationResult inpaint(const StableDiffusionModel& model, const at::Tensor& image, const at::Tensor& mask,
                         double strength, InpaintMode mode, const GenerationParams& params,
                         const GenerationCallbacks& callbacks, const PipelineInjection& injection) {
    require_latent_unet(model);
    const GenerationParams p = detail::params_for_image(params, image);
    validate_strength(strength, p.steps);
    const int64_t factor = model.vae->config().downsample_factor();
    const at::Tensor m = mask_to_latent_grid(mask, p.height, p.width, factor, mode != InpaintMode::Legacy);
    return inpaint_latent_mask(model, image, m, strength, mode, params, callbacks, injection);
}

GenerationResult inpaint_latent_mask(const StableDiffusionModel& model, const at::Tensor& image,
                                     const at::Tensor& latent_mask, double strength, InpaintMode mode,
                                     const GenerationParams& params, const GenerationCallbacks& callbacks,
                                     const PipelineInjection& injection) {
    require_latent_unet(model);
    const GenerationParams p = detail::params_for_image(params, image);
    validate_strength(strength, p.steps);
    const int64_t factor = model.vae->config().downsample_factor();
    const bool legacy = mode == InpaintMode::Legacy;
    if (!latent_mask.defined() || latent_mask.dim() != 4 || latent_mask.size(0) != 1 || latent_mask.size(1) != 1 ||
        latent_mask.size(2) != p.height / factor || latent_mask.size(3) != p.width / factor)
        throw std::invalid_argument("inpaint: the latent mask must be [1, 1, " + std::to_string(p.height / factor) +
                                    ", " + std::to_string(p.width / factor) + "] for this image");
    const at::Tensor m = latent_mask.to(model.device, at::kFloat);
    at::NoGradGuard no_grad;
    ImageRunStart run = start_image_run(model, image, strength, p, injection);
    Sampler* sampler = run.sampler.get();
    const size_t start = run.start_index;
    const at::Tensor& init = run.init;
    const at::Tensor& noise = run.noise;
    const size_t last = sampler->timesteps().size() - 1;
    at::Tensor latents;
    LatentBlend blend;
    if (legacy) {
        const at::Tensor keep = 1 - m;
        latents = sampler->add_noise(init, noise, start);
        blend = [&, keep](size_t i, const at::Tensor& x) {
            return sampler->add_noise(init, noise, i) * keep + x * (1 - keep);  // the current t, as the reference
        };
    } else {
        const bool pure_noise = start == 0 && strength >= 1.0;
        latents = pure_noise ? noise * sampler->init_noise_sigma() : sampler->add_noise(init, noise, start);
        blend = [&](size_t i, const at::Tensor& x) {
            const at::Tensor proper = i < last ? sampler->add_noise(init, noise, i + 1) : init;
            return (1 - m) * proper + m * x;
        };
    }
    const at::Tensor embeds = encode_prompts(model, p.prompt, p.negative_prompt, p.clip_skip);
    at::Tensor final = denoise_latents_from(model, *sampler, embeds, latents, start, p.cfg_scale, callbacks, blend,
                                            injection.on_unet_output);
    if (legacy) final = init * (1 - m) + final * m;
    return finish_generation(model, std::move(final), p.vae_tile);
}

}  // namespace ds
