// Euler ancestral: an Euler step down to sigma_down, then fresh noise of size sigma_up, with
// sigma_up^2 = sigma_next^2 (sigma^2 - sigma_next^2) / sigma^2 and sigma_down^2 = sigma_next^2 - sigma_up^2
// (k-diffusion's get_ancestral_step, eta = 1; the DDPM-like split of Karras et al. 2022, section 4).
#include <ATen/ATen.h>

#include <cmath>

#include "core/samplers/prediction.h"
#include "core/samplers/sampler_factories.h"
#include "core/samplers/sigma_sampler.h"

namespace ds {
namespace {

class EulerAncestralSampler final : public SigmaSampler {
public:
    explicit EulerAncestralSampler(SamplerConfig config) : SigmaSampler(std::move(config)) {}
    std::string name() const override { return "euler-a"; }

    StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) override {
        check_index(index);
        const double sigma = sigmas_[index];
        const double sigma_to = sigmas_[index + 1];
        Estimates e = estimates_sigma_form(config_.prediction, model_output, sample, sigma);
        const double sigma_up =
            std::sqrt(std::max(sigma_to * sigma_to * (sigma * sigma - sigma_to * sigma_to) / (sigma * sigma), 0.0));
        const double sigma_down = std::sqrt(std::max(sigma_to * sigma_to - sigma_up * sigma_up, 0.0));
        const at::Tensor derivative = (sample - e.x0) / sigma;
        at::Tensor prev = sample + derivative * (sigma_down - sigma);
        // The reference draws on every step, also the last (sigma_up = 0): keep the stream aligned.
        prev = prev + draw_noise(sample) * sigma_up;
        return {prev, e.x0, e.eps};
    }
};

}  // namespace

std::unique_ptr<Sampler> make_euler_ancestral_sampler(const SamplerConfig& config) {
    return std::make_unique<EulerAncestralSampler>(config);
}

}  // namespace ds
