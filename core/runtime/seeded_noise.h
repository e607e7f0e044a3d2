#pragma once
// Seeded Gaussian noise that means what it means in the reference tools: torch's CPU generator
// after manual_seed(seed), drawing randn(shape) in float32, whatever the thread count and device.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace ds {

at::Tensor seeded_randn(uint64_t seed, at::IntArrayRef shape);

// A stateful stream: successive draws continue the same generator (as torch.randn after one seed).
class NoiseStream {
public:
    explicit NoiseStream(uint64_t seed);
    ~NoiseStream();
    NoiseStream(NoiseStream&&) noexcept;
    NoiseStream& operator=(NoiseStream&&) noexcept;
    at::Tensor randn(at::IntArrayRef shape);
    at::Tensor randn_like(const at::Tensor& like);  // drawn on the CPU in float32, then moved

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ds
