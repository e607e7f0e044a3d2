#include "core/model/layers.h"

#include <ATen/ATen.h>

#include <algorithm>

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

at::Tensor Conv2d::operator()(const at::Tensor& x) const {
    return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
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

at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale,
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
