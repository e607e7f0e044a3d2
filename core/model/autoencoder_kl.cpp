#include "core/model/autoencoder_kl.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/model/layers.h"
#include "core/model/resnet_block.h"

namespace ds {
namespace {

// A [C, C] projection stored either as Linear weights or as a 1x1 conv [C, C, 1, 1] (some
// converted checkpoints keep the original LDM's conv form).
Linear load_projection(const WeightMap& w, const std::string& prefix, int64_t channels) {
    Linear linear;
    const auto it = w.tensors().find(key(prefix, "weight"));
    if (it != w.tensors().end() && it->second.dim() == 4) {
        linear.weight = w.get(key(prefix, "weight"), {channels, channels, 1, 1});
        if (linear.weight.defined()) linear.weight = linear.weight.reshape({channels, channels});
        linear.bias = w.get(key(prefix, "bias"), {channels});
    } else {
        linear.load(w, prefix, channels, channels);
    }
    return linear;
}

// The VAE mid-block self-attention (diffusers Attention built from the deprecated AttentionBlock:
// one head of dimension C over the H*W positions, GroupNorm first, residual added, no rescale).
struct MidAttention {
    GroupNorm norm;
    Linear to_q, to_k, to_v, to_out;

    void load(const WeightMap& w, const std::string& prefix, int64_t channels, int64_t groups, double eps) {
        // diffusers < 0.14 named the projections query/key/value/proj_attn.
        const bool legacy =
            !w.contains(key(prefix, "to_q.weight")) && w.contains(key(prefix, "query.weight"));
        norm.load(w, key(prefix, "group_norm"), channels, groups, eps);
        to_q = load_projection(w, key(prefix, legacy ? "query" : "to_q"), channels);
        to_k = load_projection(w, key(prefix, legacy ? "key" : "to_k"), channels);
        to_v = load_projection(w, key(prefix, legacy ? "value" : "to_v"), channels);
        to_out = load_projection(w, key(prefix, legacy ? "proj_attn" : "to_out.0"), channels);
    }

    at::Tensor forward(const at::Tensor& x) const {
        const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        const at::Tensor tokens = norm(x).view({b, c, h * w}).transpose(1, 2);  // [B, HW, C]
        const at::Tensor q = to_q(tokens).unsqueeze(1);                         // [B, 1, HW, C]
        const at::Tensor k = to_k(tokens).unsqueeze(1);
        const at::Tensor v = to_v(tokens).unsqueeze(1);
        const double scale = 1.0 / std::sqrt(static_cast<double>(c));
        at::Tensor out = to_out(scaled_dot_product_attention(q, k, v, scale).squeeze(1));
        out = out.transpose(1, 2).reshape({b, c, h, w});
        return out.add_(x);
    }
};

// UNetMidBlock2D without time embedding: resnet, (attention), resnet.
struct MidBlock {
    ResnetBlock2D first, second;
    MidAttention attention;
    bool has_attention = true;

    void load(const WeightMap& w, const std::string& prefix, int64_t channels,
              const AutoencoderConfig& config) {
        const int64_t groups = config.norm_num_groups;
        first =
            ResnetBlock2D::load(w, key(prefix, "resnets.0"), channels, channels, 0, groups, config.norm_eps);
        has_attention = config.mid_block_add_attention;
        if (has_attention) attention.load(w, key(prefix, "attentions.0"), channels, groups, config.norm_eps);
        second =
            ResnetBlock2D::load(w, key(prefix, "resnets.1"), channels, channels, 0, groups, config.norm_eps);
    }

    at::Tensor forward(const at::Tensor& x) const {
        at::Tensor h = first.forward(x);
        if (has_attention) h = attention.forward(h);
        return second.forward_reusing(std::move(h));
    }
};

struct Encoder {
    Conv2d conv_in;
    std::vector<std::vector<ResnetBlock2D>> levels;  // DownEncoderBlock2D resnets
    std::vector<Downsample2D> downsamplers;          // after every level but the last
    MidBlock mid;
    GroupNorm norm_out;
    Conv2d conv_out;

    void load(const WeightMap& w, const std::string& prefix, const AutoencoderConfig& config) {
        const auto& channels = config.block_out_channels;
        const int64_t groups = config.norm_num_groups;
        const double eps = config.norm_eps;
        conv_in.load(w, key(prefix, "conv_in"), config.in_channels, channels.front(), 3);
        int64_t in = channels.front();
        for (size_t i = 0; i < channels.size(); ++i) {
            const std::string block = key(key(prefix, "down_blocks"), static_cast<int>(i));
            const int64_t out = channels[i];
            std::vector<ResnetBlock2D> resnets;
            for (int64_t j = 0; j < config.layers_per_block; ++j) {
                resnets.push_back(ResnetBlock2D::load(w, key(key(block, "resnets"), static_cast<int>(j)),
                                                      j == 0 ? in : out, out, 0, groups, eps));
            }
            levels.push_back(std::move(resnets));
            if (i + 1 < channels.size()) {
                downsamplers.push_back(Downsample2D::load(w, key(block, "downsamplers.0"), out, out, 0));
            }
            in = out;
        }
        mid.load(w, key(prefix, "mid_block"), channels.back(), config);
        norm_out.load(w, key(prefix, "conv_norm_out"), channels.back(), groups, eps);
        // double_z: the encoder outputs mean and log-variance.
        conv_out.load(w, key(prefix, "conv_out"), channels.back(), 2 * config.latent_channels, 3);
    }

    at::Tensor forward(const at::Tensor& x) const {
        at::Tensor h = conv_in(x);
        for (size_t i = 0; i < levels.size(); ++i) {
            for (const auto& resnet : levels[i]) h = resnet.forward_reusing(std::move(h));
            if (i < downsamplers.size()) h = downsamplers[i].forward(h);
        }
        h = mid.forward(h);
        h = norm_out(h);
        at::silu_(h);
        return conv_out(h);
    }
};

struct Decoder {
    Conv2d conv_in;
    MidBlock mid;
    std::vector<std::vector<ResnetBlock2D>> levels;  // UpDecoderBlock2D resnets, deepest level first
    std::vector<Upsample2D> upsamplers;              // after every level but the last
    GroupNorm norm_out;
    Conv2d conv_out;

    void load(const WeightMap& w, const std::string& prefix, const AutoencoderConfig& config) {
        const std::vector<int64_t> reversed(config.block_out_channels.rbegin(),
                                            config.block_out_channels.rend());
        const int64_t groups = config.norm_num_groups;
        const double eps = config.norm_eps;
        conv_in.load(w, key(prefix, "conv_in"), config.latent_channels, reversed.front(), 3);
        mid.load(w, key(prefix, "mid_block"), reversed.front(), config);
        int64_t in = reversed.front();
        for (size_t i = 0; i < reversed.size(); ++i) {
            const std::string block = key(key(prefix, "up_blocks"), static_cast<int>(i));
            const int64_t out = reversed[i];
            std::vector<ResnetBlock2D> resnets;
            for (int64_t j = 0; j <= config.layers_per_block; ++j) {
                resnets.push_back(ResnetBlock2D::load(w, key(key(block, "resnets"), static_cast<int>(j)),
                                                      j == 0 ? in : out, out, 0, groups, eps));
            }
            levels.push_back(std::move(resnets));
            if (i + 1 < reversed.size())
                upsamplers.push_back(Upsample2D::load(w, key(block, "upsamplers.0"), out, out));
            in = out;
        }
        norm_out.load(w, key(prefix, "conv_norm_out"), reversed.back(), groups, eps);
        conv_out.load(w, key(prefix, "conv_out"), reversed.back(), config.out_channels, 3);
    }

    // conv_in and the mid block: everything at latent resolution.
    at::Tensor latent_stage(const at::Tensor& z) const { return mid.forward(conv_in(z)); }

    // The upsampling levels and the output head.
    at::Tensor upsampling_stage(const at::Tensor& x) const {
        at::Tensor h = x;
        for (size_t i = 0; i < levels.size(); ++i) {
            for (const auto& resnet : levels[i]) h = resnet.forward_reusing(std::move(h));
            if (i < upsamplers.size()) h = upsamplers[i].forward(h);
        }
        h = norm_out(h);
        at::silu_(h);
        return conv_out(h);
    }
};

// The tiles along one axis of length `length`: windows [starts[i], starts[i] + size) overlapping
// their neighbours by at least `overlap`, as few as that allows, spread evenly so that the overlaps
// are near-equal (a latent that is no multiple of the tile just overlaps more).
struct TileAxis {
    int64_t size = 0;
    std::vector<int64_t> starts;

    TileAxis(int64_t length, int64_t tile, int64_t overlap) : size(std::min(tile, length)) {
        if (length <= tile) {
            starts = {0};
            return;
        }
        const int64_t stride = tile - overlap;
        const int64_t count = 1 + (length - tile + stride - 1) / stride;
        for (int64_t i = 0; i < count; ++i)
            starts.push_back((i * (length - tile) + (count - 1) / 2) / (count - 1));
    }

    // Window i's blend weights at `scale` pixels per latent pixel ([size * scale]): a linear ramp up
    // across the overlap with window i - 1, down across the overlap with window i + 1, 1 elsewhere.
    // Two overlapping windows' weights sum to 1 there: a cross-fade instead of a visible seam.
    at::Tensor weights(size_t i, int64_t scale, const at::TensorOptions& options) const {
        const int64_t n = size * scale;
        const int64_t left = i > 0 ? (starts[i - 1] + size - starts[i]) * scale : 0;
        const int64_t right = i + 1 < starts.size() ? (starts[i] + size - starts[i + 1]) * scale : 0;
        const at::Tensor centres = at::arange(n, options).add_(0.5);
        at::Tensor w = at::ones({n}, options);
        if (left > 0) w = at::minimum(w, centres / static_cast<double>(left));
        if (right > 0) w = at::minimum(w, (static_cast<double>(n) - centres) / static_cast<double>(right));
        return w;
    }
};

}  // namespace

at::Tensor EncoderOutput::sample(const at::Tensor& eps) const {
    if (!eps.sizes().equals(mean.sizes())) {
        throw std::invalid_argument("VAE latent sample: eps is " + shape_string(eps.sizes()) + ", expected " +
                                    shape_string(mean.sizes()));
    }
    return mean + std * eps.to(mean.options());
}

struct AutoencoderKL::Impl {
    AutoencoderConfig config;
    Encoder encoder;
    Decoder decoder;
    Conv2d quant_conv, post_quant_conv;

    // The weights' type: float32, or fp16/bf16 on CUDA. Inputs are cast to it, outputs back to float32.
    at::ScalarType dtype() const { return decoder.conv_in.weight.scalar_type(); }

    at::Tensor latent_stage(const at::Tensor& z) const {
        const at::Tensor x = z.to(dtype());
        return decoder.latent_stage(config.use_post_quant_conv ? post_quant_conv(x) : x);
    }
};

AutoencoderKL AutoencoderKL::load(const AutoencoderConfig& config, const WeightMap& weights,
                                  const std::string& prefix) {
    config.validate();
    auto impl = std::make_shared<Impl>();
    impl->config = config;
    impl->encoder.load(weights, key(prefix, "encoder"), config);
    impl->decoder.load(weights, key(prefix, "decoder"), config);
    const int64_t latent = config.latent_channels;
    if (config.use_quant_conv)
        impl->quant_conv.load(weights, key(prefix, "quant_conv"), 2 * latent, 2 * latent, 1);
    if (config.use_post_quant_conv)
        impl->post_quant_conv.load(weights, key(prefix, "post_quant_conv"), latent, latent, 1);
    weights.check("VAE", prefix);
    AutoencoderKL vae;
    vae.impl_ = std::move(impl);
    return vae;
}

const AutoencoderConfig& AutoencoderKL::config() const { return impl_->config; }

EncoderOutput AutoencoderKL::encode(const at::Tensor& image) const {
    const AutoencoderConfig& config = impl_->config;
    const int64_t factor = config.downsample_factor();
    if (!image.defined() || image.dim() != 4 || image.size(1) != config.in_channels || image.numel() == 0 ||
        image.size(2) % factor != 0 || image.size(3) % factor != 0 ||
        !at::isFloatingType(image.scalar_type())) {
        throw std::invalid_argument(
            "VAE encode: expected a float image [B, " + std::to_string(config.in_channels) +
            ", H, W] with H and W multiples of " + std::to_string(factor) + ", got " +
            (image.defined() ? shape_string(image.sizes()) : std::string("no tensor")));
    }
    at::Tensor moments = impl_->encoder.forward(image.to(impl_->dtype()));
    if (config.use_quant_conv) moments = impl_->quant_conv(moments);
    moments = moments.to(at::kFloat);
    EncoderOutput out;
    out.moments = moments;
    const std::vector<at::Tensor> halves = moments.chunk(2, 1);
    out.mean = halves[0];
    out.logvar = at::clamp(halves[1], -30.0, 20.0);
    out.std = at::exp(out.logvar * 0.5);
    return out;
}

namespace {

void check_latent(const at::Tensor& z, const AutoencoderConfig& config, const char* what) {
    if (!z.defined() || z.dim() != 4 || z.size(1) != config.latent_channels || z.numel() == 0 ||
        !at::isFloatingType(z.scalar_type())) {
        throw std::invalid_argument(std::string(what) + ": expected a float latent [B, " +
                                    std::to_string(config.latent_channels) + ", h, w], got " +
                                    (z.defined() ? shape_string(z.sizes()) : std::string("no tensor")));
    }
}

}  // namespace

at::Tensor AutoencoderKL::decode(const at::Tensor& z) const {
    check_latent(z, impl_->config, "VAE decode");
    return impl_->decoder.upsampling_stage(impl_->latent_stage(z)).to(at::kFloat);
}

at::Tensor AutoencoderKL::decode_tiled(const at::Tensor& z, int64_t tile, int64_t overlap) const {
    check_latent(z, impl_->config, "VAE tiled decode");
    if (tile < 1 || overlap < 0 || overlap >= tile) {
        throw std::invalid_argument("VAE tiled decode: need tile >= 1 and 0 <= overlap < tile, got tile " +
                                    std::to_string(tile) + ", overlap " + std::to_string(overlap));
    }
    const int64_t height = z.size(2), width = z.size(3);
    if (height <= tile && width <= tile) return decode(z);

    const at::Tensor h = impl_->latent_stage(z);
    const int64_t f = impl_->config.downsample_factor();
    const TileAxis rows(height, tile, overlap), cols(width, tile, overlap);
    const at::TensorOptions options = h.options().dtype(at::kFloat);  // the blend sums in float32
    at::Tensor sum = at::zeros({z.size(0), impl_->config.out_channels, height * f, width * f}, options);
    at::Tensor weight_sum = at::zeros({height * f, width * f}, options);
    for (size_t iy = 0; iy < rows.starts.size(); ++iy) {
        const int64_t y = rows.starts[iy];
        const at::Tensor wy = rows.weights(iy, f, options).unsqueeze(1);
        for (size_t ix = 0; ix < cols.starts.size(); ++ix) {
            const int64_t x = cols.starts[ix];
            const at::Tensor w =
                wy * cols.weights(ix, f, options).unsqueeze(0);  // [rows.size * f, cols.size * f]
            const at::Tensor pixels =
                impl_->decoder.upsampling_stage(h.narrow(2, y, rows.size).narrow(3, x, cols.size));
            sum.narrow(2, y * f, rows.size * f).narrow(3, x * f, cols.size * f).add_(pixels.to(at::kFloat) * w);
            weight_sum.narrow(0, y * f, rows.size * f).narrow(1, x * f, cols.size * f).add_(w);
        }
    }
    return sum.div_(weight_sum);
}

}  // namespace ds
