#pragma once
// A cheap latent -> RGB preview: one linear map per pixel, no VAE. Good enough to watch a run.
#include <ATen/core/Tensor.h>

namespace ds {

// Factors of SD 1.x's 4-channel latent space (keturn, "Decoding latents to RGB without upscaling",
// Hugging Face forum, 2022): rgb = latent^T F, in [-1, 1] roughly.
at::Tensor sd15_latent_rgb_factors();

// latents [B, C, h, w] -> images [B, 3, h, w] in [-1, 1] with a [C, 3] factor matrix (and an
// optional [3] bias).
at::Tensor latent_to_rgb_preview(const at::Tensor& latents, const at::Tensor& factors, const at::Tensor& bias = {});

}  // namespace ds
