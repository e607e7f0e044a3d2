#pragma once
// Timestep selection and sigma tables shared by the samplers (diffusers 0.24 conventions).
#include <vector>

#include "core/samplers/sampler.h"

namespace ds {

// Integer timesteps for `steps` of `T` train steps, descending.
//  leading:  (0..n-1) * (T / n) + offset           (DDIM paper's "uniform" skip, SD 1.x default)
//  trailing: round(T, T - T/n, ...) - 1            (Lin et al. 2023, table 2)
//  linspace: round(linspace(0, T - 1, n))
std::vector<double> spaced_timesteps(TimestepSpacing spacing, int T, int steps, int steps_offset);

// sigma_t = sqrt((1 - alpha_bar_t) / alpha_bar_t) for every train step, computed in float32 from
// the float32 alpha_bar table, as the reference does.
std::vector<double> train_sigmas(const ScheduleConfig& config, const NoiseSchedule& schedule);
// alpha_bar as the reference's float32 table (float32 betas, see the .cpp), widened to double.
std::vector<double> alphas_cumprod_f32(const ScheduleConfig& config, const NoiseSchedule& schedule);

// Piecewise-linear interpolation of sigma over (fractional) t.
double interpolate_sigma(const std::vector<double>& sigmas, double t);
// The fractional t whose log-sigma interpolates to log(sigma) (inverse of the above in log space).
double sigma_to_t(const std::vector<double>& sigmas, double sigma);
// Karras et al. 2022, eq. 5: sigma_i = (smax^(1/rho) + i/(n-1) (smin^(1/rho) - smax^(1/rho)))^rho, rho = 7.
std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int n, double rho = 7.0);

// Rounds to float32 and back: the reference samplers keep their tables in float32.
inline double f32(double v) { return static_cast<double>(static_cast<float>(v)); }

}  // namespace ds
