#include "core/samplers/sampler.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "core/runtime/seeded_noise.h"

namespace ds {

std::optional<PredictionType> parse_prediction_type(std::string_view name) {
    if (name == "epsilon" || name == "eps") return PredictionType::Epsilon;
    if (name == "v_prediction" || name == "v-prediction" || name == "v") return PredictionType::VPrediction;
    return std::nullopt;
}

std::optional<TimestepSpacing> parse_timestep_spacing(std::string_view name) {
    if (name == "leading") return TimestepSpacing::Leading;
    if (name == "trailing") return TimestepSpacing::Trailing;
    if (name == "linspace") return TimestepSpacing::Linspace;
    return std::nullopt;
}

std::string prediction_type_name(PredictionType type) {
    return type == PredictionType::Epsilon ? "epsilon" : "v_prediction";
}

std::string timestep_spacing_name(TimestepSpacing spacing) {
    switch (spacing) {
        case TimestepSpacing::Leading: return "leading";
        case TimestepSpacing::Trailing: return "trailing";
        case TimestepSpacing::Linspace: return "linspace";
    }
    return "unknown";
}

Sampler::Sampler(SamplerConfig config) : config_(std::move(config)), schedule_(config_.schedule) {}

at::Tensor Sampler::scale_model_input(const at::Tensor& sample, size_t index) const {
    check_index(index);
    return sample;
}

at::Tensor Sampler::add_noise(const at::Tensor& x0, const at::Tensor& noise, size_t index) const {
    check_index(index);
    const int t = static_cast<int>(std::lround(timesteps_[index]));
    const double ab = schedule_.alpha_bar(t);
    return x0 * std::sqrt(ab) + noise * std::sqrt(1.0 - ab);
}

at::Tensor Sampler::draw_noise(const at::Tensor& like) {
    if (!noise_) {
        auto stream = std::make_shared<NoiseStream>(0);
        noise_ = [stream](const at::Tensor& l) { return stream->randn_like(l); };
    }
    at::Tensor n = noise_(like);
    if (!n.sizes().equals(like.sizes())) throw std::runtime_error(name() + ": noise source returned a wrong shape");
    return n.to(like.options());
}

void Sampler::check_index(size_t index) const {
    if (index >= timesteps_.size()) {
        throw std::out_of_range(name() + ": step index " + std::to_string(index) + " outside the " +
                                std::to_string(timesteps_.size()) + " planned model calls (call set_timesteps first)");
    }
}

void Sampler::check_steps(int steps) const {
    if (steps < 1 || steps > schedule_.size()) {
        throw std::invalid_argument(name() + ": number of steps " + std::to_string(steps) + " is out of range (1.." +
                                    std::to_string(schedule_.size()) + ")");
    }
}

}  // namespace ds
