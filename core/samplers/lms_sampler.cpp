// Linear multistep (order up to 4) on the probability-flow ODE in sigma (Karras et al. 2022,
// k-diffusion's sample_lms): the slope history is integrated against Lagrange basis polynomials.
#include <ATen/ATen.h>

#include <array>
#include <deque>

#include "core/samplers/prediction.h"
#include "core/samplers/sampler_factories.h"
#include "core/samplers/sigma_sampler.h"

namespace ds {
namespace {

constexpr int kLmsOrder = 4;

class LmsSampler final : public SigmaSampler {
public:
    explicit LmsSampler(SamplerConfig config) : SigmaSampler(std::move(config)) {}
    std::string name() const override { return "lms"; }

    StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) override {
        check_index(index);
        const double sigma = sigmas_[index];
        Estimates e = estimates_sigma_form(config_.prediction, model_output, sample, sigma);
        derivatives_.push_back((sample - e.x0) / sigma);
        if (derivatives_.size() > static_cast<size_t>(kLmsOrder)) derivatives_.pop_front();
        const int order = std::min(static_cast<int>(index) + 1, kLmsOrder);
        at::Tensor prev = sample;
        for (int k = 0; k < order; ++k) {
            const double coeff = lms_coefficient(order, static_cast<int>(index), k);
            prev = prev + derivatives_[derivatives_.size() - 1 - static_cast<size_t>(k)] * coeff;
        }
        return {prev, e.x0, e.eps};
    }

protected:
    void on_timesteps_set() override { derivatives_.clear(); }

private:
    // Integral over [sigma_i, sigma_{i+1}] of the Lagrange basis polynomial of node i - k among the
    // nodes sigma_i, ..., sigma_{i-order+1}. The integrand has degree < 4, so 3-point Gauss-Legendre
    // quadrature is exact.
    double lms_coefficient(int order, int i, int k) const {
        auto basis = [&](double tau) {
            double prod = 1.0;
            for (int j = 0; j < order; ++j) {
                if (j == k) continue;
                prod *= (tau - sigmas_[static_cast<size_t>(i - j)]) /
                        (sigmas_[static_cast<size_t>(i - k)] - sigmas_[static_cast<size_t>(i - j)]);
            }
            return prod;
        };
        const double a = sigmas_[static_cast<size_t>(i)];
        const double b = sigmas_[static_cast<size_t>(i + 1)];
        static constexpr std::array<double, 3> nodes{-0.7745966692414834, 0.0, 0.7745966692414834};
        static constexpr std::array<double, 3> weights{5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0};
        double sum = 0.0;
        for (size_t q = 0; q < nodes.size(); ++q) sum += weights[q] * basis((a + b) / 2 + (b - a) / 2 * nodes[q]);
        return sum * (b - a) / 2;
    }

    std::deque<at::Tensor> derivatives_;
};

}  // namespace

std::unique_ptr<Sampler> make_lms_sampler(const SamplerConfig& config) {
    return std::make_unique<LmsSampler>(config);
}

}  // namespace ds
