#include "core/runtime/device.h"

#include <ATen/Context.h>

#include <stdexcept>

namespace ds {

c10::Device preferred_device() {
    if (at::globalContext().hasCUDA()) return c10::Device(c10::DeviceType::CUDA, 0);
    return c10::Device(c10::DeviceType::CPU);
}

c10::Device parse_device(const std::string& name) {
    if (name.empty() || name == "auto") return preferred_device();
    c10::Device device(c10::DeviceType::CPU);
    try {
        device = c10::Device(name);
    } catch (const std::exception&) {
        throw std::invalid_argument("unknown device '" + name + "' (use auto, cpu or cuda)");
    }
    if (device.is_cuda() && !at::globalContext().hasCUDA())
        throw std::invalid_argument("device '" + name + "' is not available: this build of libtorch has no CUDA or no GPU is present");
    return device;
}

std::string device_description(const c10::Device& device) { return device.str(); }

void prepare_device(const c10::Device& device) {
    if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
}

at::ScalarType parse_compute_dtype(const std::string& name, const c10::Device& device) {
    at::ScalarType dtype;
    if (name.empty() || name == "auto") dtype = device.is_cuda() ? at::kHalf : at::kFloat;
    else if (name == "fp32" || name == "float32") dtype = at::kFloat;
    else if (name == "fp16" || name == "float16" || name == "half") dtype = at::kHalf;
    else if (name == "bf16" || name == "bfloat16") dtype = at::kBFloat16;
    else throw std::invalid_argument("unknown precision '" + name + "' (use auto, fp32, fp16 or bf16)");
    if (dtype != at::kFloat && !device.is_cuda())
        throw std::invalid_argument("precision " + name + " needs a CUDA device; on " + device.str() +
                                    " the networks run in fp32");
    return dtype;
}

std::string compute_dtype_name(at::ScalarType dtype) {
    switch (dtype) {
        case at::kFloat: return "fp32";
        case at::kHalf: return "fp16";
        case at::kBFloat16: return "bf16";
        default: return c10::toString(dtype);
    }
}

}  // namespace ds
