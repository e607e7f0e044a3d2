#pragma once
// What the denoising loop reports after every step, for the live panels and traces.
#include <ATen/core/Tensor.h>

namespace ds {

struct StepEvent {
    int index = 0;        // 0-based model call
    int count = 0;        // total model calls of the run
    double timestep = 0;  // model-facing t of this call
    double sigma = 0;     // noise level sigma_t of the input of this call
    at::Tensor xt;        // the sample after this step (next noise level)
    at::Tensor x0_pred;   // the model's estimate of the clean sample
    at::Tensor eps_pred;  // the model's noise estimate (after guidance), epsilon form
    double ms = 0;        // wall time of this step
};

}  // namespace ds
