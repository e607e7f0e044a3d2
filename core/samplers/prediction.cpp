#include "core/samplers/prediction.h"

#include <ATen/ATen.h>

#include <cmath>

namespace ds {

Estimates estimates_alpha_form(PredictionType type, const at::Tensor& output, const at::Tensor& sample,
                               double alpha_bar) {
    const double a = std::sqrt(alpha_bar);
    const double b = std::sqrt(1.0 - alpha_bar);
    if (type == PredictionType::Epsilon) return {(sample - output * b) / a, output};
    return {sample * a - output * b, output * a + sample * b};
}

Estimates estimates_sigma_form(PredictionType type, const at::Tensor& output, const at::Tensor& sample, double sigma) {
    if (type == PredictionType::Epsilon) return {sample - output * sigma, output};
    const double s2 = sigma * sigma + 1.0;
    at::Tensor x0 = output * (-sigma / std::sqrt(s2)) + sample / s2;
    at::Tensor eps = sigma > 0 ? (sample - x0) / sigma : at::zeros_like(sample);
    return {x0, eps};
}

}  // namespace ds
