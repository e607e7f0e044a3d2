// The type the networks compute in: "auto" means fp16 on CUDA and fp32 on the CPU, half types are
// refused on the CPU with the reason, a WeightMap hands its tensors out in the type it is set to,
// and a model asked for fp16 on the CPU is refused before anything is loaded.
#include <gtest/gtest.h>
#include <ATen/ATen.h>

#include <map>
#include <stdexcept>
#include <string>

#include "core/builtin/builtin_config.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/model/weights.h"
#include "core/runtime/device.h"
#include "core/runtime/seeded_noise.h"
#include "core/training/parameter_init.h"
#include "tests/support/error_of.h"

using ds::test::error_of;

TEST(ComputeDtype, AutoIsHalfOnCudaAndFloatOnTheCpu) {
    const c10::Device cpu(c10::DeviceType::CPU), cuda(c10::DeviceType::CUDA, 0);
    EXPECT_EQ(ds::parse_compute_dtype("auto", cpu), at::kFloat);
    EXPECT_EQ(ds::parse_compute_dtype("", cpu), at::kFloat);
    EXPECT_EQ(ds::parse_compute_dtype("fp32", cpu), at::kFloat);
    EXPECT_EQ(ds::parse_compute_dtype("auto", cuda), at::kHalf);
    EXPECT_EQ(ds::parse_compute_dtype("fp16", cuda), at::kHalf);
    EXPECT_EQ(ds::parse_compute_dtype("bf16", cuda), at::kBFloat16);
    EXPECT_EQ(ds::parse_compute_dtype("float32", cuda), at::kFloat);
    EXPECT_EQ(ds::compute_dtype_name(at::kBFloat16), "bf16");
    EXPECT_EQ(ds::compute_dtype_name(at::kHalf), "fp16");
}

TEST(ComputeDtype, HalfTypesOnTheCpuAndUnknownNamesAreRefused) {
    const c10::Device cpu(c10::DeviceType::CPU);
    for (const char* name : {"fp16", "half", "bf16"}) {
        const std::string message = error_of([&] { ds::parse_compute_dtype(name, cpu); });
        EXPECT_NE(message.find("needs a CUDA device"), std::string::npos) << message;
    }
    const std::string message = error_of([&] { ds::parse_compute_dtype("int8", cpu); });
    EXPECT_NE(message.find("unknown precision 'int8'"), std::string::npos) << message;
}

TEST(ComputeDtype, AWeightMapHandsOutItsTensorsInItsType) {
    ds::WeightMap w;
    w.insert("a", at::arange(6, at::kFloat).view({2, 3}));
    w.insert("ids", at::arange(4, at::kLong));
    EXPECT_EQ(w.get("a", {2, 3}).scalar_type(), at::kFloat);
    w.set_dtype(at::kBFloat16);
    const at::Tensor a = w.get("a", {2, 3});
    EXPECT_EQ(a.scalar_type(), at::kBFloat16);
    EXPECT_TRUE(at::equal(a.to(at::kFloat), at::arange(6, at::kFloat).view({2, 3})));
    EXPECT_EQ(w.get("a", {}, at::kFloat).scalar_type(), at::kFloat);  // an explicit type wins
    EXPECT_EQ(w.get_optional("ids", {}, at::kLong).scalar_type(), at::kLong);
}

TEST(ComputeDtype, AHalfModelOnTheCpuIsRefusedBeforeLoading) {
    ds::ModelLoadOptions o;
    o.device = "cpu";
    o.dtype = "fp16";
    // The type is checked before the path is even looked at.
    const std::string message = error_of([&] { ds::load_stable_diffusion("/nonexistent/model.safetensors", o); });
    EXPECT_NE(message.find("precision fp16 needs a CUDA device"), std::string::npos) << message;
}

// The casts inside the networks, checked on the CPU with bfloat16 weights (the CUDA types' path
// without a GPU): float32 in, the weights' type inside (a mismatch would throw in the first
// convolution), float32 out. Precision is the GPU check's business (packaging/gpu-check.sh): this
// libtorch's CPU bfloat16 convolution accumulates in bfloat16 (2.8% error per 3x3 convolution,
// measured), which compounds through a decoder, so only the UNet gets a loose closeness bound.
TEST(ComputeDtype, NetworksComputeInTheirWeightsTypeAndAnswerInFloat32) {
    at::NoGradGuard no_grad;
    const ds::BuiltinConfig config = ds::default_builtin_config(64);
    auto build = [&](uint64_t seed, auto load) {
        ds::WeightMap fresh = ds::trainable_weight_map(seed);
        auto full = load(fresh);
        std::map<std::string, at::Tensor> plain;
        for (const auto& [name, t] : fresh.tensors()) plain[name] = t.detach();
        ds::WeightMap half(plain);
        half.set_dtype(at::kBFloat16);
        return std::make_pair(full, load(half));
    };
    const auto [unet32, unet16] =
        build(5, [&](const ds::WeightMap& w) { return ds::UNet2DCondition::load(config.unet, w); });
    const auto [vae32, vae16] = build(6, [&](const ds::WeightMap& w) { return ds::AutoencoderKL::load(config.vae, w); });

    const at::Tensor x = ds::seeded_randn(1, {2, 4, 16, 16});
    const at::Tensor context = ds::seeded_randn(2, {2, 8, config.unet.cross_dim(0)});
    const at::Tensor t = at::tensor({10, 700}, at::kLong);
    const at::Tensor a = unet32.forward(x, t, context), b = unet16.forward(x, t, context);
    EXPECT_EQ(b.scalar_type(), at::kFloat);
    EXPECT_EQ(b.sizes(), a.sizes());
    EXPECT_LT((a - b).norm().item<double>() / a.norm().item<double>(), 0.3);

    const at::Tensor image = vae16.decode(x);
    EXPECT_EQ(image.scalar_type(), at::kFloat);
    EXPECT_EQ(image.sizes(), vae32.decode(x).sizes());
    EXPECT_TRUE(image.isfinite().all().item<bool>());
    const ds::EncoderOutput e = vae16.encode(image.clamp(-1, 1));
    EXPECT_EQ(e.mean.scalar_type(), at::kFloat);
    EXPECT_EQ(e.std.scalar_type(), at::kFloat);
    EXPECT_EQ(e.mean.sizes(), x.sizes());
}
