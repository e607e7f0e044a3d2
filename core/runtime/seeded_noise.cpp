#include "core/runtime/seeded_noise.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace ds {

// torch's CPU generator (mt19937) seeded like torch.manual_seed(seed). Its normal sampler fills
// serially, so the draw does not depend on the intra-op thread count.
struct NoiseStream::Impl {
    at::Generator generator;
};

NoiseStream::NoiseStream(uint64_t seed) : impl_(std::make_unique<Impl>()) {
    impl_->generator = at::detail::createCPUGenerator(seed);
}
NoiseStream::~NoiseStream() = default;
NoiseStream::NoiseStream(NoiseStream&&) noexcept = default;
NoiseStream& NoiseStream::operator=(NoiseStream&&) noexcept = default;

at::Tensor NoiseStream::randn(at::IntArrayRef shape) {
    // at::randn locks the generator itself (its mutex is not recursive: do not lock it here).
    return at::randn(shape, impl_->generator, at::TensorOptions().dtype(at::kFloat));
}

at::Tensor NoiseStream::randn_like(const at::Tensor& like) {
    return randn(like.sizes()).to(like.options());
}

at::Tensor seeded_randn(uint64_t seed, at::IntArrayRef shape) { return NoiseStream(seed).randn(shape); }

}  // namespace ds
