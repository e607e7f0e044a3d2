#include "core/schedule/noise_schedule.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ds {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<double> linspace(double a, double b, int n) {
    std::vector<double> out(static_cast<size_t>(n));
    if (n == 1) {
        out[0] = a;
        return out;
    }
    for (int i = 0; i < n; ++i) out[static_cast<size_t>(i)] = a + (b - a) * i / (n - 1);
    return out;
}

// Nichol & Dhariwal 2021, eq. 17: f(t) = cos^2(((t/T) + s) / (1 + s) * pi/2); alpha_bar(t) = f(t)/f(0),
// beta_t = min(1 - alpha_bar(t+1)/alpha_bar(t), max_beta). f(0) cancels in the ratio.
std::vector<double> cosine_betas(int T, double s, double max_beta) {
    auto f = [s](double u) {
        const double c = std::cos((u + s) / (1.0 + s) * kPi / 2.0);
        return c * c;
    };
    std::vector<double> betas(static_cast<size_t>(T));
    for (int i = 0; i < T; ++i) {
        const double t1 = static_cast<double>(i) / T;
        const double t2 = static_cast<double>(i + 1) / T;
        betas[static_cast<size_t>(i)] = std::min(1.0 - f(t2) / f(t1), max_beta);
    }
    return betas;
}

// Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Algorithm 1:
// shift sqrt(alpha_bar) so its last value is 0, scale it so its first is unchanged.
std::vector<double> rescale_zero_terminal_snr(const std::vector<double>& betas) {
    const size_t n = betas.size();
    std::vector<double> sqrt_ab(n);
    double ab = 1.0;
    for (size_t i = 0; i < n; ++i) {
        ab *= 1.0 - betas[i];
        sqrt_ab[i] = std::sqrt(ab);
    }
    const double first = sqrt_ab.front();
    const double last = sqrt_ab.back();
    for (double& v : sqrt_ab) v = (v - last) * first / (first - last);
    std::vector<double> out(n);
    double prev = 1.0;
    for (size_t i = 0; i < n; ++i) {
        const double cur = sqrt_ab[i] * sqrt_ab[i];
        out[i] = 1.0 - cur / prev;
        prev = cur;
    }
    return out;
}

}  // namespace

std::optional<ScheduleKind> parse_schedule_kind(std::string_view name) {
    if (name == "linear") return ScheduleKind::Linear;
    if (name == "cosine" || name == "squaredcos_cap_v2") return ScheduleKind::Cosine;
    if (name == "scaled-linear" || name == "scaled_linear") return ScheduleKind::ScaledLinear;
    return std::nullopt;
}

std::string schedule_kind_name(ScheduleKind kind) {
    switch (kind) {
        case ScheduleKind::Linear: return "linear";
        case ScheduleKind::ScaledLinear: return "scaled-linear";
        case ScheduleKind::Cosine: return "cosine";
    }
    return "unknown";
}

std::vector<std::string> schedule_kind_names() { return {"linear", "cosine", "scaled-linear"}; }

NoiseSchedule::NoiseSchedule(const ScheduleConfig& config) {
    const int T = config.timesteps;
    if (T < 1 || T > kMaxTrainTimesteps) {
        std::ostringstream msg;
        msg << "number of timesteps T=" << T << " is out of range (1.." << kMaxTrainTimesteps << ")";
        throw std::invalid_argument(msg.str());
    }
    switch (config.kind) {
        case ScheduleKind::Linear:
            betas_ = linspace(config.beta_start.value_or(1e-4), config.beta_end.value_or(0.02), T);
            break;
        case ScheduleKind::ScaledLinear: {
            betas_ = linspace(std::sqrt(config.beta_start.value_or(0.00085)),
                              std::sqrt(config.beta_end.value_or(0.012)), T);
            for (double& b : betas_) b *= b;
            break;
        }
        case ScheduleKind::Cosine:
            if (!(config.cosine_offset >= 0.0)) throw std::invalid_argument("cosine offset s must be >= 0");
            if (!(config.max_beta > 0.0 && config.max_beta <= 1.0))
                throw std::invalid_argument("max_beta must lie in (0, 1]");
            betas_ = cosine_betas(T, config.cosine_offset, config.max_beta);
            break;
    }
    for (size_t i = 0; i < betas_.size(); ++i) {
        if (!(betas_[i] > 0.0 && betas_[i] < 1.0)) {
            std::ostringstream msg;
            msg << "beta at t=" << i << " is " << betas_[i] << ", outside (0, 1): check beta_start/beta_end";
            throw std::invalid_argument(msg.str());
        }
    }
    if (config.zero_terminal_snr) {
        if (T < 2) throw std::invalid_argument("zero-terminal-SNR rescale needs T >= 2");
        betas_ = rescale_zero_terminal_snr(betas_);
    }
    derive_tables();
}

NoiseSchedule NoiseSchedule::from_betas(std::vector<double> betas) {
    if (betas.empty() || static_cast<long>(betas.size()) > kMaxTrainTimesteps)
        throw std::invalid_argument("a schedule needs between 1 and " + std::to_string(kMaxTrainTimesteps) + " betas");
    for (size_t i = 0; i < betas.size(); ++i) {
        if (!(betas[i] > 0.0 && betas[i] <= 1.0))
            throw std::invalid_argument("beta at t=" + std::to_string(i) + " is outside (0, 1]");
    }
    NoiseSchedule s;
    s.betas_ = std::move(betas);
    s.derive_tables();
    return s;
}

void NoiseSchedule::derive_tables() {
    const size_t n = betas_.size();
    alphas_.resize(n);
    alphas_cumprod_.resize(n);
    double ab = 1.0;
    for (size_t i = 0; i < n; ++i) {
        alphas_[i] = 1.0 - betas_[i];
        ab *= alphas_[i];
        alphas_cumprod_[i] = ab;
    }
}

void NoiseSchedule::check_index(int t) const {
    if (t < 0 || t >= size()) {
        throw std::out_of_range("timestep " + std::to_string(t) + " is out of range [0, " + std::to_string(size()) +
                                ")");
    }
}

double NoiseSchedule::beta(int t) const { check_index(t); return betas_[static_cast<size_t>(t)]; }
double NoiseSchedule::alpha(int t) const { check_index(t); return alphas_[static_cast<size_t>(t)]; }
double NoiseSchedule::alpha_bar(int t) const { check_index(t); return alphas_cumprod_[static_cast<size_t>(t)]; }
double NoiseSchedule::sqrt_alpha_bar(int t) const { return std::sqrt(alpha_bar(t)); }
double NoiseSchedule::sqrt_one_minus_alpha_bar(int t) const { return std::sqrt(1.0 - alpha_bar(t)); }

double NoiseSchedule::snr(int t) const {
    const double ab = alpha_bar(t);
    return ab / (1.0 - ab);
}

double NoiseSchedule::log_snr(int t) const {
    const double ab = alpha_bar(t);
    return std::log(ab) - std::log1p(-ab);
}

double NoiseSchedule::sigma(int t) const {
    const double ab = alpha_bar(t);
    return std::sqrt((1.0 - ab) / ab);  // +inf at a zero-terminal-SNR end, by definition
}

double NoiseSchedule::posterior_variance(int t) const {
    const double ab = alpha_bar(t);
    const double ab_prev = t > 0 ? alphas_cumprod_[static_cast<size_t>(t - 1)] : 1.0;
    return beta(t) * (1.0 - ab_prev) / (1.0 - ab);
}

std::vector<double> NoiseSchedule::sigmas() const {
    std::vector<double> out(betas_.size());
    for (int t = 0; t < size(); ++t) out[static_cast<size_t>(t)] = sigma(t);
    return out;
}

std::vector<double> NoiseSchedule::snrs() const {
    std::vector<double> out(betas_.size());
    for (int t = 0; t < size(); ++t) out[static_cast<size_t>(t)] = snr(t);
    return out;
}

}  // namespace ds
