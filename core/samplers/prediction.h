#pragma once
// Converting a model output (epsilon or v) into estimates of x0 and epsilon.
#include <ATen/core/Tensor.h>

#include "core/samplers/sampler.h"

namespace ds {

struct Estimates {
    at::Tensor x0;
    at::Tensor eps;
};

// For samples in variance-preserving form x_t = sqrt(abar) x0 + sqrt(1 - abar) eps (Ho et al. 2020, eq. 4).
// v = sqrt(abar) eps - sqrt(1 - abar) x0 (Salimans & Ho 2022, section 4).
Estimates estimates_alpha_form(PredictionType type, const at::Tensor& output, const at::Tensor& sample,
                               double alpha_bar);

// For samples in variance-exploding form x = x0 + sigma eps, whose model input was divided by
// sqrt(sigma^2 + 1) (Karras et al. 2022, table 1, "VP" preconditioning).
Estimates estimates_sigma_form(PredictionType type, const at::Tensor& output, const at::Tensor& sample, double sigma);

}  // namespace ds
