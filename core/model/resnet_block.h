#pragma once
// The convolutional blocks of diffusers' resnet.py that the VAE and the UNet share:
// ResnetBlock2D (GroupNorm -> SiLU -> 3x3 conv, twice, plus a residual; "default" time-embedding
// norm, output_scale_factor 1) and the 2x resamplers Downsample2D / Upsample2D.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

#include "core/model/layers.h"
#include "core/model/weights.h"

namespace ds {

// Weights under `prefix`: norm1, conv1, norm2, conv2, time_emb_proj (only when temb_channels > 0)
// and conv_shortcut (a 1x1 conv, only when in_channels != out_channels, as diffusers builds it).
class ResnetBlock2D {
public:
    // groups: GroupNorm groups of both norms (the VAE uses eps 1e-6, the UNet 1e-5).
    static ResnetBlock2D load(const WeightMap& w, const std::string& prefix, int64_t in_channels,
                              int64_t out_channels, int64_t temb_channels /* 0 = none */, int64_t groups,
                              double eps);

    // x [B, in, H, W]; temb [B, temb_channels] (pass an undefined tensor when the block has none).
    // Returns [B, out, H, W] = shortcut(x) + conv2(silu(norm2(conv1(silu(norm1(x))) + proj(silu(temb))))).
    at::Tensor forward(const at::Tensor& x, const at::Tensor& temb = {}) const;
    // The same result, computed with the residual sum written into x's memory when nothing else holds
    // x (the caller moved its only handle in: `h = block.forward_reusing(std::move(h))`): one
    // activation of this size fewer alive at once, two fewer when the shortcut is a 1x1 conv that
    // narrows the channels. Otherwise exactly forward(x, temb).
    at::Tensor forward_reusing(at::Tensor x, const at::Tensor& temb = {}) const;

    int64_t in_channels() const { return in_channels_; }
    int64_t out_channels() const { return out_channels_; }
    bool has_time_embedding() const { return temb_channels_ > 0; }

private:
    // h += proj(silu(temb)) per channel when the block has a time embedding.
    void add_time_embedding(at::Tensor& h, const at::Tensor& temb) const;

    int64_t in_channels_ = 0;
    int64_t out_channels_ = 0;
    int64_t temb_channels_ = 0;
    GroupNorm norm1_, norm2_;
    Conv2d conv1_, conv2_;
    Linear time_emb_proj_;
    Conv2d conv_shortcut_;  // weight undefined when the residual is the identity
};

// A stride-2 3x3 conv (weights under `prefix`.conv). padding 1 is the UNet's form; padding 0 is the
// VAE encoder's, which first pads the right and bottom edges by one zero (diffusers Downsample2D,
// "pad = (0, 1, 0, 1)"), so that an even H x W becomes exactly H/2 x W/2.
class Downsample2D {
public:
    static Downsample2D load(const WeightMap& w, const std::string& prefix, int64_t channels,
                             int64_t out_channels, int64_t padding);
    at::Tensor forward(const at::Tensor& x) const;

private:
    Conv2d conv_;
    bool pad_right_bottom_ = false;
};

// Nearest-neighbour upsampling followed by a 3x3 conv (weights under `prefix`.conv). The output is
// 2H x 2W, or `out_h` x `out_w` when given (the UNet passes the skip connection's size when a
// downsampling step had an odd input).
class Upsample2D {
public:
    static Upsample2D load(const WeightMap& w, const std::string& prefix, int64_t channels,
                           int64_t out_channels);
    at::Tensor forward(const at::Tensor& x, int64_t out_h = -1, int64_t out_w = -1) const;

private:
    Conv2d conv_;
};

}  // namespace ds
