#pragma once
// The closed-form forward process of DDPM (Ho et al. 2020, eq. 4) and its posterior (eq. 6-7).
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "core/schedule/noise_schedule.h"

namespace ds {

// q(x_t | x_0) sample: sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps.
// `timesteps` is an int64 tensor of shape [B] (one t per batch row of x0) or a 0-dim tensor.
at::Tensor q_sample(const NoiseSchedule& schedule, const at::Tensor& x0, const at::Tensor& timesteps,
                    const at::Tensor& noise);
at::Tensor q_sample(const NoiseSchedule& schedule, const at::Tensor& x0, int t, const at::Tensor& noise);

// Training noise for x0 of shape `sizes` [B, C, ...]: N(0, I), plus `offset` * N(0, 1) shared by all
// pixels of each (sample, channel) when offset > 0 ("offset noise", Guttenberg 2023). Plain noise
// leaves the mean of each channel nearly noise-free (its std is 1/sqrt(pixels), 1/16 on 16x16
// latents), so at high t the model reads an image's overall colour from x_t instead of its caption,
// and at sampling time that colour comes from the seed. offset = 0 draws exactly at::normal's noise.
at::Tensor draw_training_noise(at::IntArrayRef sizes, double offset, at::Generator& gen);

struct Posterior {
    at::Tensor mean;
    double variance = 0.0;
    double log_variance_clipped = 0.0;
};
// q(x_{t-1} | x_t, x_0) for one t in [0, T).
Posterior q_posterior(const NoiseSchedule& schedule, const at::Tensor& x0, const at::Tensor& xt, int t);

}  // namespace ds
