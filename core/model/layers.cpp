#include "core/model/layers.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/record_function.h>
#include <torch/version.h>

#include "core/model/fused_attention_cpu.h"
#include "core/model/winograd_conv_cpu.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

// at::scaled_dot_product_attention with its scale argument: libtorch 2.1 and later (Debian's is 1.13).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define DS_HAS_ATEN_SDPA 1
#else
#define DS_HAS_ATEN_SDPA 0
#endif

namespace ds {

void Linear::load(const WeightMap& w, const std::string& prefix, int64_t in, int64_t out, bool has_bias) {
    weight = w.get(key(prefix, "weight"), {out, in});
    bias = has_bias ? w.get(key(prefix, "bias"), {out}) : at::Tensor();
}

at::Tensor Linear::operator()(const at::Tensor& x) const { return at::linear(x, weight, bias); }

void Conv2d::load(const WeightMap& w, const std::string& prefix, int64_t in, int64_t out, int64_t kernel,
                  int64_t stride_, int64_t padding_) {
    weight = w.get(key(prefix, "weight"), {out, in, kernel, kernel});
    bias = w.get(key(prefix, "bias"), {out});
    stride = stride_;
    padding = padding_ < 0 ? kernel / 2 : padding_;
}

// 3x3 "same" convolutions by Winograd F(2x2, 3x3): 1.5-2.3x faster than oneDNN on SD 1.5's and its
// VAE's layers here, and closer to float64. oneDNN's direct form stays faster below 64 channels in
// or out (first and last layers) and for small layers, where the kernel's fixed costs (filter
// transform, four parallel regions) dominate: the built-in model's 64x64 image took 1.16 s with
// Winograd everywhere against 0.89 s without. SD 1.5's smallest layer is 3.8 GFLOP.
bool Conv2d::takes_winograd(const at::Tensor& x, int64_t pixel_factor) const {
    if (stride != 1 || padding != 1 || weight.dim() != 4 || weight.size(2) != 3 || weight.size(3) != 3 ||
        weight.size(0) < 64 || weight.size(1) < 64 || !winograd_conv3x3_applies(x, weight))
        return false;
    const double direct_flops =
        2.0 * 9.0 * static_cast<double>(weight.size(0)) * static_cast<double>(x.numel()) * static_cast<double>(pixel_factor);
    return direct_flops >= 5e8;
}

// 1x1 stride-1 convolutions at inference as one sgemm per image on the NCHW layout, W [K, C] times
// X [C, H*W]. At more than one thread ATen hands them to oneDNN, which first reorders the input into
// a blocked copy: 256 MiB more for the SD VAE decoder's last shortcut at 512x512.
bool Conv2d::takes_pointwise_matmul(const at::Tensor& x) const {
    return stride == 1 && padding == 0 && weight.dim() == 4 && weight.size(2) == 1 && weight.size(3) == 1 &&
           x.dim() == 4 && x.size(1) == weight.size(1) && x.device().is_cpu() && weight.device().is_cpu() &&
           x.scalar_type() == at::kFloat && weight.scalar_type() == at::kFloat &&
           (!bias.defined() || bias.scalar_type() == at::kFloat) &&
           !(at::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad()));
}

at::Tensor Conv2d::operator()(const at::Tensor& x) const {
    if (takes_winograd(x)) return winograd_conv3x3(x, weight, bias);
    if (takes_pointwise_matmul(x)) {
        RECORD_USER_SCOPE("ds::conv2d_pointwise");  // core/perf's profiler charges it to convolution
        const int64_t n = x.size(0), c = x.size(1), k = weight.size(0), h = x.size(2), w = x.size(3);
        const at::Tensor input = x.contiguous().view({n, c, h * w});
        const at::Tensor matrix = weight.view({k, c});
        at::Tensor y = at::empty({n, k, h * w}, x.options());
        for (int64_t i = 0; i < n; ++i) {
            at::Tensor out = y.select(0, i);
            at::mm_out(out, matrix, input.select(0, i));
        }
        if (bias.defined()) y.add_(bias.view({1, k, 1}));
        return y.view({n, k, h, w});
    }
    return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
}

namespace {

// GroupNorm's statistics of a contiguous float32 [N, C, ...] tensor: the mean and 1/sqrt(var + eps)
// of each (image, group), [N, G] float32 each, in one pass with double sums (var = E[x²] - mean²
// is exact enough in double). ATen's var_mean took ~5 ms per SD 1.5 layer here, this ~1.
std::pair<at::Tensor, at::Tensor> group_mean_rstd(const at::Tensor& x, int64_t groups, double eps) {
    const int64_t n = x.size(0), count = x.numel() / (n * groups);
    at::Tensor mean = at::empty({n, groups}, x.options()), rstd = at::empty({n, groups}, x.options());
    const float* data = x.data_ptr<float>();
    float* mean_out = mean.data_ptr<float>();
    float* rstd_out = rstd.data_ptr<float>();
    at::parallel_for(0, n * groups, 1, [&](int64_t begin, int64_t end) {
        for (int64_t item = begin; item < end; ++item) {
            const float* v = data + item * count;
            double sum[4] = {0, 0, 0, 0}, squares[4] = {0, 0, 0, 0};
            int64_t i = 0;
            for (; i + 4 <= count; i += 4)
                for (int j = 0; j < 4; ++j) {
                    sum[j] += v[i + j];
                    squares[j] += static_cast<double>(v[i + j]) * v[i + j];
                }
            for (; i < count; ++i) {
                sum[0] += v[i];
                squares[0] += static_cast<double>(v[i]) * v[i];
            }
            const double m = (sum[0] + sum[1] + sum[2] + sum[3]) / static_cast<double>(count);
            const double var = std::max(0.0, (squares[0] + squares[1] + squares[2] + squares[3]) / count - m * m);
            mean_out[item] = static_cast<float>(m);
            rstd_out[item] = static_cast<float>(1.0 / std::sqrt(var + eps));
        }
    });
    return {mean, rstd};
}

}  // namespace

at::Tensor Conv2d::after_upsample_2x(const at::Tensor& x) const {
    if (x.dim() == 4 && takes_winograd(x, 4)) return winograd_conv3x3(x, weight, bias, nullptr, /*upsample_2x=*/true);
    return (*this)(at::upsample_nearest2d(x, {2 * x.size(-2), 2 * x.size(-1)}));
}

bool Conv2d::runs_in_place(const at::Tensor& x) const {
    return takes_pointwise_matmul(x) && x.is_contiguous() && weight.size(0) <= x.size(1);
}

at::Tensor Conv2d::in_place(const at::Tensor& x) const {
    if (!runs_in_place(x)) throw std::logic_error("Conv2d::in_place: this layer and input do not allow it");
    RECORD_USER_SCOPE("ds::conv2d_pointwise_in_place");
    const int64_t n = x.size(0), c = x.size(1), k = weight.size(0), pixels = x.size(2) * x.size(3);
    // Column blocks of ~1 MiB of input: each is copied out whole before its outputs (channels [0, k)
    // of the same columns) overwrite it, so the blocks are independent and run side by side, one
    // single-threaded sgemm each.
    const int64_t columns = std::min<int64_t>(pixels, std::max<int64_t>(64, (1 << 18) / c / 16 * 16));
    const int64_t blocks = (pixels + columns - 1) / columns;
    // Detached: runs_in_place allows no gradient here, and the worker threads below do not inherit
    // the caller's no-grad mode, so trainable weights would make their out= sgemm calls throw.
    const at::Tensor matrix = weight.detach().view({k, c}).contiguous();
    const at::Tensor shift = bias.defined() ? bias.detach().view({k, 1}) : at::Tensor();
    const at::Tensor images = x.view({n, c, pixels});
    at::parallel_for(0, n * blocks, 1, [&](int64_t begin, int64_t end) {
        at::Tensor block = at::empty({c, columns}, x.options());
        for (int64_t item = begin; item < end; ++item) {
            const int64_t image = item / blocks, first = item % blocks * columns;
            const int64_t width = std::min(columns, pixels - first);
            const at::Tensor source = images.select(0, image).narrow(1, first, width);
            at::Tensor copy = block.narrow(1, 0, width);
            copy.copy_(source);
            at::Tensor out = source.narrow(0, 0, k);
            at::mm_out(out, matrix, copy);
            if (shift.defined()) out.add_(shift);
        }
    });
    return x.narrow(1, 0, k);
}

at::Tensor Conv2d::after_norm_silu(const at::Tensor& x, const GroupNorm& norm, const at::Tensor& add_to) const {
    const int64_t channels = x.dim() == 4 ? x.size(1) : 0;
    if (!takes_winograd(x) || norm.groups <= 0 || channels % norm.groups != 0 || !norm.weight.defined() ||
        norm.weight.scalar_type() != at::kFloat) {
        at::Tensor h = norm(x);
        at::silu_(h);
        h = (*this)(h);
        return add_to.defined() ? add_to.add_(h) : h;
    }
    // GroupNorm (Wu & He 2018) folded into one affine map per (image, channel):
    // y = (x - mean_g) rstd_g gamma_c + beta_c = x scale + shift.
    const int64_t n = x.size(0), per_group = channels / norm.groups;
    const auto [mean, rstd] = group_mean_rstd(x.contiguous(), norm.groups, norm.eps);  // [n, G] each
    const at::Tensor scale = rstd.repeat_interleave(per_group, 1).mul_(norm.weight.view({1, channels}));  // [n, C]
    const at::Tensor shift = norm.bias.view({1, channels}) - mean.repeat_interleave(per_group, 1) * scale;
    const ConvInputActivation activation{scale, shift};
    return winograd_conv3x3(x, weight, bias, &activation, false, add_to);
}

void GroupNorm::load(const WeightMap& w, const std::string& prefix, int64_t channels, int64_t groups_, double eps_) {
    weight = w.get(key(prefix, "weight"), {channels});
    bias = w.get(key(prefix, "bias"), {channels});
    groups = groups_;
    eps = eps_;
}

at::Tensor GroupNorm::operator()(const at::Tensor& x) const { return at::group_norm(x, groups, weight, bias, eps); }

void LayerNorm::load(const WeightMap& w, const std::string& prefix, int64_t dim, double eps_) {
    weight = w.get(key(prefix, "weight"), {dim});
    bias = w.get(key(prefix, "bias"), {dim});
    eps = eps_;
}

at::Tensor LayerNorm::operator()(const at::Tensor& x) const {
    return at::layer_norm(x, {x.size(-1)}, weight, bias, eps);
}

namespace {

// Bytes of scores one query block may hold: 2 MiB, measured best on this machine's cores (1 MiB L2
// each) for SD 1.5's 4096-token self-attention: the scores of a block are still in cache when the
// softmax and the second matmul read them.
constexpr int64_t kScoreBlockBytes = 2 << 20;
// Below this many scores in all (the built-in model's 16x16 latents), the few large batched calls
// of the reference composition cost less than dispatching the blocks one by one.
constexpr int64_t kMinBlockedScores = 1 << 20;

// q's shape with v's width last: what attention returns.
std::vector<int64_t> attention_output_shape(const at::Tensor& q, int64_t v_width) {
    std::vector<int64_t> shape = q.sizes().vec();
    shape.back() = v_width;
    return shape;
}

// The CPU float32 path without a mask where the fused kernel is not available (no AVX2/FMA, head
// widths that are not multiples of 8): every (slice, query block) pair is one independent work
// item spread over the intra-op threads, each with its own score buffer. Inside a worker, the
// matmuls run single-threaded on contiguous operands (q pre-scaled, k pre-transposed), so there is
// no oversubscription and no transposed-operand batched matmul (which ran at 13-48 GFLOP/s here).
// Softmax in place on the block (Vaswani et al. 2017, eq. 1).
at::Tensor blocked_attention_cpu(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
    const int64_t lq = q.size(-2), d = q.size(-1), lk = k.size(-2), dv = v.size(-1);
    const int64_t slices = q.numel() / (lq * d);
    const at::Tensor qs = q.mul(scale).reshape({slices, lq, d});  // scaling q costs lq*d, not lq*lk
    const at::Tensor kt = k.reshape({slices, lk, d}).transpose(1, 2).contiguous();  // [slices, d, lk]
    const at::Tensor vs = v.reshape({slices, lk, dv}).contiguous();
    at::Tensor out = at::empty({slices, lq, dv}, q.options());
    const int64_t block =
        std::min<int64_t>(lq, std::max<int64_t>(16, kScoreBlockBytes / (lk * static_cast<int64_t>(sizeof(float)))));
    const int64_t blocks = (lq + block - 1) / block;
    at::parallel_for(0, slices * blocks, 1, [&](int64_t begin, int64_t end) {
        at::Tensor scores = at::empty({block, lk}, q.options());
        for (int64_t item = begin; item < end; ++item) {
            const int64_t slice = item / blocks, start = (item % blocks) * block;
            const int64_t len = std::min(block, lq - start);
            at::Tensor sc = scores.narrow(0, 0, len);
            at::mm_out(sc, qs[slice].narrow(0, start, len), kt[slice]);
            at::_softmax_out(sc, sc, -1, false);
            at::Tensor o = out[slice].narrow(0, start, len);
            at::mm_out(o, sc, vs[slice]);
        }
    });
    return out.view(attention_output_shape(q, dv));
}

// The same on x86 CPUs with AVX2/FMA and head widths that are multiples of 8, through the fused
// online-softmax kernel: no score block ever leaves the caches (~100 GFLOP/s against ~45 for the
// blocked matmuls on SD 1.5's 4096-token layer, 2 threads).
at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
    const int64_t lq = q.size(-2), d = q.size(-1), lk = k.size(-2), dv = v.size(-1);
    // [batch, heads, rows, width] views are read in place (the transformer's head-split projections);
    // other ranks are flattened to [1, slices, rows, width].
    const bool four_d = q.dim() == 4;
    auto as_4d = [&](const at::Tensor& t, int64_t rows, int64_t width) {
        at::Tensor v4 = four_d ? t : t.reshape({1, -1, rows, width});
        return v4.stride(-1) == 1 ? v4 : v4.contiguous();
    };
    const at::Tensor q4 = as_4d(q, lq, d), k4 = as_4d(k, lk, d), v4 = as_4d(v, lk, dv);
    const int64_t batch = q4.size(0), heads = q4.size(1);
    auto operand = [](const at::Tensor& t) {
        return AttentionOperand{t.data_ptr<float>(), t.stride(0), t.stride(1), t.stride(2)};
    };
    // The output is laid out [batch, rows, heads, width]: merging the heads back is then a view.
    const at::Tensor out = at::empty({batch, lq, heads, dv}, q.options()).transpose(1, 2);
    fused_attention_cpu(AttentionSizes{batch, heads, lq, lk, d, dv}, operand(q4), operand(k4), operand(v4),
                        operand(out), static_cast<float>(scale));
    return four_d ? out : out.reshape(attention_output_shape(q, dv));
}

bool same_leading_dims(const at::Tensor& a, const at::Tensor& b) {
    if (a.dim() != b.dim()) return false;
    for (int64_t i = 0; i + 2 < a.dim(); ++i)
        if (a.size(i) != b.size(i)) return false;
    return true;
}

}  // namespace

at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
                                        const at::Tensor& mask) {
    RECORD_USER_SCOPE("ds::attention");  // core/perf's profiler charges everything inside to attention
    // The out= kernels have no autograd: training takes the reference path.
    const bool needs_grad =
        at::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
    const bool plain_cpu_float = !needs_grad && !mask.defined() && q.device().is_cpu() &&
                                 q.scalar_type() == at::kFloat && k.scalar_type() == at::kFloat &&
                                 v.scalar_type() == at::kFloat && q.dim() >= 2 && same_leading_dims(q, k) &&
                                 same_leading_dims(q, v) && q.size(-2) > 0 && k.size(-2) > 0;
#if DS_HAS_ATEN_SDPA
    // libtorch >= 2.1 on CUDA: its fused kernels (FlashAttention, memory-efficient attention), which
    // never hold the score matrix and have their own backward. Float masks are additive there too.
    if (q.is_cuda() && (!mask.defined() || mask.scalar_type() == q.scalar_type()))
        return at::scaled_dot_product_attention(q, k, v, mask.defined() ? c10::optional<at::Tensor>(mask) : c10::nullopt,
                                                0.0, false, scale);
#endif
    if (plain_cpu_float && fused_attention_cpu_available(q.size(-1), v.size(-1)) && scale > 0.0)
        return fused_attention(q, k, v, scale);
    if (plain_cpu_float && q.numel() / q.size(-1) * k.size(-2) >= kMinBlockedScores)
        return blocked_attention_cpu(q, k, v, scale);
    return reference_attention(q, k, v, scale, mask);
}

at::Tensor reference_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
                               const at::Tensor& mask) {
    const int64_t lq = q.size(-2);
    const at::Tensor kt = k.transpose(-1, -2).contiguous();
    // Query blocks of ~1M score entries per (batch, head) slice keep the softmax in cache-sized pieces.
    const int64_t block = std::max<int64_t>(1, std::min<int64_t>(lq, (1 << 20) / std::max<int64_t>(1, k.size(-2))));
    auto attend = [&](const at::Tensor& qb, const at::Tensor& mb) {
        at::Tensor scores = at::matmul(qb, kt);
        scores.mul_(scale);
        if (mb.defined()) scores.add_(mb);
        return at::matmul(at::softmax(scores, -1), v);
    };
    if (block >= lq) return attend(q, mask);
    std::vector<at::Tensor> parts;
    for (int64_t start = 0; start < lq; start += block) {
        const int64_t len = std::min(block, lq - start);
        at::Tensor mb;
        if (mask.defined()) mb = mask.size(-2) == 1 ? mask : mask.narrow(-2, start, len);
        parts.push_back(attend(q.narrow(-2, start, len), mb));
    }
    return at::cat(parts, -2);
}

}  // namespace ds
