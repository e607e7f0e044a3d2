#pragma once
// Shared base of the samplers that integrate in sigma (Karras et al. 2022 / k-diffusion form):
// x = x0 + sigma eps, model input x / sqrt(sigma^2 + 1). Euler, Euler a, Heun and LMS.
#include "core/samplers/sampler.h"
#include "core/samplers/sigma_tables.h"

namespace ds {

class SigmaSampler : public Sampler {
public:
    void set_timesteps(int steps) override;
    double init_noise_sigma() const override;
    at::Tensor scale_model_input(const at::Tensor& sample, size_t index) const override;
    at::Tensor add_noise(const at::Tensor& x0, const at::Tensor& noise, size_t index) const override;

protected:
    explicit SigmaSampler(SamplerConfig config);
    // Called by set_timesteps after the base plan (one sigma per step plus a final 0) is made.
    virtual void on_timesteps_set() {}

    TimestepSpacing spacing_;
    std::vector<double> train_sigmas_;
};

}  // namespace ds
