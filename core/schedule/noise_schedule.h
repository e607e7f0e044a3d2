#pragma once
// Noise schedules of discrete-time diffusion models, computed in double precision.
// Index convention (as diffusers): t = 0..T-1, alpha_bar_t = prod_{s<=t} (1 - beta_s).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ds {

enum class ScheduleKind {
    Linear,        // beta linear in t (Ho et al. 2020: 1e-4 .. 0.02)
    ScaledLinear,  // sqrt(beta) linear in t (Stable Diffusion: sqrt(0.00085) .. sqrt(0.012))
    Cosine,        // Nichol & Dhariwal 2021, eq. 17 (diffusers' squaredcos_cap_v2)
};

std::optional<ScheduleKind> parse_schedule_kind(std::string_view name);  // "linear", "cosine", "scaled-linear"
std::string schedule_kind_name(ScheduleKind kind);
std::vector<std::string> schedule_kind_names();

// The largest T accepted: beyond it the tables stop meaning anything and only waste memory.
constexpr int kMaxTrainTimesteps = 100000;

struct ScheduleConfig {
    ScheduleKind kind = ScheduleKind::Linear;
    int timesteps = 1000;
    // Endpoints of the linear/scaled-linear betas; unset = the kind's published default
    // (linear 1e-4..0.02, scaled-linear 0.00085..0.012).
    std::optional<double> beta_start;
    std::optional<double> beta_end;
    double cosine_offset = 0.008;  // s in Nichol & Dhariwal 2021, eq. 17
    double max_beta = 0.999;       // cap on cosine betas (same paper, section 3.2)
    bool zero_terminal_snr = false;  // Lin et al. 2023, Algorithm 1
};

class NoiseSchedule {
public:
    // Throws std::invalid_argument naming the problem (T out of range, betas outside (0, 1], ...).
    explicit NoiseSchedule(const ScheduleConfig& config);
    static NoiseSchedule from_betas(std::vector<double> betas);

    int size() const { return static_cast<int>(betas_.size()); }
    const std::vector<double>& betas() const { return betas_; }
    const std::vector<double>& alphas() const { return alphas_; }
    const std::vector<double>& alphas_cumprod() const { return alphas_cumprod_; }

    double beta(int t) const;
    double alpha(int t) const;
    double alpha_bar(int t) const;
    double sqrt_alpha_bar(int t) const;
    double sqrt_one_minus_alpha_bar(int t) const;
    double snr(int t) const;        // alpha_bar / (1 - alpha_bar)
    double log_snr(int t) const;
    double sigma(int t) const;      // sqrt((1 - alpha_bar) / alpha_bar): the noise level in "x0 + sigma eps" form
    double posterior_variance(int t) const;  // beta~_t = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t), Ho et al. 2020 eq. 7

    // Whole-table views for plots and CSV.
    std::vector<double> sigmas() const;
    std::vector<double> snrs() const;

private:
    NoiseSchedule() = default;
    void derive_tables();
    void check_index(int t) const;

    std::vector<double> betas_;
    std::vector<double> alphas_;
    std::vector<double> alphas_cumprod_;
};

}  // namespace ds
