#include "core/samplers/sigma_tables.h"

#include <algorithm>
#include <cmath>

namespace ds {

std::vector<double> spaced_timesteps(TimestepSpacing spacing, int T, int steps, int steps_offset) {
    std::vector<double> out(static_cast<size_t>(steps));
    switch (spacing) {
        case TimestepSpacing::Leading: {
            const int ratio = T / steps;
            for (int i = 0; i < steps; ++i) out[static_cast<size_t>(steps - 1 - i)] = i * ratio + steps_offset;
            break;
        }
        case TimestepSpacing::Trailing: {
            const double ratio = static_cast<double>(T) / steps;
            for (int i = 0; i < steps; ++i) out[static_cast<size_t>(i)] = std::nearbyint(T - i * ratio) - 1;
            break;
        }
        case TimestepSpacing::Linspace: {
            for (int i = 0; i < steps; ++i) {
                const double v = steps == 1 ? 0.0 : static_cast<double>(T - 1) * i / (steps - 1);
                out[static_cast<size_t>(steps - 1 - i)] = std::nearbyint(v);
            }
            break;
        }
    }
    // With steps == T and an offset, "leading" would name t = T: keep every t inside the table.
    for (double& t : out) t = std::clamp(t, 0.0, static_cast<double>(T - 1));
    return out;
}

namespace {

// torch.linspace(start, end, n) in float32, as ATen's CPU kernel computes it: a float step, the
// first half counted up from start and the second half down from end.
std::vector<float> torch_linspace_f32(double start, double end, int n) {
    std::vector<float> out(static_cast<size_t>(n));
    const float a = static_cast<float>(start), b = static_cast<float>(end);
    if (n == 1) {
        out[0] = a;
        return out;
    }
    const float step = (b - a) / static_cast<float>(n - 1);
    const int halfway = n / 2;
    for (int i = 0; i < n; ++i) out[static_cast<size_t>(i)] = i < halfway ? a + step * static_cast<float>(i)
                                                                           : b - step * static_cast<float>(n - i - 1);
    return out;
}

std::vector<float> reference_betas_f32(const ScheduleConfig& config, const NoiseSchedule& schedule) {
    const int T = schedule.size();
    if (!config.zero_terminal_snr && T == config.timesteps) {
        if (config.kind == ScheduleKind::Linear)
            return torch_linspace_f32(config.beta_start.value_or(1e-4), config.beta_end.value_or(0.02), T);
        if (config.kind == ScheduleKind::ScaledLinear) {
            std::vector<float> roots = torch_linspace_f32(std::sqrt(config.beta_start.value_or(0.00085)),
                                                          std::sqrt(config.beta_end.value_or(0.012)), T);
            for (float& r : roots) r = r * r;
            return roots;
        }
    }
    std::vector<float> out;  // cosine: computed in float64, then cast (as the reference)
    for (double b : schedule.betas()) out.push_back(static_cast<float>(b));
    return out;
}

}  // namespace

std::vector<double> alphas_cumprod_f32(const ScheduleConfig& config, const NoiseSchedule& schedule) {
    // The reference keeps betas and alphas in float32 and accumulates their product in double
    // (torch's CPU cumprod); emulating that reproduces its table, its sigmas and Karras timesteps.
    const std::vector<float> betas = reference_betas_f32(config, schedule);
    std::vector<double> out(betas.size());
    double acc = 1.0;
    for (size_t t = 0; t < betas.size(); ++t) {
        acc *= static_cast<double>(1.0f - betas[t]);
        out[t] = f32(acc);
    }
    return out;
}

std::vector<double> train_sigmas(const ScheduleConfig& config, const NoiseSchedule& schedule) {
    std::vector<double> out(static_cast<size_t>(schedule.size()));
    const std::vector<double> abar = alphas_cumprod_f32(config, schedule);
    for (int t = 0; t < schedule.size(); ++t) {
        const float ab = static_cast<float>(abar[static_cast<size_t>(t)]);
        out[static_cast<size_t>(t)] = static_cast<double>(std::sqrt((1.0f - ab) / ab));
    }
    return out;
}

double interpolate_sigma(const std::vector<double>& sigmas, double t) {
    const double last = static_cast<double>(sigmas.size() - 1);
    if (t <= 0) return sigmas.front();
    if (t >= last) return sigmas.back();
    const auto lo = static_cast<size_t>(std::floor(t));
    const double w = t - static_cast<double>(lo);
    return (1.0 - w) * sigmas[lo] + w * sigmas[lo + 1];
}

double sigma_to_t(const std::vector<double>& sigmas, double sigma) {
    const double log_sigma = std::log(std::max(sigma, 1e-10));
    const size_t n = sigmas.size();
    if (n < 2) return 0.0;
    // The reference keeps its log-sigma table in float32; so do we, to land on the same t.
    auto log_table = [&](size_t i) { return static_cast<double>(std::log(static_cast<float>(sigmas[i]))); };
    // Last index whose log-sigma is <= log(sigma) (sigmas increase with t), kept below n - 1.
    size_t low = 0;
    for (size_t i = 0; i < n; ++i) {
        if (log_table(i) <= log_sigma) low = i;
    }
    low = std::min(low, n - 2);
    const double lo = log_table(low);
    const double hi = log_table(low + 1);
    double w = (lo - log_sigma) / (lo - hi);
    w = std::clamp(w, 0.0, 1.0);
    return (1.0 - w) * static_cast<double>(low) + w * static_cast<double>(low + 1);
}

std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int n, double rho) {
    std::vector<double> out(static_cast<size_t>(n));
    const double min_inv = std::pow(sigma_min, 1.0 / rho);
    const double max_inv = std::pow(sigma_max, 1.0 / rho);
    for (int i = 0; i < n; ++i) {
        const double ramp = n == 1 ? 0.0 : static_cast<double>(i) / (n - 1);
        out[static_cast<size_t>(i)] = std::pow(max_inv + ramp * (min_inv - max_inv), rho);
    }
    return out;
}

}  // namespace ds
