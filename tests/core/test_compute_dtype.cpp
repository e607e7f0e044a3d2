// The type the networks compute in: "auto" means fp16 on CUDA and fp32 on the CPU, half types are
// refused on the CPU with the reason, a WeightMap hands its tensors out in the type it is set to,
// and a model asked for fp16 on the CPU is refused before anything is loaded.
#include <gtest/gtest.h>
#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "core/checkpoint/stable_diffusion_model.h"
#include "core/model/weights.h"
#include "core/runtime/device.h"
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
