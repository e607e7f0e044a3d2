#include "core/model/resnet_block.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <stdexcept>

namespace ds {

ResnetBlock2D ResnetBlock2D::load(const WeightMap& w, const std::string& prefix, int64_t in_channels,
                                  int64_t out_channels, int64_t temb_channels, int64_t groups, double eps) {
    ResnetBlock2D block;
    block.in_channels_ = in_channels;
    block.out_channels_ = out_channels;
    block.temb_channels_ = temb_channels;
    block.norm1_.load(w, key(prefix, "norm1"), in_channels, groups, eps);
    block.conv1_.load(w, key(prefix, "conv1"), in_channels, out_channels, 3);
    if (temb_channels > 0)
        block.time_emb_proj_.load(w, key(prefix, "time_emb_proj"), temb_channels, out_channels);
    block.norm2_.load(w, key(prefix, "norm2"), out_channels, groups, eps);
    block.conv2_.load(w, key(prefix, "conv2"), out_channels, out_channels, 3);
    if (in_channels != out_channels)
        block.conv_shortcut_.load(w, key(prefix, "conv_shortcut"), in_channels, out_channels, 1);
    return block;
}

void ResnetBlock2D::add_time_embedding(at::Tensor& h, const at::Tensor& temb) const {
    if (temb_channels_ <= 0) return;
    if (!temb.defined()) throw std::invalid_argument("ResnetBlock2D: this block needs a time embedding");
    h.add_(time_emb_proj_(at::silu(temb)).unsqueeze(-1).unsqueeze(-1));
}

at::Tensor ResnetBlock2D::forward(const at::Tensor& x, const at::Tensor& temb) const {
    // Each norm + SiLU is fused into the convolution after it (Conv2d::after_norm_silu), and the adds
    // are in place: at most three activations of this size are alive at once.
    at::Tensor h = conv1_.after_norm_silu(x, norm1_);
    add_time_embedding(h, temb);
    h = conv2_.after_norm_silu(h, norm2_);
    // diffusers: (input_tensor + hidden_states) / output_scale_factor, with the factor 1.
    h.add_(conv_shortcut_.weight.defined() ? conv_shortcut_(x) : x);
    return h;
}

namespace {

// Nothing but this handle can see x's memory, so it may be overwritten; and no gradient is being
// recorded (autograd may have saved x for a backward pass).
bool exclusively_owned(const at::Tensor& x) {
    return !at::GradMode::is_enabled() && x.defined() && x.use_count() == 1 && x.storage().use_count() == 1 &&
           x.is_contiguous();
}

}  // namespace

at::Tensor ResnetBlock2D::forward_reusing(at::Tensor x, const at::Tensor& temb) const {
    if (!exclusively_owned(x)) return forward(x, temb);
    at::Tensor h = conv1_.after_norm_silu(x, norm1_);
    add_time_embedding(h, temb);
    // x is read for the last time here: the residual (x itself, or the shortcut computed into x's
    // memory where it narrows the channels) is what conv2 then adds into.
    at::Tensor sum = x;
    if (conv_shortcut_.weight.defined())
        sum = conv_shortcut_.runs_in_place(x) ? conv_shortcut_.in_place(x) : conv_shortcut_(x);
    x.reset();
    conv2_.after_norm_silu(h, norm2_, sum);
    h.reset();
    // A shortcut computed in place leaves the sum in the first channels of x's wider memory: copied
    // out compactly now that h is gone, so that the wider buffer is not carried on.
    if (sum.storage().nbytes() > static_cast<size_t>(sum.numel()) * sum.element_size())
        return sum.clone(at::MemoryFormat::Contiguous);
    return sum;
}

Downsample2D Downsample2D::load(const WeightMap& w, const std::string& prefix, int64_t channels,
                                int64_t out_channels, int64_t padding) {
    Downsample2D down;
    down.conv_.load(w, key(prefix, "conv"), channels, out_channels, 3, 2, padding);
    down.pad_right_bottom_ = padding == 0;
    return down;
}

at::Tensor Downsample2D::forward(const at::Tensor& x) const {
    if (!pad_right_bottom_) return conv_(x);
    return conv_(at::constant_pad_nd(x, {0, 1, 0, 1}, 0.0));
}

Upsample2D Upsample2D::load(const WeightMap& w, const std::string& prefix, int64_t channels,
                            int64_t out_channels) {
    Upsample2D up;
    up.conv_.load(w, key(prefix, "conv"), channels, out_channels, 3);
    return up;
}

at::Tensor Upsample2D::forward(const at::Tensor& x, int64_t out_h, int64_t out_w) const {
    const int64_t h = out_h > 0 ? out_h : 2 * x.size(-2);
    const int64_t w = out_w > 0 ? out_w : 2 * x.size(-1);
    if (h == 2 * x.size(-2) && w == 2 * x.size(-1)) return conv_.after_upsample_2x(x);
    return conv_(at::upsample_nearest2d(x, {h, w}));
}

}  // namespace ds
