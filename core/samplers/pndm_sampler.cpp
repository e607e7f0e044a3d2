// PNDM (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models"): Runge-Kutta warm-up
// steps (PRK, optional) then linear multistep (PLMS, eq. 12) on the DDIM transfer function (eq. 11).
// The step bookkeeping follows diffusers' PNDMScheduler so that results match it.
#include <ATen/ATen.h>

#include <cmath>

#include "core/samplers/alpha_bar_sampler.h"
#include "core/samplers/sampler_factories.h"

namespace ds {
namespace {

class PndmSampler final : public AlphaBarSampler {
public:
    explicit PndmSampler(SamplerConfig config) : AlphaBarSampler(std::move(config), TimestepSpacing::Leading) {}
    std::string name() const override { return "pndm"; }

    void set_timesteps(int steps) override {
        check_steps(steps);
        inference_steps_ = steps;
        const int T = schedule_.size();
        ratio_ = T / steps;
        std::vector<double> base = spaced_timesteps(spacing_, T, steps, config_.steps_offset);
        std::reverse(base.begin(), base.end());  // ascending
        timesteps_.clear();
        prk_count_ = 0;
        if (config_.skip_prk_steps || steps < 4) {
            // PLMS from the start: the second-to-last entry is repeated for the warm-up step.
            std::vector<double> plms(base.begin(), base.end() - 1);
            if (base.size() >= 2) plms.push_back(base[base.size() - 2]);
            plms.push_back(base.back());
            timesteps_.assign(plms.rbegin(), plms.rend());
        } else {
            // Three RK4 steps over the last 4 timesteps, each evaluated at t, t - r/2, t - r/2, t - r.
            std::vector<double> prk;
            for (size_t i = base.size() - 4; i < base.size(); ++i) {
                prk.push_back(base[i]);
                prk.push_back(base[i] + ratio_ / 2);
            }
            prk.pop_back();
            std::vector<double> doubled;
            for (double v : prk) {
                doubled.push_back(v);
                doubled.push_back(v);
            }
            std::vector<double> prk_final(doubled.begin() + 1, doubled.end() - 1);
            timesteps_.assign(prk_final.rbegin(), prk_final.rend());
            prk_count_ = timesteps_.size();
            for (size_t i = base.size() - 3; i-- > 0;) timesteps_.push_back(base[i]);
        }
        counter_ = 0;
        ets_.clear();
        cur_sample_ = at::Tensor();
        cur_model_output_ = at::Tensor();
        fill_sigmas();
    }

    StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) override {
        check_index(index);
        const int t = timestep_at(index);
        if (index < prk_count_) return step_prk(model_output, t, sample);
        return step_plms(model_output, t, sample);
    }

private:
    StepResult step_prk(const at::Tensor& model_output, int t, const at::Tensor& sample) {
        const int diff = counter_ % 2 ? 0 : ratio_ / 2;
        const int prev_t = t - diff;
        const int base_t = timestep_at(static_cast<size_t>(counter_ / 4 * 4));
        at::Tensor eps = eps_from(model_output, sample, t);
        at::Tensor used;
        switch (counter_ % 4) {
            case 0:
                cur_model_output_ = eps / 6.0;
                ets_.push_back(eps);
                cur_sample_ = sample;
                used = eps;
                break;
            case 1:
            case 2:
                cur_model_output_ = cur_model_output_ + eps / 3.0;
                used = eps;
                break;
            default:
                used = cur_model_output_ + eps / 6.0;
                cur_model_output_ = at::zeros_like(eps);
                break;
        }
        const at::Tensor& from = cur_sample_.defined() ? cur_sample_ : sample;
        ++counter_;
        return transfer(from, base_t, prev_t, used);
    }

    StepResult step_plms(const at::Tensor& model_output, int t, const at::Tensor& sample) {
        int prev_t = t - ratio_;
        at::Tensor eps = eps_from(model_output, sample, t);
        if (counter_ != 1) {
            if (ets_.size() > 3) ets_.erase(ets_.begin(), ets_.end() - 3);
            ets_.push_back(eps);
        } else {
            prev_t = t;
            t = t + ratio_;
        }
        at::Tensor combined;
        at::Tensor from = sample;
        const size_t n = ets_.size();
        if (n == 1 && counter_ == 0) {
            combined = eps;
            cur_sample_ = sample;
        } else if (n == 1 && counter_ == 1) {
            combined = (eps + ets_.back()) / 2.0;
            from = cur_sample_;
            cur_sample_ = at::Tensor();
        } else if (n == 2) {
            combined = (ets_[1] * 3.0 - ets_[0]) / 2.0;
        } else if (n == 3) {
            combined = (ets_[2] * 23.0 - ets_[1] * 16.0 + ets_[0] * 5.0) / 12.0;
        } else {
            combined = (ets_[n - 1] * 55.0 - ets_[n - 2] * 59.0 + ets_[n - 3] * 37.0 - ets_[n - 4] * 9.0) / 24.0;
        }
        ++counter_;
        return transfer(from, t, prev_t, combined);
    }

    at::Tensor eps_from(const at::Tensor& model_output, const at::Tensor& sample, int t) const {
        if (config_.prediction == PredictionType::Epsilon) return model_output;
        const double a = alpha_bar_at(t);
        return model_output * std::sqrt(a) + sample * std::sqrt(1.0 - a);
    }

    // eq. 11: x_prev = sqrt(a_prev/a_t) x_t - (a_prev - a_t) eps / (a_t sqrt(1 - a_prev) + sqrt(a_t (1 - a_t) a_prev))
    StepResult transfer(const at::Tensor& sample, int t, int prev_t, const at::Tensor& eps) const {
        const double a_t = alpha_bar_at(t);
        const double a_prev = alpha_bar_at(prev_t);
        const double denom = a_t * std::sqrt(1.0 - a_prev) + std::sqrt(a_t * (1.0 - a_t) * a_prev);
        at::Tensor prev = sample * std::sqrt(a_prev / a_t) - eps * ((a_prev - a_t) / denom);
        at::Tensor x0 = (sample - eps * std::sqrt(1.0 - a_t)) / std::sqrt(a_t);
        return {prev, x0, eps};
    }

    int ratio_ = 0;
    size_t prk_count_ = 0;
    int counter_ = 0;
    std::vector<at::Tensor> ets_;
    at::Tensor cur_sample_;
    at::Tensor cur_model_output_;
};

}  // namespace

std::unique_ptr<Sampler> make_pndm_sampler(const SamplerConfig& config) {
    return std::make_unique<PndmSampler>(config);
}

}  // namespace ds
