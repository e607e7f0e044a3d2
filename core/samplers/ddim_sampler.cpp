// DDIM (Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12 and 16).
#include <ATen/ATen.h>

#include <cmath>

#include "core/samplers/alpha_bar_sampler.h"
#include "core/samplers/prediction.h"
#include "core/samplers/sampler_factories.h"

namespace ds {
namespace {

class DdimSampler final : public AlphaBarSampler {
public:
    explicit DdimSampler(SamplerConfig config) : AlphaBarSampler(std::move(config), TimestepSpacing::Leading) {}
    std::string name() const override { return "ddim"; }

    StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) override {
        check_index(index);
        const double a_t = alpha_bar_at(timestep_at(index));
        const double a_prev = alpha_bar_at(next_timestep(index));
        Estimates e = estimates_alpha_form(config_.prediction, model_output, sample, a_t);
        if (config_.clip_sample) {
            e.x0 = e.x0.clamp(-config_.clip_sample_range, config_.clip_sample_range);
            e.eps = (sample - e.x0 * std::sqrt(a_t)) / std::sqrt(1.0 - a_t);
        }
        // eq. 16: sigma_t(eta)^2 = eta^2 (1 - a_prev)/(1 - a_t) (1 - a_t/a_prev)
        const double variance = (1.0 - a_prev) / (1.0 - a_t) * (1.0 - a_t / a_prev);
        const double std_dev = config_.eta * std::sqrt(std::max(variance, 0.0));
        // eq. 12: x_prev = sqrt(a_prev) x0 + sqrt(1 - a_prev - sigma^2) eps + sigma z
        at::Tensor prev = e.x0 * std::sqrt(a_prev) + e.eps * std::sqrt(std::max(1.0 - a_prev - std_dev * std_dev, 0.0));
        if (std_dev > 0) prev = prev + draw_noise(sample) * std_dev;
        return {prev, e.x0, e.eps};
    }
};

}  // namespace

std::unique_ptr<Sampler> make_ddim_sampler(const SamplerConfig& config) {
    return std::make_unique<DdimSampler>(config);
}

}  // namespace ds
