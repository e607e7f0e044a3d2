// Euler's method on the probability-flow ODE dx/dsigma = (x - x0)/sigma (Karras et al. 2022, Algorithm 1
// without churn).
#include <ATen/ATen.h>

#include "core/samplers/prediction.h"
#include "core/samplers/sampler_factories.h"
#include "core/samplers/sigma_sampler.h"

namespace ds {
namespace {

class EulerSampler final : public SigmaSampler {
public:
    explicit EulerSampler(SamplerConfig config) : SigmaSampler(std::move(config)) {}
    std::string name() const override { return "euler"; }

    StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) override {
        check_index(index);
        const double sigma = sigmas_[index];
        const double sigma_next = sigmas_[index + 1];
        Estimates e = estimates_sigma_form(config_.prediction, model_output, sample, sigma);
        const at::Tensor derivative = (sample - e.x0) / sigma;
        return {sample + derivative * (sigma_next - sigma), e.x0, e.eps};
    }
};

}  // namespace

std::unique_ptr<Sampler> make_euler_sampler(const SamplerConfig& config) {
    return std::make_unique<EulerSampler>(config);
}

}  // namespace ds
