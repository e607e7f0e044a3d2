#include "core/runtime/denoise_loop.h"

#include <ATen/ATen.h>

#include <chrono>
#include <stdexcept>

namespace ds {

at::Tensor denoise(Sampler& sampler, const ModelFunction& model, const at::Tensor& noise,
                   const DenoiseOptions& options) {
    return denoise_from(sampler, model, noise * sampler.init_noise_sigma(), 0, options);
}

at::Tensor denoise_from(Sampler& sampler, const ModelFunction& model, at::Tensor sample, size_t start_index,
                        const DenoiseOptions& options) {
    const std::vector<double> timesteps = sampler.timesteps();
    if (timesteps.empty()) throw std::logic_error("denoise: the sampler has no timesteps (call set_timesteps)");
    if (start_index >= timesteps.size()) throw std::out_of_range("denoise: start index past the last step");
    const int count = static_cast<int>(timesteps.size());
    for (size_t i = start_index; i < timesteps.size(); ++i) {
        if (options.cancel && options.cancel->cancelled()) throw Cancelled{};
        const auto started = std::chrono::steady_clock::now();
        const at::Tensor model_input = sampler.scale_model_input(sample, i);
        const at::Tensor output = model(model_input, timesteps[i]);
        if (!output.sizes().equals(sample.sizes()))
            throw std::runtime_error("denoise: the model returned a tensor of the wrong shape");
        StepResult result = sampler.step(output, i, sample);
        sample = options.after_step ? options.after_step(i, result.prev_sample) : result.prev_sample;
        if (options.on_step) {
            StepEvent event;
            event.index = static_cast<int>(i);
            event.count = count;
            event.timestep = timesteps[i];
            event.sigma = sampler.sigmas()[i];
            event.xt = sample;
            event.x0_pred = result.pred_x0;
            event.eps_pred = result.pred_eps;
            event.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            options.on_step(event);
        }
    }
    return sample;
}

}  // namespace ds
