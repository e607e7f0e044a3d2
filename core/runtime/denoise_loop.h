#pragma once
// The generic reverse-process loop: a sampler plus any model function.
#include <ATen/core/Tensor.h>

#include <functional>

#include "core/runtime/cancel_token.h"
#include "core/runtime/step_event.h"
#include "core/samplers/sampler.h"

namespace ds {

// model(x_scaled, t) -> the raw model output (epsilon or v, as the sampler's config says).
using ModelFunction = std::function<at::Tensor(const at::Tensor& x, double timestep)>;
using StepCallback = std::function<void(const StepEvent&)>;

// Replaces the sample after the step at `index` (inpainting blends); the event sees the result.
using AfterStep = std::function<at::Tensor(size_t index, const at::Tensor& sample)>;

struct DenoiseOptions {
    const CancelToken* cancel = nullptr;  // checked before every model call; throws ds::Cancelled
    StepCallback on_step;
    AfterStep after_step;
};

// Runs every model call of `sampler` (set_timesteps already done) from `noise` (unit normal);
// returns the final sample. The start is noise * init_noise_sigma.
at::Tensor denoise(Sampler& sampler, const ModelFunction& model, const at::Tensor& noise,
                   const DenoiseOptions& options = {});

// Same, from an already-prepared sample at timesteps()[start_index] (img2img and inpainting).
at::Tensor denoise_from(Sampler& sampler, const ModelFunction& model, at::Tensor sample, size_t start_index,
                        const DenoiseOptions& options = {});

}  // namespace ds
