#pragma once
// The built-in model's training stages, as `diffusion-studio-cli train` runs them, each resumable
// from its checkpoint in the work folder:
//   tokenizer  -> tokenizer.model (sentencepiece on the captions)
//   vae        -> vae.ckpt.safetensors, vae-loss.csv
//   unet       -> unet-<schedule>.ckpt.safetensors, unet-<schedule>-loss.csv (text encoder + UNet)
//   inpaint    -> unet-inpaint.ckpt.safetensors (9-channel UNet started from the cosine one)
// and the export of the EMA weights as the shipped model (fp16 safetensors + model.json).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/builtin/builtin_config.h"
#include "core/schedule/noise_schedule.h"
#include "core/training/training_loop.h"

namespace ds {

class CancelToken;

struct BuiltinTrainOptions {
    std::string shard_path;
    std::string work_dir;
    int64_t steps = 1000;
    int64_t batch = 32;
    double learning_rate = 3e-4;
    uint64_t seed = 1;
    int64_t checkpoint_every = 100;
    bool restart = false;  // ignore an existing checkpoint
    double time_limit_seconds = 0;  // > 0: stop and save after this long (see TrainingLoopOptions)
    ScheduleKind schedule = ScheduleKind::Cosine;
    int vocab_size = 1000;
    std::string device = "cpu";  // "cpu", "cuda" or "auto" (a CUDA build of libtorch trains far larger models)
    // unet stage, fresh runs only: start from this training checkpoint's EMA weights, except the
    // parameters named in keep_fresh (e.g. "text_encoder/text_model.embeddings.token_embedding.weight").
    std::string init_from;
    // vae stage: train only the decoder, keeping the encoder and so the latent space the trained
    // UNets work in (a sharper decoder for a shipped model).
    bool decoder_only = false;
    // unet and inpaint stages: offset noise of this strength in [0, 1] (draw_training_noise), so the
    // UNet takes a picture's overall colour from its caption rather than from the seed's noise.
    double offset_noise = 0.0;
    // inpaint stage: the loss weight of the latent cells the mask leaves visible, against 1 for the
    // masked ones, in (0, 1]. Around the mask the conditioning gives eps away, so with 1 the UNet
    // learns to copy there long before it learns to continue the picture into the hole.
    double around_weight = 1.0;
    // unet and inpaint stages: > 0 weights each sample's loss by Min-SNR-gamma (TextToImageTrainer).
    double min_snr_gamma = 0.0;
    std::vector<std::string> keep_fresh;
    std::function<void(const std::string&)> log;  // one line per event (resuming, saved, ...)
    std::function<void(const TrainingProgress&)> on_progress;
    const CancelToken* cancel = nullptr;
};

std::string train_builtin_tokenizer_stage(const BuiltinTrainOptions& options);
void train_builtin_autoencoder_stage(const BuiltinTrainOptions& options);
void train_builtin_unet_stage(const BuiltinTrainOptions& options);
void train_builtin_inpainting_stage(const BuiltinTrainOptions& options);

// Writes the shipped model into out_dir: model.json, tokenizer.model, vae.safetensors and, for each
// trained variant, <variant>/text_encoder.safetensors + <variant>/unet.safetensors (fp16 EMA
// weights). Variants without a checkpoint are skipped; the VAE and one variant are required.
void export_builtin_model(const std::string& work_dir, const std::string& out_dir,
                          const std::function<void(const std::string&)>& log = {});

// The reverse of export: turns a built-in model folder (model.json, tokenizer.model, vae.safetensors,
// <variant>/text_encoder + unet) into a work folder whose checkpoints hold its weights at step 0,
// with fresh optimiser moments, so that training goes on from the shipped model on a fresh clone
// (the training checkpoints are not committed): `train unet` then resumes from them with a new
// warm-up and learning-rate decay over --steps. Refuses, before writing anything, a folder that is
// not such a model, weights that do not fit the architecture `train` builds, and a work folder that
// already holds any of the files it would write.
void import_builtin_model(const std::string& model_dir, const std::string& work_dir,
                          const std::function<void(const std::string&)>& log = {});

// 1 / std of the VAE's latent means over (up to) 512 training images on white: the latent scaling
// factor that gives the diffusion model unit-variance inputs (Rombach et al. 2022, sec. 4.3.2).
double builtin_latent_scaling_factor(const std::string& shard_path, const std::string& work_dir);

}  // namespace ds
