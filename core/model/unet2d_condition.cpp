#include "core/model/unet2d_condition.h"

#include <ATen/ATen.h>

#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/model/layers.h"
#include "core/model/resnet_block.h"
#include "core/model/timestep_embedding.h"
#include "core/model/transformer_2d.h"

namespace ds {
namespace {

// Resnets each followed by an optional spatial transformer: the common body of diffusers'
// (CrossAttn)DownBlock2D, (CrossAttn)UpBlock2D.
struct Stage {
    std::vector<ResnetBlock2D> resnets;
    std::vector<Transformer2D> attentions;  // empty, or one per resnet
    std::optional<Downsample2D> downsampler;
    std::optional<Upsample2D> upsampler;
};

// The mid block: resnet, transformer, resnet (UNetMidBlock2DCrossAttn with one transformer).
struct MidBlock {
    ResnetBlock2D resnet_in, resnet_out;
    std::vector<Transformer2D> attentions;
};

Transformer2DOptions transformer_options(const UNetConfig& c, size_t block, int64_t channels) {
    Transformer2DOptions o;
    o.channels = channels;
    o.heads = c.heads(block);
    o.head_dim = channels / o.heads;  // diffusers: out_channels // num_attention_heads
    o.layers = c.transformer_layers(block);
    o.context_dim = c.cross_dim(block);
    o.norm_groups = c.norm_num_groups;
    o.linear_projection = c.use_linear_projection;
    return o;
}

}  // namespace

struct UNet2DCondition::Impl {
    UNetConfig config;
    Conv2d conv_in;
    TimestepEmbedding time_embedding;
    std::vector<Stage> down;
    std::optional<MidBlock> mid;
    std::vector<Stage> up;
    GroupNorm conv_norm_out;
    Conv2d conv_out;
};

UNet2DCondition UNet2DCondition::load(const UNetConfig& config, const WeightMap& w, const std::string& prefix) {
    config.validate();
    auto impl = std::make_shared<Impl>();
    impl->config = config;
    const UNetConfig& c = impl->config;
    const size_t n = c.num_blocks();
    const auto& ch = c.block_out_channels;
    const int64_t temb = c.time_embed_dim();
    const int64_t groups = c.norm_num_groups;
    const double eps = c.norm_eps;
    auto name = [&](const std::string& rest) { return key(prefix, rest); };

    impl->conv_in.load(w, name("conv_in"), c.in_channels, ch[0], c.conv_in_kernel);
    impl->time_embedding.load(w, name("time_embedding"), ch[0], temb);

    int64_t channels = ch[0];
    for (size_t i = 0; i < n; ++i) {
        const std::string block = key(name("down_blocks"), static_cast<int>(i));
        Stage stage;
        const int64_t out = ch[i];
        for (int64_t j = 0; j < c.layers(i); ++j) {
            const int jj = static_cast<int>(j);
            stage.resnets.push_back(ResnetBlock2D::load(w, key(key(block, "resnets"), jj), j == 0 ? channels : out, out,
                                                        temb, groups, eps));
            if (c.down_has_attention(i)) {
                stage.attentions.emplace_back();
                stage.attentions.back().load(w, key(key(block, "attentions"), jj), transformer_options(c, i, out));
            }
        }
        if (i + 1 < n) {
            stage.downsampler = Downsample2D::load(w, key(block, "downsamplers.0"), out, out, c.downsample_padding);
        }
        impl->down.push_back(std::move(stage));
        channels = out;
    }

    if (!c.mid_block_type.empty()) {
        const size_t last = n - 1;
        const std::string block = name("mid_block");
        MidBlock mid{ResnetBlock2D::load(w, key(block, "resnets.0"), ch[last], ch[last], temb, groups, eps),
                     ResnetBlock2D::load(w, key(block, "resnets.1"), ch[last], ch[last], temb, groups, eps),
                     {}};
        mid.attentions.emplace_back();
        mid.attentions.back().load(w, key(block, "attentions.0"), transformer_options(c, last, ch[last]));
        impl->mid = std::move(mid);
    }

    // Up block i mirrors down block n-1-i; its resnet j concatenates one skip connection, whose width
    // is the block's own channels except for the last resnet, which takes the next-shallower block's.
    int64_t prev = ch[n - 1];
    for (size_t i = 0; i < n; ++i) {
        const size_t mirror = n - 1 - i;
        const std::string block = key(name("up_blocks"), static_cast<int>(i));
        const int64_t out = ch[mirror];
        const int64_t shallower = ch[mirror == 0 ? 0 : mirror - 1];
        const int64_t count = c.layers(mirror) + 1;
        Stage stage;
        for (int64_t j = 0; j < count; ++j) {
            const int jj = static_cast<int>(j);
            const int64_t skip = j == count - 1 ? shallower : out;
            const int64_t in = (j == 0 ? prev : out) + skip;
            stage.resnets.push_back(ResnetBlock2D::load(w, key(key(block, "resnets"), jj), in, out, temb, groups, eps));
            if (c.up_has_attention(i)) {
                stage.attentions.emplace_back();
                stage.attentions.back().load(w, key(key(block, "attentions"), jj), transformer_options(c, mirror, out));
            }
        }
        if (i + 1 < n) stage.upsampler = Upsample2D::load(w, key(block, "upsamplers.0"), out, out);
        impl->up.push_back(std::move(stage));
        prev = out;
    }

    impl->conv_norm_out.load(w, name("conv_norm_out"), ch[0], groups, eps);
    impl->conv_out.load(w, name("conv_out"), ch[0], c.out_channels, c.conv_out_kernel);
    w.check("UNet", prefix);

    UNet2DCondition unet;
    unet.impl_ = std::move(impl);
    return unet;
}

const UNetConfig& UNet2DCondition::config() const { return impl_->config; }

at::Tensor UNet2DCondition::time_embedding(const at::Tensor& timesteps) const {
    const UNetConfig& c = impl_->config;
    const at::Tensor proj =
        timestep_sinusoidal_embedding(timesteps, c.block_out_channels[0], c.flip_sin_to_cos, c.freq_shift);
    return impl_->time_embedding(proj.to(impl_->conv_in.weight.scalar_type()));
}

at::Tensor UNet2DCondition::forward(const at::Tensor& sample_in, const at::Tensor& timesteps,
                                    const at::Tensor& context_in) const {
    const Impl& m = *impl_;
    const UNetConfig& c = m.config;
    if (sample_in.dim() != 4 || sample_in.size(1) != c.in_channels) {
        throw std::invalid_argument("UNet: sample must be [B, " + std::to_string(c.in_channels) + ", H, W], got " +
                                    shape_string(sample_in.sizes()));
    }
    const int64_t batch = sample_in.size(0);
    if (context_in.dim() != 3 || context_in.size(0) != batch) {
        throw std::invalid_argument("UNet: encoder_hidden_states must be [" + std::to_string(batch) +
                                    ", L, dim], got " + shape_string(context_in.sizes()));
    }
    for (size_t i = 0; i < c.num_blocks(); ++i) {
        if (context_in.size(2) != c.cross_dim(i)) {
            throw std::invalid_argument("UNet: encoder_hidden_states width is " + std::to_string(context_in.size(2)) +
                                        ", the model's cross_attention_dim is " + std::to_string(c.cross_dim(i)));
        }
    }
    if (timesteps.dim() > 1 || (timesteps.dim() == 1 && timesteps.size(0) != 1 && timesteps.size(0) != batch)) {
        throw std::invalid_argument("UNet: timesteps must be a scalar or have one entry per sample, got " +
                                    shape_string(timesteps.sizes()));
    }
    // No NoGradGuard here: training differentiates through forward(); inference callers hold one.
    // The weights' type (float32, or fp16/bf16 on CUDA) inside; float32 out, so that the samplers'
    // schedule arithmetic stays in float32 whatever the weights are.
    const at::ScalarType dtype = m.conv_in.weight.scalar_type();
    at::Tensor sample = sample_in.to(dtype);
    const at::Tensor context = context_in.to(sample.device(), dtype);
    // diffusers broadcasts a scalar timestep to the batch before embedding it.
    const at::Tensor t = timesteps.to(sample.device()).reshape({-1}).expand({batch});
    const at::Tensor emb = time_embedding(t);

    if (c.center_input_sample) sample = 2 * sample - 1.0;
    sample = m.conv_in(sample);

    std::vector<at::Tensor> skips{sample};
    for (const Stage& stage : m.down) {
        for (size_t j = 0; j < stage.resnets.size(); ++j) {
            sample = stage.resnets[j].forward(sample, emb);
            if (!stage.attentions.empty()) sample = stage.attentions[j](sample, context);
            skips.push_back(sample);
        }
        if (stage.downsampler) {
            sample = stage.downsampler->forward(sample);
            skips.push_back(sample);
        }
    }

    if (m.mid) {
        sample = m.mid->resnet_in.forward(sample, emb);
        sample = m.mid->attentions[0](sample, context);
        sample = m.mid->resnet_out.forward(sample, emb);
    }

    for (const Stage& stage : m.up) {
        for (size_t j = 0; j < stage.resnets.size(); ++j) {
            sample = at::cat({sample, skips.back()}, 1);
            skips.pop_back();
            // The concatenation is this block's alone: its shortcut and sum may overwrite it.
            sample = stage.resnets[j].forward_reusing(std::move(sample), emb);
            if (!stage.attentions.empty()) sample = stage.attentions[j](sample, context);
        }
        // Upsample to the next skip's size: 2x, except after a downsampling of an odd size.
        if (stage.upsampler) sample = stage.upsampler->forward(sample, skips.back().size(2), skips.back().size(3));
    }

    sample = at::silu(m.conv_norm_out(sample));
    return m.conv_out(sample).to(at::kFloat);
}

}  // namespace ds
