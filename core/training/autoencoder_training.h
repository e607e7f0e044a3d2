#pragma once
// Trains a KL autoencoder (Rombach et al. 2022, sec. 3 and appendix G) from scratch: L1
// reconstruction of a sample of the encoder's posterior plus a small KL term towards N(0, I), AdamW,
// an EMA of the weights. The perceptual and adversarial losses of the paper are left out at this scale.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/model/autoencoder_config.h"
#include "core/training/adamw.h"
#include "core/training/train_checkpoint.h"
#include "core/training/training_loop.h"

namespace ds {

class AutoencoderKL;
class WeightMap;

struct AutoencoderLoss {
    at::Tensor total, reconstruction, kl;
};

// L1(x, decode(z)) + kl_weight * KL(q(z|x) || N(0, I)) / elements per image, z ~ q(z|x) with `eps`.
// frozen_encoder: the encoder runs without recording gradients (only the decoder is trained).
AutoencoderLoss autoencoder_loss(const AutoencoderKL& vae, const at::Tensor& images, const at::Tensor& eps,
                                 double kl_weight, bool frozen_encoder = false);

class AutoencoderTrainer {
public:
    // decoder_only: the encoder (and quant_conv) stay frozen and only the decoder side learns, so the
    // latent space, and every diffusion model trained on it, stays valid.
    AutoencoderTrainer(const AutoencoderConfig& config, uint64_t seed, AdamWOptions options = {},
                       c10::Device device = c10::Device(c10::DeviceType::CPU), bool decoder_only = false);
    ~AutoencoderTrainer();

    // One optimisation step on images [B, 3, H, W] in [-1, 1]; eps drawn from `noise_seed`.
    TrainingStepResult step(const at::Tensor& images, double learning_rate, uint64_t noise_seed);

    double kl_weight = 1e-5;
    double ema_decay = 0.999;

    TrainCheckpoint checkpoint(int64_t step) const;
    // Throws std::runtime_error when the checkpoint does not match the architecture, or was trained
    // decoder-only while this trainer trains everything (it holds no optimiser state for the encoder).
    void restore(const TrainCheckpoint& checkpoint);

    const AutoencoderKL& model() const;
    // The EMA weights with diffusers' names (what is exported).
    std::map<std::string, at::Tensor> ema_weights() const;

private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace ds
