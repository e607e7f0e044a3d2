// Heun's second-order method (Karras et al. 2022, Algorithm 1, deterministic): an Euler step to
// sigma_next, a second model call there, and the average of both slopes. The plan lists two model
// calls per step except the last, which is a plain Euler step to sigma = 0.
#include <ATen/ATen.h>

#include "core/samplers/prediction.h"
#include "core/samplers/sampler_factories.h"
#include "core/samplers/sigma_sampler.h"

namespace ds {
namespace {

class HeunSampler final : public SigmaSampler {
public:
    explicit HeunSampler(SamplerConfig config) : SigmaSampler(std::move(config)) {}
    std::string name() const override { return "heun"; }
    int order() const override { return 2; }

    StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) override {
        check_index(index);
        const bool first_order = !prev_derivative_.defined();
        if (first_order) {
            const double sigma = sigmas_[index];
            const double sigma_next = sigmas_[index + 1];
            Estimates e = estimates_sigma_form(config_.prediction, model_output, sample, sigma);
            const at::Tensor derivative = (sample - e.x0) / sigma;
            const double dt = sigma_next - sigma;
            if (sigma_next > 0) {  // a corrector call follows
                prev_derivative_ = derivative;
                dt_ = dt;
                start_sample_ = sample;
            }
            return {sample + derivative * dt, e.x0, e.eps};
        }
        // Corrector: the model was evaluated at sigma_next = sigmas_[index].
        const double sigma_next = sigmas_[index];
        Estimates e = estimates_sigma_form(config_.prediction, model_output, sample, sigma_next);
        const at::Tensor derivative = ((sample - e.x0) / sigma_next + prev_derivative_) / 2.0;
        at::Tensor prev = start_sample_ + derivative * dt_;
        prev_derivative_ = at::Tensor();
        start_sample_ = at::Tensor();
        return {prev, e.x0, e.eps};
    }

protected:
    void on_timesteps_set() override {
        // [t0, t1, t1, t2, t2, ...] and [s0, s1, s1, ..., s_{n-1}, s_{n-1}, 0]
        std::vector<double> ts{timesteps_.front()};
        std::vector<double> sig{sigmas_.front()};
        for (size_t i = 1; i < timesteps_.size(); ++i) {
            ts.insert(ts.end(), 2, timesteps_[i]);
            sig.insert(sig.end(), 2, sigmas_[i]);
        }
        sig.push_back(sigmas_.back());
        timesteps_ = std::move(ts);
        sigmas_ = std::move(sig);
        prev_derivative_ = at::Tensor();
        start_sample_ = at::Tensor();
    }

private:
    at::Tensor prev_derivative_;
    at::Tensor start_sample_;
    double dt_ = 0;
};

}  // namespace

std::unique_ptr<Sampler> make_heun_sampler(const SamplerConfig& config) {
    return std::make_unique<HeunSampler>(config);
}

}  // namespace ds
