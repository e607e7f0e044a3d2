#pragma once
// Inpainting by latent blending (for any 4-channel UNet; Lugmayr et al. 2022's "RePaint" idea
// without resampling): the masked region is denoised while the known region is overwritten after
// every step with the encoded image, noised to the matching level. Two variants, as the reference:
//  - Legacy (diffusers' StableDiffusionInpaintPipelineLegacy): keep = 1 - mask; after the step at t,
//    x = add_noise(init, noise, t) * keep + x * (1 - keep) with the *current* t; after the loop
//    x = init * keep + x * (1 - keep).
//  - Blend (StableDiffusionInpaintPipeline with a 4-channel UNet): m = (mask >= 0.5); after step i,
//    x = (1 - m) * add_noise(init, noise, timesteps[i + 1]) + m * x, with the clean init after the last step.
#include <ATen/core/Tensor.h>

#include "core/pipeline/img2img.h"

namespace ds {

enum class InpaintMode { Legacy, Blend };

// `mask` is [H, W], [1, H, W] or [1, 1, H, W], values in [0, 1], 1 = repaint, the image's size.
// Returns it on the latent grid [1, 1, H/factor, W/factor] by nearest sampling (torch's rule:
// pixel factor * j), binarised at 0.5 when `binarize`. Throws std::invalid_argument for a bad mask.
at::Tensor mask_to_latent_grid(const at::Tensor& mask, int64_t height, int64_t width, int64_t factor, bool binarize);

// The other way: a latent mask [N, C, h, w] on the pixel grid [N, C, h * factor, w * factor], each
// cell a factor x factor square of its value.
at::Tensor latent_mask_to_pixels(const at::Tensor& latent_mask, int64_t factor);

// `image` [1,3,H,W] in [-1,1]; `mask` as above. With Blend and strength 1 the start is pure noise
// (noise * init_noise_sigma), otherwise add_noise(init, noise, start) as img2img. Throws
// std::invalid_argument for a bad image, mask, strength or parameter.
GenerationResult inpaint(const StableDiffusionModel& model, const at::Tensor& image, const at::Tensor& mask,
                         double strength, InpaintMode mode, const GenerationParams& params,
                         const GenerationCallbacks& callbacks = {}, const PipelineInjection& injection = {});

// The same with the mask already on the latent grid: `latent_mask` [1, 1, H/factor, W/factor], 1 =
// repaint (the canvas maps masks conservatively, see mask_ops.h). Throws std::invalid_argument for
// a mask of another shape and as inpaint().
GenerationResult inpaint_latent_mask(const StableDiffusionModel& model, const at::Tensor& image,
                                     const at::Tensor& latent_mask, double strength, InpaintMode mode,
                                     const GenerationParams& params, const GenerationCallbacks& callbacks = {},
                                     const PipelineInjection& injection = {});

}  // namespace ds
