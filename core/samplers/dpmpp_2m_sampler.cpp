// DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++", Algorithm 2, data prediction, midpoint form),
// with the timestep plan and final-step conventions of diffusers' DPMSolverMultistepScheduler:
// first order on the first step and, with fewer than 15 steps, on the last one.
#include <ATen/ATen.h>

#include <cmath>

#include "core/samplers/prediction.h"
#include "core/samplers/sampler_factories.h"
#include "core/samplers/sigma_tables.h"

namespace ds {
namespace {

class DpmPp2mSampler final : public Sampler {
public:
    explicit DpmPp2mSampler(SamplerConfig config)
        : Sampler(std::move(config)),
          spacing_(config_.spacing.value_or(TimestepSpacing::Linspace)),
          train_sigmas_(train_sigmas(config_.schedule, schedule_)) {}
    std::string name() const override { return "dpmpp-2m"; }
    int order() const override { return 2; }

    void set_timesteps(int steps) override {
        check_steps(steps);
        inference_steps_ = steps;
        const int T = schedule_.size();
        std::vector<double> ts(static_cast<size_t>(steps));
        switch (spacing_) {
            case TimestepSpacing::Linspace:  // n + 1 points of linspace(0, T - 1), the last (0) dropped
                for (int i = 0; i < steps; ++i)
                    ts[static_cast<size_t>(i)] = std::nearbyint(static_cast<double>(T - 1) * (steps - i) / steps);
                break;
            case TimestepSpacing::Leading: {
                const int ratio = T / (steps + 1);
                for (int i = 0; i < steps; ++i)
                    ts[static_cast<size_t>(i)] = std::min((steps - i) * ratio + config_.steps_offset, T - 1);
                break;
            }
            case TimestepSpacing::Trailing:
                ts = spaced_timesteps(TimestepSpacing::Trailing, T, steps, 0);
                break;
        }
        std::vector<double> sig;
        if (config_.karras) {
            sig = karras_sigmas(train_sigmas_.front(), train_sigmas_.back(), steps);
            for (size_t i = 0; i < sig.size(); ++i) ts[i] = std::nearbyint(sigma_to_t(train_sigmas_, sig[i]));
            sig.push_back(sig.back());
        } else {
            for (double t : ts) sig.push_back(interpolate_sigma(train_sigmas_, t));
            sig.push_back(train_sigmas_.front());  // ends on the first train level, not 0 (as the reference)
        }
        for (double& s : sig) s = f32(s);
        timesteps_ = std::move(ts);
        sigmas_ = std::move(sig);
        previous_x0_ = at::Tensor();
        lower_order_count_ = 0;
    }

    StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) override {
        check_index(index);
        const size_t n = timesteps_.size();
        const bool lower_order_final = index == n - 1 && n < 15;
        const double sigma_s = sigmas_[index];
        const double sigma_t = sigmas_[index + 1];
        // sigma -> (alpha, sigma) of the variance-preserving process: alpha = 1/sqrt(1 + sigma^2).
        const double alpha_s = 1.0 / std::sqrt(sigma_s * sigma_s + 1.0);
        const double alpha_t = 1.0 / std::sqrt(sigma_t * sigma_t + 1.0);
        const double vp_sigma_s = sigma_s * alpha_s;
        const double vp_sigma_t = sigma_t * alpha_t;
        const double lambda_s = std::log(alpha_s) - std::log(vp_sigma_s);
        const double lambda_t = std::log(alpha_t) - std::log(vp_sigma_t);
        const double h = lambda_t - lambda_s;

        // Data prediction x0 = (x - sigma eps)/alpha in VP terms (the sample here is in VP form).
        at::Tensor x0;
        at::Tensor eps;
        if (config_.prediction == PredictionType::Epsilon) {
            x0 = (sample - model_output * vp_sigma_s) / alpha_s;
            eps = model_output;
        } else {
            x0 = sample * alpha_s - model_output * vp_sigma_s;
            eps = sample * vp_sigma_s + model_output * alpha_s;
        }

        at::Tensor prev;
        const double phi = std::expm1(-h);  // exp(-h) - 1
        if (lower_order_count_ < 1 || lower_order_final || !previous_x0_.defined()) {
            // eq. (first order): x_t = (sigma_t/sigma_s) x - alpha_t (e^{-h} - 1) x0
            prev = sample * (vp_sigma_t / vp_sigma_s) - x0 * (alpha_t * phi);
        } else {
            const double sigma_prev = sigmas_[index - 1];
            const double alpha_p = 1.0 / std::sqrt(sigma_prev * sigma_prev + 1.0);
            const double lambda_p = std::log(alpha_p) - std::log(sigma_prev * alpha_p);
            const double r = (lambda_s - lambda_p) / h;
            const at::Tensor d1 = (x0 - previous_x0_) / r;
            prev = sample * (vp_sigma_t / vp_sigma_s) - x0 * (alpha_t * phi) - d1 * (0.5 * alpha_t * phi);
        }
        previous_x0_ = x0;
        if (lower_order_count_ < 2) ++lower_order_count_;
        return {prev, x0, eps};
    }

private:
    TimestepSpacing spacing_;
    std::vector<double> train_sigmas_;
    at::Tensor previous_x0_;
    int lower_order_count_ = 0;
};

}  // namespace

std::unique_ptr<Sampler> make_dpmpp_2m_sampler(const SamplerConfig& config) {
    return std::make_unique<DpmPp2mSampler>(config);
}

}  // namespace ds
