#include "core/pipeline/txt2img.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "core/model/autoencoder_kl.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition.h"
#include "core/pipeline/latent_preview.h"
#include "core/runtime/denoise_loop.h"
#include "core/runtime/seeded_noise.h"
#include "core/tokenizers/clip_tokenizer.h"

namespace ds {

void validate_generation_params(const GenerationParams& p) {
    auto bad = [](const std::string& what) { throw std::invalid_argument(what); };
    for (int side : {p.width, p.height}) {
        if (side < 64 || side > 4096 || side % 8 != 0)
            bad("image size " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                " is not allowed: width and height must be multiples of 8 between 64 and 4096");
    }
    if (p.steps < 1 || p.steps > 1000) bad("steps must be between 1 and 1000, got " + std::to_string(p.steps));
    if (!std::isfinite(p.cfg_scale) || p.cfg_scale < 0 || p.cfg_scale > 100)
        bad("CFG scale must be a finite number between 0 and 100");
    if (p.clip_skip < 0 || p.clip_skip > 12) bad("clip skip must be between 0 (model default) and 12");
    if (p.vae_tile != 0 && (p.vae_tile < 8 || p.vae_tile > 512)) bad("VAE tile must be 0 (off) or 8..512 latent pixels");
}

at::Tensor encode_prompts(const StableDiffusionModel& model, const std::string& prompt, const std::string& negative,
                          int clip_skip) {
    const int64_t n = model.context_length;
    auto tokens = [&](const std::string& text) {
        return model.prompt_tokens ? model.prompt_tokens(text)
                                   : model.tokenizer->encode_padded(text, static_cast<int>(n)).input_ids;
    };
    std::vector<int64_t> ids = tokens(negative);
    const std::vector<int64_t> pos = tokens(prompt);
    ids.insert(ids.end(), pos.begin(), pos.end());
    const at::Tensor id_tensor = at::tensor(ids, at::kLong).view({2, n}).to(model.device);
    const ClipTextOutput out = model.text_encoder->forward(id_tensor, clip_skip > 0 ? clip_skip : model.clip_skip);
    return out.conditioning();
}

at::Tensor denoise_latents(const StableDiffusionModel& model, Sampler& sampler, const at::Tensor& embeds,
                           const at::Tensor& init_noise, double cfg_scale, const GenerationCallbacks& callbacks,
                           const std::function<void(int, const at::Tensor&)>& on_unet_output) {
    return denoise_latents_from(model, sampler, embeds, init_noise * sampler.init_noise_sigma(), 0, cfg_scale,
                                callbacks, {}, on_unet_output);
}

at::Tensor denoise_latents_from(const StableDiffusionModel& model, Sampler& sampler, const at::Tensor& embeds,
                                at::Tensor latents, size_t start_index, double cfg_scale,
                                const GenerationCallbacks& callbacks, const LatentBlend& blend,
                                const std::function<void(int, const at::Tensor&)>& on_unet_output,
                                const at::Tensor& unet_conditioning) {
    const bool guided = cfg_scale != 1.0;
    const at::Tensor cond = guided ? embeds : embeds.narrow(0, 1, 1);
    const at::Tensor extra = !unet_conditioning.defined() ? at::Tensor()
                             : guided                      ? at::cat({unet_conditioning, unet_conditioning})
                                                           : unet_conditioning;
    const at::Tensor preview_factors =
        model.latent_rgb_factors.defined() ? model.latent_rgb_factors : sd15_latent_rgb_factors();
    const at::Tensor preview_bias = model.latent_rgb_bias;
    int call = 0;
    double guidance_norm = 0;
    ModelFunction unet_fn = [&](const at::Tensor& x, double t) {
        at::Tensor input = guided ? at::cat({x, x}) : x;
        if (extra.defined()) input = at::cat({input, extra.to(x.options())}, 1);
        const at::Tensor timestep = at::full({input.size(0)}, t, x.options());
        at::Tensor out = model.unet->forward(input, timestep, cond);
        if (on_unet_output) on_unet_output(call, out);
        ++call;
        if (!guided) return out;
        const auto parts = out.chunk(2);
        const at::Tensor diff = parts[1] - parts[0];
        guidance_norm = diff.norm().item<double>();
        return parts[0] + diff * cfg_scale;  // eps = u + s (c - u)
    };
    DenoiseOptions options;
    options.cancel = callbacks.cancel;
    options.after_step = blend;
    if (callbacks.on_step) {
        options.on_step = [&](const StepEvent& e) {
            GenerationStep s;
            s.event = e;
            s.guidance_norm = guidance_norm;
            s.preview_x0 = latent_to_rgb_preview(e.x0_pred, preview_factors, preview_bias);
            s.preview_xt = latent_to_rgb_preview(e.xt, preview_factors, preview_bias);
            const bool last = e.index + 1 == e.count;
            if (callbacks.decode_interval > 0 && ((e.index + 1) % callbacks.decode_interval == 0 || last))
                s.decoded_x0 = decode_latents(model, e.x0_pred).clamp(-1, 1);
            callbacks.on_step(s);
        };
    }
    return denoise_from(sampler, unet_fn, std::move(latents), start_index, options);
}

at::Tensor decode_latents(const StableDiffusionModel& model, const at::Tensor& latents, int vae_tile) {
    const at::Tensor z = latents / model.vae_scaling_factor;
    if (vae_tile > 0 && (z.size(2) > vae_tile || z.size(3) > vae_tile)) {
        return model.vae->decode_tiled(z, vae_tile, std::max(1, vae_tile / 4));
    }
    return model.vae->decode(z);
}

std::unique_ptr<Sampler> make_planned_sampler(const StableDiffusionModel& model, const GenerationParams& params) {
    SamplerConfig sampler_config = model.sampler;
    sampler_config.karras = params.karras;
    auto sampler = make_sampler(params.sampler, sampler_config);
    sampler->set_timesteps(params.steps);
    return sampler;
}

GenerationResult finish_generation(const StableDiffusionModel& model, at::Tensor latents, int vae_tile) {
    if (!at::isfinite(latents).all().item<bool>())
        throw std::runtime_error("generation produced NaN or infinite values (try another sampler or a lower CFG scale)");
    GenerationResult result;
    result.image = decode_latents(model, latents, vae_tile);
    result.latents = std::move(latents);
    return result;
}

GenerationResult txt2img(const StableDiffusionModel& model, const GenerationParams& params,
                         const GenerationCallbacks& callbacks) {
    validate_generation_params(params);
    at::NoGradGuard no_grad;
    auto sampler = make_planned_sampler(model, params);
    // Ancestral samplers continue the seeded stream, so a seed fixes the whole run.
    if (model.unet->config().in_channels != model.vae->config().latent_channels) {
        throw std::invalid_argument("this is an inpainting model (its UNet takes " +
                                    std::to_string(model.unet->config().in_channels) +
                                    " input channels): use it for inpainting, not text-to-image");
    }
    auto stream = std::make_shared<NoiseStream>(params.seed);
    const int64_t factor = model.vae->config().downsample_factor();
    // Drawn on the CPU whatever the device, so a seed gives the same image everywhere.
    const at::Tensor noise =
        stream->randn({1, model.vae->config().latent_channels, params.height / factor, params.width / factor})
            .to(model.device);
    sampler->set_noise_source([stream](const at::Tensor& like) { return stream->randn_like(like); });
    const at::Tensor embeds = encode_prompts(model, params.prompt, params.negative_prompt, params.clip_skip);
    return finish_generation(model, denoise_latents(model, *sampler, embeds, noise, params.cfg_scale, callbacks),
                             params.vae_tile);
}

GenerationMetadata generation_metadata(const GenerationParams& params, const std::string& model_name, int width,
                                       int height) {
    GenerationMetadata m;
    m.prompt = params.prompt;
    m.negative_prompt = params.negative_prompt;
    m.steps = params.steps;
    m.sampler = params.sampler;
    m.karras = params.karras;
    m.cfg_scale = params.cfg_scale;
    m.seed = params.seed;
    m.width = width;
    m.height = height;
    m.model = model_name;
    m.clip_skip = params.clip_skip;
    return m;
}

}  // namespace ds
