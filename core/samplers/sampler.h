#pragma once
// The sampler interface: one class per sampler (diffusers' one-file-per-scheduler shape).
// A generation loop does, for i in [0, timesteps().size()):
//     x_in = scale_model_input(x, i); out = model(x_in, timesteps()[i]); x = step(out, i, x).prev_sample
// starting from x = noise * init_noise_sigma(). Multi-stage samplers (Heun, PNDM) list one timestep
// per model call.
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/schedule/noise_schedule.h"

namespace ds {

enum class PredictionType { Epsilon, VPrediction };
enum class TimestepSpacing { Leading, Trailing, Linspace };

std::optional<PredictionType> parse_prediction_type(std::string_view name);   // "epsilon", "v_prediction"/"v"
std::optional<TimestepSpacing> parse_timestep_spacing(std::string_view name); // "leading", "trailing", "linspace"
std::string prediction_type_name(PredictionType type);
std::string timestep_spacing_name(TimestepSpacing spacing);

// Draws standard normal noise of the given shape like the given tensor (dtype, device).
// Samplers that inject noise (DDPM, Euler a, DDIM with eta > 0) call it once per draw.
using NoiseSource = std::function<at::Tensor(const at::Tensor& like)>;

struct SamplerConfig {
    ScheduleConfig schedule{ScheduleKind::ScaledLinear, 1000, std::nullopt, std::nullopt};
    PredictionType prediction = PredictionType::Epsilon;
    std::optional<TimestepSpacing> spacing;  // unset: the sampler's own default (as diffusers)
    int steps_offset = 1;                    // SD 1.x/2.x configs use 1
    bool karras = false;                     // Karras et al. 2022 sigmas (eq. 5, rho = 7)
    double eta = 0.0;                        // DDIM stochasticity (Song et al. 2021, eq. 16)
    bool set_alpha_to_one = false;           // DDIM/PNDM final step target
    bool skip_prk_steps = true;              // PNDM: PLMS only, as SD pipelines
    bool clip_sample = false;
    double clip_sample_range = 1.0;
};

struct StepResult {
    at::Tensor prev_sample;  // x at the next noise level
    at::Tensor pred_x0;      // the model's estimate of the clean sample at this step
    at::Tensor pred_eps;     // the model's estimate of the noise, whatever its prediction type
};

class Sampler {
public:
    virtual ~Sampler() = default;

    virtual std::string name() const = 0;
    // Chooses the timesteps for `steps` inference steps and resets all multistep state.
    // Throws std::invalid_argument for steps < 1 or more steps than the schedule has.
    virtual void set_timesteps(int steps) = 0;
    // Model-facing timesteps, one per model call (Euler-family ones can be fractional).
    const std::vector<double>& timesteps() const { return timesteps_; }
    // Noise level sigma = sqrt((1 - alpha_bar)/alpha_bar) at each model call, plus the final level.
    const std::vector<double>& sigmas() const { return sigmas_; }
    int inference_steps() const { return inference_steps_; }
    virtual double init_noise_sigma() const { return 1.0; }
    virtual at::Tensor scale_model_input(const at::Tensor& sample, size_t index) const;
    // `index` is the position in timesteps(); calls must come in order 0, 1, 2, ...
    virtual StepResult step(const at::Tensor& model_output, size_t index, const at::Tensor& sample) = 0;
    // Adds noise to a clean sample for a start at timesteps()[index] (img2img).
    virtual at::Tensor add_noise(const at::Tensor& x0, const at::Tensor& noise, size_t index) const;
    virtual int order() const { return 1; }

    void set_noise_source(NoiseSource source) { noise_ = std::move(source); }
    const NoiseSchedule& schedule() const { return schedule_; }
    const SamplerConfig& config() const { return config_; }

protected:
    explicit Sampler(SamplerConfig config);
    at::Tensor draw_noise(const at::Tensor& like);
    void check_index(size_t index) const;
    void check_steps(int steps) const;

    SamplerConfig config_;
    NoiseSchedule schedule_;
    std::vector<double> timesteps_;
    std::vector<double> sigmas_;
    int inference_steps_ = 0;
    NoiseSource noise_;  // unset: a stream seeded with 0, so that runs stay reproducible
};

// Names: ddpm, ddim, pndm, euler, euler-a, heun, lms, dpmpp-2m.
std::vector<std::string> sampler_names();
// Throws std::invalid_argument for an unknown name (the message lists the known ones).
std::unique_ptr<Sampler> make_sampler(const std::string& name, const SamplerConfig& config = {});

}  // namespace ds
