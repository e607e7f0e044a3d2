#include "core/pipeline/inpaint.h"

#include <ATen/ATen.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "core/model/autoencoder_kl.h"
#include "core/runtime/seeded_noise.h"

namespace ds {

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

GenerationResult inpaint(const StableDiffusionModel& model, const at::Tensor& image, const at::Tensor& mask,
                         double strength, InpaintMode mode, const GenerationParams& params,
                         const GenerationCallbacks& callbacks, const PipelineInjection& injection) {
    const GenerationParams p = detail::params_for_image(params, image);
    validate_strength(strength, p.steps);
    const int64_t factor = model.vae->config().downsample_factor();
    const bool legacy = mode == InpaintMode::Legacy;
    const at::Tensor m = mask_to_latent_grid(mask, p.height, p.width, factor, !legacy).to(model.device);
    at::NoGradGuard no_grad;
    SamplerConfig sampler_config = model.sampler;
    sampler_config.karras = p.karras;
    auto sampler = make_sampler(p.sampler, sampler_config);
    sampler->set_timesteps(p.steps);
    const size_t start = strength_start_index(*sampler, p.steps, strength);

    const std::vector<int64_t> latent_shape{1, model.vae->config().latent_channels, p.height / factor, p.width / factor};
    auto stream = std::make_shared<NoiseStream>(p.seed);
    const at::Tensor vae_eps = injection.vae_eps.defined() ? injection.vae_eps : stream->randn(latent_shape);
    const at::Tensor noise_in = injection.noise.defined() ? injection.noise : stream->randn(latent_shape);
    if (!noise_in.sizes().equals(latent_shape)) throw std::invalid_argument("inpaint: the noise has the wrong shape");
    sampler->set_noise_source([stream](const at::Tensor& like) { return stream->randn_like(like); });

    const at::Tensor init = encode_image_latents(model, image.to(model.device, at::kFloat), vae_eps.to(model.device));
    const at::Tensor noise = noise_in.to(init.options());
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
    GenerationResult result;
    result.latents = denoise_latents_from(model, *sampler, embeds, latents, start, p.cfg_scale, callbacks, blend,
                                          injection.on_unet_output);
    if (legacy) result.latents = init * (1 - m) + result.latents * m;
    if (!at::isfinite(result.latents).all().item<bool>())
        throw std::runtime_error("generation produced NaN or infinite values (try another sampler or a lower CFG scale)");
    result.image = decode_latents(model, result.latents);
    return result;
}

}  // namespace ds
