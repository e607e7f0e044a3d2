#pragma once
// Inpainting with an inpainting UNet (SD's inpainting checkpoints, Rombach et al. 2022 sec. 4.5,
// and the built-in model's "inpaint" variant): 4 + 1 + 4 input channels, the noisy latents
// concatenated with the latent mask and the latents of the image with the masked part blanked.
// As diffusers' StableDiffusionInpaintPipeline (9 channels): strength 1 starts from pure noise,
// otherwise from the image's latents noised to the strength's step; no latent blending (the
// model sees the known region through its conditioning; the final pixel composite keeps it).
#include <ATen/core/Tensor.h>

#include "core/pipeline/img2img.h"

namespace ds {

// True when the UNet takes the latents, a mask channel and the masked image's latents.
bool has_inpainting_unet(const StableDiffusionModel& model);

// `image` [1,3,H,W] in [-1,1] (H, W multiples of the latent factor); `latent_mask` [1,1,H/f,W/f],
// 1 = repaint. The masked image is the image with the mask's cells blanked (0, mid grey); its
// latents are the VAE posterior's mean, as the built-in model was trained. Throws
// std::invalid_argument for a model without an inpainting UNet, a bad image, mask, strength or
// parameter.
GenerationResult inpaint_with_unet(const StableDiffusionModel& model, const at::Tensor& image,
                                   const at::Tensor& latent_mask, double strength, const GenerationParams& params,
                                   const GenerationCallbacks& callbacks = {}, const PipelineInjection& injection = {});

}  // namespace ds
