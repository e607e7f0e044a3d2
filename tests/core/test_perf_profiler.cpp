// Asserts core/perf's operator profiler: ATen operator names map to their kind of work; a profiled
// stretch charges each top-level operator or user scope (not the operators it calls) with its calls,
// the kinds' seconds add up to the wall time, and only one profiler runs at a time.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/model/layers.h"
#include "core/perf/op_profiler.h"

namespace {

using ds::perf::WorkKind;

const ds::perf::OpTime* find_op(const ds::perf::OpProfile& profile, const std::string& name) {
    const auto it = std::find_if(profile.ops.begin(), profile.ops.end(),
                                 [&](const ds::perf::OpTime& op) { return op.op == name; });
    return it == profile.ops.end() ? nullptr : &*it;
}

}  // namespace

TEST(PerfProfiler, OperatorNamesMapToKinds) {
    EXPECT_EQ(ds::perf::work_kind_of("aten::conv2d"), WorkKind::Convolution);
    EXPECT_EQ(ds::perf::work_kind_of("aten::linear"), WorkKind::Linear);
    EXPECT_EQ(ds::perf::work_kind_of("aten::mm"), WorkKind::Attention);
    EXPECT_EQ(ds::perf::work_kind_of("aten::_softmax"), WorkKind::Attention);
    EXPECT_EQ(ds::perf::work_kind_of("ds::attention"), WorkKind::Attention);
    EXPECT_EQ(ds::perf::work_kind_of("aten::group_norm"), WorkKind::Normalisation);
    EXPECT_EQ(ds::perf::work_kind_of("aten::layer_norm"), WorkKind::Normalisation);
    EXPECT_EQ(ds::perf::work_kind_of("aten::silu"), WorkKind::Other);
    EXPECT_EQ(ds::perf::work_kind_of("aten::contiguous"), WorkKind::Other);
    EXPECT_STREQ(ds::perf::work_kind_name(WorkKind::Normalisation), "normalisation");
}

TEST(PerfProfiler, ChargesTopLevelOperatorsAndAddsUpToTheWallTime) {
    at::manual_seed(0);
    const at::Tensor x = at::randn({1, 32, 16, 16});
    const at::Tensor w = at::randn({32, 32, 3, 3});
    const at::Tensor lw = at::randn({64, 32});
    at::NoGradGuard no_grad;
    ds::perf::OpProfiler profiler;
    for (int i = 0; i < 3; ++i) {
        const at::Tensor c = at::conv2d(x, w, {}, 1, 1);
        const at::Tensor n = at::group_norm(c, 8);
        const at::Tensor tokens = n.flatten(2).transpose(1, 2);  // [1, 256, 32]
        const at::Tensor l = at::linear(tokens, lw);
        const at::Tensor s = at::softmax(at::matmul(l, l.transpose(1, 2)), -1);
        (void)at::silu(s);
    }
    const ds::perf::OpProfile profile = profiler.stop();

    ASSERT_NE(find_op(profile, "aten::conv2d"), nullptr);
    EXPECT_EQ(find_op(profile, "aten::conv2d")->calls, 3);
    EXPECT_EQ(find_op(profile, "aten::linear")->calls, 3);
    EXPECT_EQ(find_op(profile, "aten::matmul")->calls, 3);
    // What linear and conv2d call inside is theirs, not listed on its own.
    EXPECT_EQ(find_op(profile, "aten::addmm"), nullptr);
    EXPECT_EQ(find_op(profile, "aten::_convolution"), nullptr);
    for (WorkKind kind : ds::perf::kWorkKinds)
        EXPECT_GT(profile.kind_seconds[static_cast<size_t>(kind)], 0.0) << ds::perf::work_kind_name(kind);
    double sum = 0, share = 0;
    for (WorkKind kind : ds::perf::kWorkKinds) {
        sum += profile.kind_seconds[static_cast<size_t>(kind)];
        share += profile.kind_share(kind);
    }
    EXPECT_NEAR(sum, profile.seconds, 1e-9 + 1e-9 * profile.seconds);
    EXPECT_NEAR(share, 1.0, 1e-9);
    for (size_t i = 1; i < profile.ops.size(); ++i) EXPECT_GE(profile.ops[i - 1].seconds, profile.ops[i].seconds);
}

TEST(PerfProfiler, AUserScopeIsChargedWithWhatItCalls) {
    const at::Tensor q = at::randn({4, 64, 16});
    ds::perf::OpProfiler profiler;
    {
        RECORD_USER_SCOPE("ds::attention");
        (void)at::silu(at::softmax(at::matmul(q, q.transpose(1, 2)), -1));
    }
    (void)at::silu(q);
    const ds::perf::OpProfile profile = profiler.stop();
    const ds::perf::OpTime* scope = find_op(profile, "ds::attention");
    ASSERT_NE(scope, nullptr);
    EXPECT_EQ(scope->kind, WorkKind::Attention);
    EXPECT_EQ(scope->calls, 1);
    EXPECT_EQ(find_op(profile, "aten::matmul"), nullptr);
    ASSERT_NE(find_op(profile, "aten::silu"), nullptr);
    EXPECT_EQ(find_op(profile, "aten::silu")->calls, 1);  // the one outside the scope
}

// The model's own kernels run sgemm inside (aten::mm, otherwise charged to attention): each is
// charged to the kind of layer it computes.
TEST(PerfProfiler, ConvolutionKernelsAreChargedToConvolution) {
    at::NoGradGuard no_grad;
    ds::Conv2d pointwise;
    pointwise.weight = at::randn({8, 16, 1, 1});
    pointwise.bias = at::randn({8});
    pointwise.stride = 1;
    pointwise.padding = 0;
    at::Tensor x = at::randn({1, 16, 12, 12});
    ds::perf::OpProfiler profiler;
    (void)pointwise(x);
    (void)pointwise.in_place(x);
    const ds::perf::OpProfile profile = profiler.stop();
    EXPECT_EQ(find_op(profile, "aten::mm"), nullptr);
    for (const char* name : {"ds::conv2d_pointwise", "ds::conv2d_pointwise_in_place"}) {
        const ds::perf::OpTime* scope = find_op(profile, name);
        ASSERT_NE(scope, nullptr) << name;
        EXPECT_EQ(scope->kind, WorkKind::Convolution) << name;
    }
}

TEST(PerfProfiler, OneAtATime) {
    ds::perf::OpProfiler first;
    EXPECT_THROW(ds::perf::OpProfiler second, std::logic_error);
    first.stop();
    EXPECT_TRUE(first.stop().ops.empty());  // stopping twice is harmless
    ds::perf::OpProfiler again;             // and frees the slot
}
