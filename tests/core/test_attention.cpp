// The CPU attention kernels (the fused online-softmax kernel for head widths that are multiples of
// 8 on AVX2 CPUs, the blocked matmuls otherwise) against the plain composition softmax(q kᵀ · scale) v
// on random inputs of awkward sizes: odd token counts, one head, CLIP's 77-token context, batch 1
// and 2, sequences long enough for several key blocks, views with head-split strides, one and two
// threads; a mask and autograd still take the reference path.
#include <gtest/gtest.h>
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <tuple>

#include "core/model/fused_attention_cpu.h"
#include "core/model/layers.h"
#include "tests/support/max_relative_error.h"

namespace {

// The textbook formula, one matmul per operand, nothing blocked (Vaswani et al. 2017, eq. 1).
at::Tensor naive_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
    return at::matmul(at::softmax(at::matmul(q, k.transpose(-1, -2)) * scale, -1), v);
}

using ds::test::max_relative_error;

class ThreadCount {
public:
    explicit ThreadCount(int n) : m_saved(at::get_num_threads()) { at::set_num_threads(n); }
    ~ThreadCount() { at::set_num_threads(m_saved); }

private:
    int m_saved;
};

}  // namespace

// batch, heads, query tokens, key tokens, head dim
class AttentionShapes : public ::testing::TestWithParam<std::tuple<int, int, int, int, int>> {};

TEST_P(AttentionShapes, MatchesThePlainComposition) {
    const auto [batch, heads, lq, lk, dim] = GetParam();
    at::manual_seed(lq * 131 + lk);
    const at::Tensor q = at::randn({batch, heads, lq, dim});
    const at::Tensor k = at::randn({batch, heads, lk, dim});
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
    // v as wide as q (the fused kernel where the width is a multiple of 8) and 3 wider (never fused)
    for (int64_t v_width : {dim, dim + 3}) {
    const at::Tensor v = at::randn({batch, heads, lk, v_width});
    const at::Tensor want = naive_attention(q.to(at::kDouble), k.to(at::kDouble), v.to(at::kDouble), scale);
    for (int threads : {1, 2}) {
        ThreadCount scope(threads);
        const at::Tensor got = ds::scaled_dot_product_attention(q, k, v, scale);
        ASSERT_EQ(got.sizes(), want.sizes());
        EXPECT_LT(max_relative_error(got.to(at::kDouble), want), 2e-5) << threads << " thread(s)";
        EXPECT_LT(max_relative_error(ds::reference_attention(q, k, v, scale).to(at::kDouble), want), 2e-5);
    }
    }
}

INSTANTIATE_TEST_SUITE_P(
    AwkwardSizes, AttentionShapes,
    ::testing::Values(std::make_tuple(1, 1, 1, 1, 8),        // one token, one head
                      std::make_tuple(2, 8, 37, 77, 40),     // CLIP context, batch 2 (guidance)
                      std::make_tuple(1, 1, 333, 333, 16),   // odd self-attention, one head
                      std::make_tuple(2, 3, 301, 4099, 8),   // several score blocks, ragged last one
                      std::make_tuple(1, 2, 4100, 65, 24),   // long queries, short keys
                      std::make_tuple(2, 1, 129, 129, 64),
                      std::make_tuple(2, 2, 701, 700, 16),   // just above the blocked path's threshold
                      std::make_tuple(1, 1, 97, 513, 40),    // query rows past one block, keys past two
                      std::make_tuple(2, 1, 7, 1, 160)));    // one key: every weight is 1

TEST(Attention, HeadSplitViewsAndMasks) {
    at::manual_seed(7);
    // As the transformer blocks call it: [B, L, H*D] viewed as [B, H, L, D] (not contiguous).
    const int64_t b = 2, l = 211, h = 5, d = 12;
    const at::Tensor q = at::randn({b, l, h * d}).view({b, l, h, d}).transpose(1, 2);
    const at::Tensor k = at::randn({b, 77, h * d}).view({b, 77, h, d}).transpose(1, 2);
    const at::Tensor v = at::randn({b, 77, h * d}).view({b, 77, h, d}).transpose(1, 2);
    ASSERT_FALSE(q.is_contiguous());
    const at::Tensor want = naive_attention(q.to(at::kDouble), k.to(at::kDouble), v.to(at::kDouble), 0.3);
    EXPECT_LT(max_relative_error(ds::scaled_dot_product_attention(q, k, v, 0.3).to(at::kDouble), want), 2e-5);

    // A causal mask (CLIP) goes through the reference path and still masks.
    const at::Tensor qs = at::randn({1, 2, 9, 4}), ks = at::randn({1, 2, 9, 4}), vs = at::randn({1, 2, 9, 4});
    const at::Tensor mask = at::full({9, 9}, -INFINITY).triu(1).view({1, 1, 9, 9});
    const at::Tensor masked = ds::scaled_dot_product_attention(qs, ks, vs, 0.5, mask);
    // The first query sees only the first key: its output is that key's value.
    EXPECT_TRUE(at::allclose(masked.select(2, 0), vs.select(2, 0), 1e-5, 1e-6));
    const at::Tensor manual = at::matmul(at::softmax(at::matmul(qs, ks.transpose(-1, -2)) * 0.5 + mask, -1), vs);
    EXPECT_TRUE(at::allclose(masked, manual, 1e-5, 1e-6));
}

TEST(Attention, TrainingKeepsItsGradients) {
    at::manual_seed(3);
    const at::Tensor q = at::randn({1, 2, 19, 8}).requires_grad_(), k = at::randn({1, 2, 23, 8}).requires_grad_();
    const at::Tensor v = at::randn({1, 2, 23, 8}).requires_grad_();
    ds::scaled_dot_product_attention(q, k, v, 0.4).pow(2).sum().backward();
    const at::Tensor gq = q.grad().clone();
    q.grad().zero_();
    naive_attention(q, k, v, 0.4).pow(2).sum().backward();
    EXPECT_TRUE(at::allclose(gq, q.grad(), 1e-4, 1e-6));
}

// The fused kernel itself, where this CPU has it: strided operands read and written in place (q as
// a head-split view, the output into a [batch, rows, heads, width] buffer), and the online
// softmax's rescaling exact enough when later key blocks hold far larger scores than the first.
TEST(FusedAttention, StridedOperandsAndGrowingScores) {
    if (!ds::fused_attention_cpu_available(40, 40)) GTEST_SKIP() << "this CPU has no AVX2/FMA: the fused kernel is off";
    at::manual_seed(11);
    const int64_t b = 2, h = 3, lq = 101, lk = 600, d = 40;
    const at::Tensor q = at::randn({b, lq, h * d}).view({b, lq, h, d}).transpose(1, 2);
    at::Tensor k = at::randn({b, h, lk, d});
    k.narrow(2, 300, 300).mul_(8.0);  // the second and third key blocks dominate the first
    const at::Tensor v = at::randn({b, h, lk, d});
    const at::Tensor out = at::full({b, lq, h, d}, NAN).transpose(1, 2);
    auto operand = [](const at::Tensor& t) {
        return ds::AttentionOperand{t.data_ptr<float>(), t.stride(0), t.stride(1), t.stride(2)};
    };
    ds::fused_attention_cpu(ds::AttentionSizes{b, h, lq, lk, d, d}, operand(q), operand(k), operand(v), operand(out), 0.2f);
    const at::Tensor want = naive_attention(q.to(at::kDouble), k.to(at::kDouble), v.to(at::kDouble), 0.2);
    EXPECT_LT(max_relative_error(out.to(at::kDouble), want), 2e-5);
}

TEST(FusedAttention, NanAndInfinityPropagateAsInThePlainComposition) {
    at::manual_seed(12);
    const at::Tensor q = at::randn({1, 2, 300, 16}), k = at::randn({1, 2, 300, 16}), v = at::randn({1, 2, 300, 16});
    const at::Tensor qn = q.clone();
    qn[0][1][5][3] = NAN;  // one query row of one head
    const at::Tensor out = ds::scaled_dot_product_attention(qn, k, v, 0.25);
    EXPECT_TRUE(out[0][1][5].isnan().all().item<bool>());
    EXPECT_FALSE(out[0][0].isnan().any().item<bool>());
    EXPECT_EQ(out.isnan().sum().item<int64_t>(), 16);
    const at::Tensor vn = v.clone();
    vn[0][0][7][0] = INFINITY;  // an infinite value reaches every query of that head
    const at::Tensor out_inf = ds::scaled_dot_product_attention(q, k, vn, 0.25);
    EXPECT_FALSE(at::isfinite(out_inf[0][0].select(-1, 0)).any().item<bool>());
    EXPECT_TRUE(at::isfinite(out_inf[0][1]).all().item<bool>());
}
