#include "core/model/transformer_2d.h"

#include "core/model/geglu_cpu.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cmath>

namespace ds {
namespace {

// [B, L, heads * head_dim] -> [B, heads, L, head_dim]
at::Tensor split_heads(const at::Tensor& x, int64_t heads, int64_t head_dim) {
    return x.view({x.size(0), x.size(1), heads, head_dim}).transpose(1, 2);
}

}  // namespace

void CrossAttention::load(const WeightMap& w, const std::string& prefix, int64_t query_dim, int64_t context_dim,
                          int64_t heads_, int64_t head_dim_) {
    heads = heads_;
    head_dim = head_dim_;
    const int64_t inner = heads * head_dim;
    to_q.load(w, key(prefix, "to_q"), query_dim, inner, false);
    to_k.load(w, key(prefix, "to_k"), context_dim, inner, false);
    to_v.load(w, key(prefix, "to_v"), context_dim, inner, false);
    to_out.load(w, key(prefix, "to_out.0"), inner, query_dim);
}

at::Tensor CrossAttention::operator()(const at::Tensor& x, const at::Tensor& context) const {
    const at::Tensor q = split_heads(to_q(x), heads, head_dim);
    const at::Tensor k = split_heads(to_k(context), heads, head_dim);
    const at::Tensor v = split_heads(to_v(context), heads, head_dim);
    const at::Tensor o = scaled_dot_product_attention(q, k, v, std::pow(static_cast<double>(head_dim), -0.5));
    return to_out(o.transpose(1, 2).reshape({x.size(0), x.size(1), heads * head_dim}));
}

void GegluFeedForward::load(const WeightMap& w, const std::string& prefix, int64_t dim, int64_t inner_dim) {
    proj.load(w, key(prefix, "net.0.proj"), dim, 2 * inner_dim);
    out.load(w, key(prefix, "net.2"), inner_dim, dim);
}

at::Tensor GegluFeedForward::operator()(const at::Tensor& x) const {
    at::Tensor h = proj(x);  // [..., value | gate]
    if (!at::GradMode::is_enabled() && h.device().is_cpu() && h.scalar_type() == at::kFloat && h.is_contiguous()) {
        // inference on the CPU: the gating in place over the value half, read by `out` as a strided view
        const int64_t width = h.size(-1) / 2;
        geglu_rows_inplace(h.data_ptr<float>(), h.numel() / h.size(-1), width);
        return out(h.narrow(-1, 0, width));
    }
    const auto parts = h.chunk(2, -1);
    at::Tensor gate = at::gelu(parts[1]);
    if (at::GradMode::is_enabled()) return out(parts[0] * gate);  // backward needs gate's values
    gate.mul_(parts[0]);
    return out(gate);
}

void BasicTransformerBlock::load(const WeightMap& w, const std::string& prefix, int64_t dim, int64_t heads,
                                 int64_t head_dim, int64_t context_dim) {
    // diffusers' BasicTransformerBlock: LayerNorm eps 1e-5, feed-forward inner width 4 * dim.
    norm1.load(w, key(prefix, "norm1"), dim, 1e-5);
    attn1.load(w, key(prefix, "attn1"), dim, dim, heads, head_dim);
    norm2.load(w, key(prefix, "norm2"), dim, 1e-5);
    attn2.load(w, key(prefix, "attn2"), dim, context_dim, heads, head_dim);
    norm3.load(w, key(prefix, "norm3"), dim, 1e-5);
    ff.load(w, key(prefix, "ff"), dim, 4 * dim);
}

at::Tensor BasicTransformerBlock::operator()(const at::Tensor& x, const at::Tensor& context) const {
    // Residual adds in place on each sublayer's fresh output (its backward needs no values).
    const at::Tensor n1 = norm1(x);
    at::Tensor h = attn1(n1, n1);
    h.add_(x);
    at::Tensor h2 = attn2(norm2(h), context);
    h2.add_(h);
    at::Tensor out = ff(norm3(h2));
    out.add_(h2);
    return out;
}

void Transformer2D::load(const WeightMap& w, const std::string& prefix, const Transformer2DOptions& options) {
    options_ = options;
    const int64_t c = options.channels;
    const int64_t inner = options.heads * options.head_dim;
    norm_.load(w, key(prefix, "norm"), c, options.norm_groups, 1e-6);  // Transformer2DModel's fixed eps
    if (options.linear_projection) {
        proj_in_linear_.load(w, key(prefix, "proj_in"), c, inner);
        proj_out_linear_.load(w, key(prefix, "proj_out"), inner, c);
    } else {
        proj_in_conv_.load(w, key(prefix, "proj_in"), c, inner, 1);
        proj_out_conv_.load(w, key(prefix, "proj_out"), inner, c, 1);
    }
    blocks_.assign(static_cast<size_t>(options.layers), BasicTransformerBlock{});
    for (int64_t i = 0; i < options.layers; ++i) {
        blocks_[static_cast<size_t>(i)].load(w, key(key(prefix, "transformer_blocks"), static_cast<int>(i)), inner,
                                             options.heads, options.head_dim, options.context_dim);
    }
}

at::Tensor Transformer2D::operator()(const at::Tensor& x, const at::Tensor& context) const {
    const int64_t b = x.size(0), height = x.size(2), width = x.size(3);
    const int64_t inner = options_.heads * options_.head_dim;
    // Same op order as diffusers: the conv projection acts on NCHW before flattening, the linear one after.
    at::Tensor h = norm_(x);
    if (options_.linear_projection) {
        h = proj_in_linear_(h.permute({0, 2, 3, 1}).reshape({b, height * width, options_.channels}));
    } else {
        h = proj_in_conv_(h).permute({0, 2, 3, 1}).reshape({b, height * width, inner});
    }
    for (const auto& block : blocks_) h = block(h, context);
    if (options_.linear_projection) {
        h = proj_out_linear_(h).reshape({b, height, width, options_.channels}).permute({0, 3, 1, 2}).contiguous();
    } else {
        h = proj_out_conv_(h.reshape({b, height, width, inner}).permute({0, 3, 1, 2}).contiguous());
    }
    return h + x;
}

}  // namespace ds
