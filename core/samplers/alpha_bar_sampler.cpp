#include "core/samplers/alpha_bar_sampler.h"

#include <cmath>

namespace ds {

AlphaBarSampler::AlphaBarSampler(SamplerConfig config, TimestepSpacing default_spacing)
    : Sampler(std::move(config)),
      spacing_(config_.spacing.value_or(default_spacing)),
      alphas_cumprod_(alphas_cumprod_f32(config_.schedule, schedule_)) {
    // DDIM paper, section 4.2 / diffusers' set_alpha_to_one: the last step lands either on a clean
    // sample (alpha_bar = 1) or on the first train step's level.
    final_alpha_bar_ = config_.set_alpha_to_one ? 1.0 : alphas_cumprod_.front();
}

void AlphaBarSampler::set_timesteps(int steps) {
    check_steps(steps);
    inference_steps_ = steps;
    timesteps_ = spaced_timesteps(spacing_, schedule_.size(), steps, config_.steps_offset);
    fill_sigmas();
}

double AlphaBarSampler::alpha_bar_at(int t) const {
    return t < 0 ? final_alpha_bar_ : alphas_cumprod_.at(static_cast<size_t>(t));
}

int AlphaBarSampler::next_timestep(size_t index) const {
    return index + 1 < timesteps_.size() ? timestep_at(index + 1) : -1;
}

void AlphaBarSampler::fill_sigmas() {
    sigmas_.clear();
    for (double t : timesteps_) {
        const double ab = alpha_bar_at(static_cast<int>(t));
        sigmas_.push_back(std::sqrt((1.0 - ab) / ab));
    }
    sigmas_.push_back(std::sqrt((1.0 - final_alpha_bar_) / final_alpha_bar_));
}

}  // namespace ds
