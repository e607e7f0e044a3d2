#include "core/perf/arch_walk.h"

#include <utility>

namespace ds::perf {
namespace {

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }
std::string join(const std::string& a, size_t i) { return join(a, std::to_string(i)); }

struct Size {
    int64_t h = 0, w = 0;
    int64_t pixels() const { return h * w; }
};

// Records weights in the loaders' order and, while `counting`, the FLOPs of the forward pass.
class Walker {
public:
    explicit Walker(int64_t batch) : batch_(batch) {}

    bool counting = true;
    ArchWalk result;

    void param(const std::string& name, std::vector<int64_t> shape) { result.weights.push_back({name, std::move(shape)}); }

    // Returns the output size (diffusers' Conv2d: (in + 2p - k) / s + 1).
    Size conv(const std::string& prefix, int64_t in, int64_t out, int64_t k, Size at, int64_t stride = 1,
              int64_t padding = -1) {
        if (padding < 0) padding = k / 2;
        param(join(prefix, "weight"), {out, in, k, k});
        param(join(prefix, "bias"), {out});
        const Size o{(at.h + 2 * padding - k) / stride + 1, (at.w + 2 * padding - k) / stride + 1};
        if (counting) result.flops.conv += 2.0 * out * in * k * k * o.pixels() * batch_;
        return o;
    }
    // `tokens` per image.
    void linear(const std::string& prefix, int64_t in, int64_t out, int64_t tokens, bool bias = true) {
        param(join(prefix, "weight"), {out, in});
        if (bias) param(join(prefix, "bias"), {out});
        if (counting) result.flops.linear += 2.0 * in * out * tokens * batch_;
    }
    void norm(const std::string& prefix, int64_t channels) {
        param(join(prefix, "weight"), {channels});
        param(join(prefix, "bias"), {channels});
    }
    void attention(int64_t heads, int64_t lq, int64_t lk, int64_t head_dim) {
        if (counting) result.flops.attention += 2.0 * 2.0 * static_cast<double>(lq) * lk * head_dim * heads * batch_;
    }

    // ResnetBlock2D::load / forward (temb 0: the VAE's, without time_emb_proj).
    void resnet(const std::string& p, int64_t in, int64_t out, int64_t temb, Size at) {
        norm(join(p, "norm1"), in);
        conv(join(p, "conv1"), in, out, 3, at);
        if (temb > 0) linear(join(p, "time_emb_proj"), temb, out, 1);
        norm(join(p, "norm2"), out);
        conv(join(p, "conv2"), out, out, 3, at);
        if (in != out) conv(join(p, "conv_shortcut"), in, out, 1, at);
    }

    // diffusers' Attention with to_q/to_k/to_v (bias-free in the UNet) and to_out.0.
    void cross_attention(const std::string& p, int64_t query_dim, int64_t context_dim, int64_t heads, int64_t head_dim,
                         int64_t lq, int64_t lk, bool qkv_bias) {
        const int64_t inner = heads * head_dim;
        linear(join(p, "to_q"), query_dim, inner, lq, qkv_bias);
        linear(join(p, "to_k"), context_dim, inner, lk, qkv_bias);
        linear(join(p, "to_v"), context_dim, inner, lk, qkv_bias);
        attention(heads, lq, lk, head_dim);
        linear(join(p, "to_out.0"), inner, query_dim, lq);
    }

    // Transformer2D::load / forward with SD's options: inner width = channels.
    void transformer(const std::string& p, const UNetConfig& c, size_t block, int64_t channels, Size at,
                     int64_t context_length) {
        const int64_t heads = c.heads(block);
        const int64_t head_dim = channels / heads;
        const int64_t inner = heads * head_dim;
        const int64_t tokens = at.pixels();
        norm(join(p, "norm"), channels);
        if (c.use_linear_projection) {
            linear(join(p, "proj_in"), channels, inner, tokens);
        } else {
            conv(join(p, "proj_in"), channels, inner, 1, at);
        }
        for (int64_t i = 0; i < c.transformer_layers(block); ++i) {
            const std::string b = join(join(p, "transformer_blocks"), static_cast<size_t>(i));
            norm(join(b, "norm1"), inner);
            cross_attention(join(b, "attn1"), inner, inner, heads, head_dim, tokens, tokens, false);
            norm(join(b, "norm2"), inner);
            cross_attention(join(b, "attn2"), inner, c.cross_dim(block), heads, head_dim, tokens, context_length,
                            false);
            norm(join(b, "norm3"), inner);
            linear(join(b, "ff.net.0.proj"), inner, 2 * 4 * inner, tokens);  // GEGLU: value and gate
            linear(join(b, "ff.net.2"), 4 * inner, inner, tokens);
        }
        if (c.use_linear_projection) {
            linear(join(p, "proj_out"), inner, channels, tokens);
        } else {
            conv(join(p, "proj_out"), inner, channels, 1, at);
        }
    }

private:
    int64_t batch_;
};

}  // namespace

int64_t ArchWalk::parameters() const {
    int64_t total = 0;
    for (const WeightShape& w : weights) {
        int64_t n = 1;
        for (int64_t d : w.shape) n *= d;
        total += n;
    }
    return total;
}

ArchWalk walk_unet(const UNetConfig& c, int64_t batch, int64_t height, int64_t width, int64_t context_length) {
    c.validate();
    Walker k(batch);
    const auto& ch = c.block_out_channels;
    const size_t n = c.num_blocks();
    const int64_t temb = c.time_embed_dim();

    Size at = k.conv("conv_in", c.in_channels, ch[0], c.conv_in_kernel, {height, width});
    k.linear("time_embedding.linear_1", ch[0], temb, 1);
    k.linear("time_embedding.linear_2", temb, temb, 1);

    std::vector<std::pair<int64_t, Size>> skips{{ch[0], at}};  // channels and size of each skip
    int64_t channels = ch[0];
    for (size_t i = 0; i < n; ++i) {
        const std::string block = join("down_blocks", i);
        const int64_t out = ch[i];
        for (int64_t j = 0; j < c.layers(i); ++j) {
            k.resnet(join(join(block, "resnets"), static_cast<size_t>(j)), j == 0 ? channels : out, out, temb, at);
            if (c.down_has_attention(i)) {
                k.transformer(join(join(block, "attentions"), static_cast<size_t>(j)), c, i, out, at, context_length);
            }
            skips.push_back({out, at});
        }
        if (i + 1 < n) {
            at = k.conv(join(block, "downsamplers.0.conv"), out, out, 3, at, 2, c.downsample_padding);
            skips.push_back({out, at});
        }
        channels = out;
    }

    if (!c.mid_block_type.empty()) {
        const size_t last = n - 1;
        k.resnet("mid_block.resnets.0", ch[last], ch[last], temb, at);
        k.resnet("mid_block.resnets.1", ch[last], ch[last], temb, at);
        k.transformer("mid_block.attentions.0", c, last, ch[last], at, context_length);
    }

    // The loader's order within each up block: resnet j, attention j; then the upsampler.
    int64_t prev = ch[n - 1];
    for (size_t i = 0; i < n; ++i) {
        const size_t mirror = n - 1 - i;
        const std::string block = join("up_blocks", i);
        const int64_t out = ch[mirror];
        const int64_t count = c.layers(mirror) + 1;
        for (int64_t j = 0; j < count; ++j) {
            const int64_t skip = skips.back().first;
            skips.pop_back();
            const int64_t in = (j == 0 ? prev : out) + skip;
            k.resnet(join(join(block, "resnets"), static_cast<size_t>(j)), in, out, temb, at);
            if (c.up_has_attention(i)) {
                k.transformer(join(join(block, "attentions"), static_cast<size_t>(j)), c, mirror, out, at,
                              context_length);
            }
        }
        if (i + 1 < n) {
            // Upsample to the next skip's size, then a 3x3 conv.
            at = skips.back().second;
            k.conv(join(block, "upsamplers.0.conv"), out, out, 3, at);
        }
        prev = out;
    }
    k.norm("conv_norm_out", ch[0]);
    k.conv("conv_out", ch[0], c.out_channels, c.conv_out_kernel, at);
    return k.result;
}

ArchWalk walk_vae_decode(const AutoencoderConfig& c, int64_t batch, int64_t height, int64_t width) {
    c.validate();
    Walker k(batch);
    const auto& ch = c.block_out_channels;
    const int64_t latent = c.latent_channels;

    // The VAE mid block: resnet, single-head self-attention over all positions (biased q/k/v), resnet.
    auto mid_block = [&](const std::string& p, int64_t channels, Size at) {
        k.resnet(join(p, "resnets.0"), channels, channels, 0, at);
        if (c.mid_block_add_attention) {
            const std::string a = join(p, "attentions.0");
            k.norm(join(a, "group_norm"), channels);
            k.cross_attention(a, channels, channels, 1, channels, at.pixels(), at.pixels(), true);
        }
        k.resnet(join(p, "resnets.1"), channels, channels, 0, at);
    };

    // Encoder: weights only (decode() does not run it). Sizes are nominal.
    k.counting = false;
    Size at{height * c.downsample_factor(), width * c.downsample_factor()};
    at = k.conv("encoder.conv_in", c.in_channels, ch.front(), 3, at);
    int64_t in = ch.front();
    for (size_t i = 0; i < ch.size(); ++i) {
        const std::string block = join("encoder.down_blocks", i);
        for (int64_t j = 0; j < c.layers_per_block; ++j) {
            k.resnet(join(join(block, "resnets"), static_cast<size_t>(j)), j == 0 ? in : ch[i], ch[i], 0, at);
        }
        if (i + 1 < ch.size()) at = k.conv(join(block, "downsamplers.0.conv"), ch[i], ch[i], 3, at, 2, 0);
        in = ch[i];
    }
    mid_block("encoder.mid_block", ch.back(), at);
    k.norm("encoder.conv_norm_out", ch.back());
    k.conv("encoder.conv_out", ch.back(), 2 * latent, 3, at);

    // Decoder, as AutoencoderKL::load orders it: decoder.*, then quant_conv and post_quant_conv.
    k.counting = true;
    at = {height, width};
    const std::vector<int64_t> reversed(ch.rbegin(), ch.rend());
    k.conv("decoder.conv_in", latent, reversed.front(), 3, at);
    mid_block("decoder.mid_block", reversed.front(), at);
    in = reversed.front();
    for (size_t i = 0; i < reversed.size(); ++i) {
        const std::string block = join("decoder.up_blocks", i);
        for (int64_t j = 0; j <= c.layers_per_block; ++j) {
            k.resnet(join(join(block, "resnets"), static_cast<size_t>(j)), j == 0 ? in : reversed[i], reversed[i], 0,
                     at);
        }
        if (i + 1 < reversed.size()) {
            at = {2 * at.h, 2 * at.w};
            k.conv(join(block, "upsamplers.0.conv"), reversed[i], reversed[i], 3, at);
        }
        in = reversed[i];
    }
    k.norm("decoder.conv_norm_out", reversed.back());
    k.conv("decoder.conv_out", reversed.back(), c.out_channels, 3, at);
    if (c.use_quant_conv) {
        k.counting = false;
        k.conv("quant_conv", 2 * latent, 2 * latent, 1, {height, width});
    }
    if (c.use_post_quant_conv) {
        k.counting = true;
        k.conv("post_quant_conv", latent, latent, 1, {height, width});
    }
    return k.result;
}

}  // namespace ds::perf
