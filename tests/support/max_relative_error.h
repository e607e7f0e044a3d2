#pragma once
// max |got - want| / max |want|, both taken to double first: how far a float kernel lands from its
// float64 reference, relative to the reference's scale.
#include <ATen/ATen.h>

namespace ds::test {

inline double max_relative_error(const at::Tensor& got, const at::Tensor& want) {
    const at::Tensor w = want.to(at::kDouble);
    return ((got.to(at::kDouble) - w).abs().max() / w.abs().max().clamp_min(1e-12)).item<double>();
}

}  // namespace ds::test
