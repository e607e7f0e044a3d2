#pragma once
// Where the networks run: CUDA when the linked libtorch has it and a GPU is present, else the CPU.
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace ds {

c10::Device preferred_device();
// "auto", "cpu", "cuda", "cuda:1"; throws std::invalid_argument for an unknown or unavailable device.
c10::Device parse_device(const std::string& name);
std::string device_description(const c10::Device& device);
// Networks are about to run on `device`: on CUDA, cuDNN benchmarks its convolution algorithms for
// each new input shape once and keeps the fastest (a generation's shapes repeat every step).
void prepare_device(const c10::Device& device);

// The type the networks compute in: "auto" (fp16 on CUDA, fp32 on the CPU), "fp32", "fp16", "bf16".
// Half types are for CUDA only (this CPU libtorch lacks or crawls through half convolutions); throws
// std::invalid_argument naming the problem.
at::ScalarType parse_compute_dtype(const std::string& name, const c10::Device& device);
std::string compute_dtype_name(at::ScalarType dtype);  // "fp32", "fp16", "bf16"

}  // namespace ds
