#pragma once
// Trains the text encoder jointly with a cross-attention UNet to predict the noise of latents
// (Ho et al. 2020, Algorithm 1, with text conditioning as Rombach et al. 2022, eq. 3): a random t per
// sample, x_t by the closed form q(x_t | x_0), MSE between the UNet's prediction and the noise,
// AdamW, an EMA of the weights. Empty captions in the batch train the unconditional prediction that
// classifier-free guidance needs (Ho & Salimans 2022). With an inpainting UNet (9 input channels)
// the mask and the masked image's latents are concatenated to x_t, as SD's inpainting models.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/model/clip_text_config.h"
#include "core/model/unet_config.h"
#include "core/schedule/noise_schedule.h"
#include "core/training/adamw.h"
#include "core/training/train_checkpoint.h"
#include "core/training/training_loop.h"

namespace ds {

class ClipTextModel;
class UNet2DCondition;

struct TextToImageBatch {
    at::Tensor latents;       // x0 [B, 4, h, w], already multiplied by the VAE's scaling factor
    at::Tensor token_ids;     // [B, context_length] int64
    at::Tensor conditioning;  // inpainting only: [B, 5, h, w] = mask, masked-image latents; else undefined
    // Optional [B, 1, h, w] non-negative weights of each latent cell in the loss (the weighted mean of
    // the squared error); undefined: every element alike.
    at::Tensor loss_weight;
};

// Min-SNR-gamma weights of eps-prediction losses at `timesteps` (Hang et al. 2023, eq. 7):
// min(SNR(t), gamma) / SNR(t) with SNR = alpha_bar / (1 - alpha_bar); 1 wherever SNR <= gamma.
// [N] float. Throws std::invalid_argument for gamma <= 0 or a timestep outside the schedule.
at::Tensor min_snr_weights(const NoiseSchedule& schedule, const at::Tensor& timesteps, double gamma);

class TextToImageTrainer {
public:
    TextToImageTrainer(const ClipTextConfig& text_config, const UNetConfig& unet_config,
                       const ScheduleConfig& schedule, uint64_t seed, AdamWOptions options = {},
                       c10::Device device = c10::Device(c10::DeviceType::CPU));
    ~TextToImageTrainer();

    // One optimisation step; t and the noise come from `noise_seed`.
    TrainingStepResult step(const TextToImageBatch& batch, double learning_rate, uint64_t noise_seed);
    // The loss without training (no gradients): for held-out evaluation at chosen timesteps.
    double loss(const TextToImageBatch& batch, const at::Tensor& timesteps, const at::Tensor& noise,
                bool use_ema) const;

    double ema_decay = 0.999;
    // > 0: train with offset noise of this strength (draw_training_noise, forward_process.h).
    double offset_noise = 0.0;
    // > 0: Min-SNR-gamma loss weighting (Hang et al. 2023, eq. 7 for eps-prediction): each sample's
    // loss is scaled by min(SNR(t), gamma) / SNR(t), so the low-noise steps, where the eps loss is
    // largest but says least about what the picture shows, no longer drown the rest. loss() stays
    // the plain eps MSE.
    double min_snr_gamma = 0.0;

    TrainCheckpoint checkpoint(int64_t step) const;
    void restore(const TrainCheckpoint& checkpoint);
    // Starts from trained weights (a text-to-image checkpoint's EMA weights): matching tensors are
    // copied; a conv_in with fewer input channels fills the first ones and zeroes the rest (how SD's
    // inpainting UNet was initialised from the text-to-image one). Parameters named in `keep_fresh`
    // keep their fresh initialisation. Resets the EMA to the result.
    void initialise_from(const std::map<std::string, at::Tensor>& weights, const std::set<std::string>& keep_fresh = {});

    // EMA weights: text encoder under "text_model.", UNet under diffusers' names, split by component.
    std::map<std::string, at::Tensor> ema_text_encoder_weights() const;
    std::map<std::string, at::Tensor> ema_unet_weights() const;
    const NoiseSchedule& schedule() const;

private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace ds
