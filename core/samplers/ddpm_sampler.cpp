// DDPM ancestral sampling (Ho et al. 2020, Algorithm 2) over a subset of timesteps, using the
// posterior q(x_prev | x_t, x0) of eq. 6-7 between consecutive planned steps.
#include <ATen/ATen.h>

#include <cmath>

#include "core/samplers/alpha_bar_sampler.h"
#include "core/samplers/prediction.h"
#include "core/samplers/sampler_factories.h"

namespace ds {
namespace {

class DdpmSampler final : public AlphaBarSampler {
public:
    explicit DdpmSampler(SamplerConfig config) : AlphaBarSampler(std::move(config), TimestepSpacing::Leading) {
        final_alpha_bar_ = 1.0;  // DDPM always ends on the clean sample
    }
    std::string name() const override { return "ddpm"; }

    StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) override {
        check_index(index);
        const int t = timestep_at(index);
        const double a_t = alpha_bar_at(t);
        const double a_prev = alpha_bar_at(next_timestep(index));
        const double beta_prod_t = 1.0 - a_t;
        const double beta_prod_prev = 1.0 - a_prev;
        const double cur_alpha = a_t / a_prev;
        const double cur_beta = 1.0 - cur_alpha;
        Estimates e = estimates_alpha_form(config_.prediction, model_output, sample, a_t);
        if (config_.clip_sample) {
            e.x0 = e.x0.clamp(-config_.clip_sample_range, config_.clip_sample_range);
            e.eps = (sample - e.x0 * std::sqrt(a_t)) / std::sqrt(beta_prod_t);
        }
        // eq. 7: posterior mean coefficients for x0 and x_t.
        const double c_x0 = std::sqrt(a_prev) * cur_beta / beta_prod_t;
        const double c_xt = std::sqrt(cur_alpha) * beta_prod_prev / beta_prod_t;
        at::Tensor prev = e.x0 * c_x0 + sample * c_xt;
        if (t > 0) {
            // "fixed_small" variance: beta~ = (1 - a_prev)/(1 - a_t) beta_t.
            const double variance = std::max(beta_prod_prev / beta_prod_t * cur_beta, 1e-20);
            prev = prev + draw_noise(sample) * std::sqrt(variance);
        }
        return {prev, e.x0, e.eps};
    }
};

}  // namespace

std::unique_ptr<Sampler> make_ddpm_sampler(const SamplerConfig& config) {
    return std::make_unique<DdpmSampler>(config);
}

}  // namespace ds
