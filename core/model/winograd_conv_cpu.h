#pragma once
// 3x3 convolutions (stride 1, padding 1) on the CPU by Winograd's minimal filtering F(2x2, 3x3)
// (Lavin & Gray 2016, "Fast Algorithms for Convolutional Neural Networks"): each 4x4 input tile and
// each 3x3 filter are transformed so that one 2x2 output tile costs 16 multiplications per channel
// pair instead of 36, done as 16 independent matrix products. 2.25x fewer multiply-adds than the
// direct or im2col forms; the transforms are additions. Used for SD's UNet at 32x32 and 64x64
// latents and for the VAE, where the tiles are many enough to pay for transforming the filters on
// every call (no second copy of the weights is kept).
#include <ATen/core/Tensor.h>

namespace ds {

// Float32 CPU tensors of the right ranks, a 3x3 kernel, and no gradient to record.
bool winograd_conv3x3_applies(const at::Tensor& x, const at::Tensor& weight);

// An optional activation applied to the input as the tiles are read, so that it is never
// materialised: silu(x * scale + shift) per (image, channel), scale and shift float32 [N, C] (a
// GroupNorm folded into one affine map per channel, then SiLU). The zero padding stays zero.
struct ConvInputActivation {
    at::Tensor scale, shift;
};

// conv2d(a(u(x)), weight, bias, stride 1, padding 1) for x [N, C, H, W], weight [K, C, 3, 3], bias
// [K] or undefined; a the activation when given, else the identity; u the 2x nearest-neighbour
// upsampling (SD's Upsample2D) when upsample_2x, else the identity: the output is then
// [N, K, 2H, 2W] and the upsampled input is never materialised either. With add_to defined (float32,
// that output shape, each image's [K, H, W] contiguous, no memory shared with x), the result is added
// to it in place and add_to is returned: a residual sum without a second activation.
at::Tensor winograd_conv3x3(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            const ConvInputActivation* activation = nullptr, bool upsample_2x = false,
                            const at::Tensor& add_to = at::Tensor());

}  // namespace ds
