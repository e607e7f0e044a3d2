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

}  // namespace ds
