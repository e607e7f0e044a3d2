#include "core/samplers/sigma_sampler.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

namespace ds {

SigmaSampler::SigmaSampler(SamplerConfig config)
    : Sampler(std::move(config)),
      spacing_(config_.spacing.value_or(TimestepSpacing::Linspace)),
      train_sigmas_(train_sigmas(config_.schedule, schedule_)) {}

void SigmaSampler::set_timesteps(int steps) {
    check_steps(steps);
    inference_steps_ = steps;
    const int T = schedule_.size();
    std::vector<double> ts;
    if (spacing_ == TimestepSpacing::Linspace) {
        // Fractional timesteps: linspace(0, T-1, n) without rounding, as the reference does.
        ts.resize(static_cast<size_t>(steps));
        for (int i = 0; i < steps; ++i) {
            ts[static_cast<size_t>(steps - 1 - i)] = steps == 1 ? 0.0 : static_cast<double>(T - 1) * i / (steps - 1);
        }
    } else {
        ts = spaced_timesteps(spacing_, T, steps, config_.steps_offset);
    }
    std::vector<double> sig(ts.size());
    for (size_t i = 0; i < ts.size(); ++i) sig[i] = interpolate_sigma(train_sigmas_, ts[i]);
    if (config_.karras) {
        sig = karras_sigmas(sig.back(), sig.front(), steps);
        for (size_t i = 0; i < sig.size(); ++i) ts[i] = sigma_to_t(train_sigmas_, sig[i]);
    }
    for (double& s : sig) s = f32(s);
    for (double& t : ts) t = f32(t);
    sig.push_back(0.0);
    timesteps_ = std::move(ts);
    sigmas_ = std::move(sig);
    on_timesteps_set();
}

double SigmaSampler::init_noise_sigma() const {
    const double max_sigma = sigmas_.empty() ? train_sigmas_.back() : *std::max_element(sigmas_.begin(), sigmas_.end());
    // Leading spacing starts below the top of the schedule; the reference then starts from the
    // variance-preserving norm sqrt(sigma^2 + 1) rather than sigma.
    if (spacing_ == TimestepSpacing::Leading) return std::sqrt(max_sigma * max_sigma + 1.0);
    return max_sigma;
}

at::Tensor SigmaSampler::scale_model_input(const at::Tensor& sample, size_t index) const {
    check_index(index);
    const double s = sigmas_[index];
    return sample / std::sqrt(s * s + 1.0);
}

at::Tensor SigmaSampler::add_noise(const at::Tensor& x0, const at::Tensor& noise, size_t index) const {
    check_index(index);
    return x0 + noise * sigmas_[index];
}

}  // namespace ds
