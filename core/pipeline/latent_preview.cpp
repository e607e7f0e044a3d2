#include "core/pipeline/latent_preview.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace ds {

at::Tensor sd15_latent_rgb_factors() {
    static const float factors[4][3] = {
        {0.298f, 0.207f, 0.208f},
        {0.187f, 0.286f, 0.173f},
        {-0.158f, 0.189f, 0.264f},
        {-0.184f, -0.271f, -0.473f},
    };
    return at::from_blob(const_cast<float*>(&factors[0][0]), {4, 3}, at::kFloat).clone();
}

at::Tensor latent_to_rgb_preview(const at::Tensor& latents, const at::Tensor& factors, const at::Tensor& bias) {
    if (latents.dim() != 4 || factors.dim() != 2 || factors.size(0) != latents.size(1) || factors.size(1) != 3)
        throw std::invalid_argument("latent preview: factors must be [channels, 3] for latents [B, channels, h, w]");
    const at::Tensor f = factors.to(latents.options());
    at::Tensor rgb = at::einsum("bchw,cr->brhw", {latents, f});
    if (bias.defined()) rgb = rgb + bias.to(latents.options()).view({1, 3, 1, 1});
    return rgb.clamp(-1, 1);
}

}  // namespace ds
