#pragma once
// Where the networks run: CUDA when the linked libtorch has it and a GPU is present, else the CPU.
#include <c10/core/Device.h>

#include <string>

namespace ds {

c10::Device preferred_device();
// "auto", "cpu", "cuda", "cuda:1"; throws std::invalid_argument for an unknown or unavailable device.
c10::Device parse_device(const std::string& name);
std::string device_description(const c10::Device& device);

}  // namespace ds
