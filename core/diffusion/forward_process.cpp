#include "core/diffusion/forward_process.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace ds {
namespace {

void check_same_shape(const at::Tensor& a, const at::Tensor& b, const char* what) {
    if (!a.sizes().equals(b.sizes()))
        throw std::invalid_argument(std::string(what) + ": x0 and noise have different shapes");
}

}  // namespace

at::Tensor q_sample(const NoiseSchedule& schedule, const at::Tensor& x0, const at::Tensor& timesteps,
                    const at::Tensor& noise) {
    check_same_shape(x0, noise, "q_sample");
    if (x0.dim() < 1) throw std::invalid_argument("q_sample: x0 needs a batch dimension");
    const at::Tensor t = timesteps.to(at::kCPU, at::kLong).reshape({-1});
    const int64_t batch = x0.size(0);
    if (t.numel() != 1 && t.numel() != batch)
        throw std::invalid_argument("q_sample: need one timestep or one per batch row");
    // Coefficients looked up in double, applied in the sample's dtype: eq. 4 of Ho et al. 2020.
    std::vector<double> a(static_cast<size_t>(t.numel())), b(a.size());
    const int64_t* tp = t.data_ptr<int64_t>();
    for (int64_t i = 0; i < t.numel(); ++i) {
        const int ti = static_cast<int>(tp[i]);
        if (tp[i] < 0 || tp[i] >= schedule.size())
            throw std::out_of_range("q_sample: timestep " + std::to_string(tp[i]) + " outside [0, " +
                                    std::to_string(schedule.size()) + ")");
        a[static_cast<size_t>(i)] = schedule.sqrt_alpha_bar(ti);
        b[static_cast<size_t>(i)] = schedule.sqrt_one_minus_alpha_bar(ti);
    }
    std::vector<int64_t> coef_shape(static_cast<size_t>(x0.dim()), 1);
    coef_shape[0] = t.numel();
    const auto opts = at::TensorOptions().dtype(at::kDouble);
    const at::Tensor ca = at::from_blob(a.data(), {t.numel()}, opts).to(x0.options()).reshape(coef_shape);
    const at::Tensor cb = at::from_blob(b.data(), {t.numel()}, opts).to(x0.options()).reshape(coef_shape);
    return ca * x0 + cb * noise;
}

at::Tensor q_sample(const NoiseSchedule& schedule, const at::Tensor& x0, int t, const at::Tensor& noise) {
    check_same_shape(x0, noise, "q_sample");
    if (t < 0 || t >= schedule.size())
        throw std::out_of_range("q_sample: timestep " + std::to_string(t) + " outside [0, " +
                                std::to_string(schedule.size()) + ")");
    return x0 * schedule.sqrt_alpha_bar(t) + noise * schedule.sqrt_one_minus_alpha_bar(t);
}

Posterior q_posterior(const NoiseSchedule& schedule, const at::Tensor& x0, const at::Tensor& xt, int t) {
    check_same_shape(x0, xt, "q_posterior");
    // Ho et al. 2020, eq. 7: mu~ = sqrt(abar_{t-1}) beta_t / (1 - abar_t) x0
    //                               + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) x_t
    const double ab = schedule.alpha_bar(t);
    const double ab_prev = t > 0 ? schedule.alpha_bar(t - 1) : 1.0;
    const double beta = schedule.beta(t);
    const double c0 = std::sqrt(ab_prev) * beta / (1.0 - ab);
    const double ct = std::sqrt(schedule.alpha(t)) * (1.0 - ab_prev) / (1.0 - ab);
    Posterior p;
    p.mean = x0 * c0 + xt * ct;
    p.variance = schedule.posterior_variance(t);
    // log(0) at t = 0 is clipped to the next variance, as in the DDPM reference code.
    const double v_for_log = (t == 0 && schedule.size() > 1) ? schedule.posterior_variance(1) : p.variance;
    p.log_variance_clipped = std::log(v_for_log);
    return p;
}

at::Tensor draw_training_noise(at::IntArrayRef sizes, double offset, at::Generator& gen) {
    if (!(offset >= 0 && offset <= 1)) throw std::invalid_argument("offset noise must be between 0 and 1");
    if (sizes.size() < 2) throw std::invalid_argument("training noise needs a [batch, channels, ...] shape");
    const auto options = at::TensorOptions().dtype(at::kFloat);
    at::Tensor noise = at::normal(0.0, 1.0, sizes, gen, options);
    if (offset == 0) return noise;
    std::vector<int64_t> per_channel(sizes.size(), 1);
    per_channel[0] = sizes[0];
    per_channel[1] = sizes[1];
    return noise.add_(at::normal(0.0, 1.0, per_channel, gen, options), offset);
}

}  // namespace ds
