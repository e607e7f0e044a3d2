#pragma once
// Shared base of the samplers that work on alpha_bar at integer timesteps (DDPM, DDIM, PNDM).
#include "core/samplers/sampler.h"
#include "core/samplers/sigma_tables.h"

namespace ds {

class AlphaBarSampler : public Sampler {
public:
    void set_timesteps(int steps) override;

protected:
    AlphaBarSampler(SamplerConfig config, TimestepSpacing default_spacing);
    // alpha_bar at train step t (float32 table, as the reference); t < 0 means "after the last step".
    double alpha_bar_at(int t) const;
    // The timestep that follows index `index` in the plan, -1 after the last.
    int next_timestep(size_t index) const;
    int timestep_at(size_t index) const { return static_cast<int>(timesteps_[index]); }
    void fill_sigmas();

    TimestepSpacing spacing_;
    std::vector<double> alphas_cumprod_;
    double final_alpha_bar_;
};

}  // namespace ds
