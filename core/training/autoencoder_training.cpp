#include "core/training/autoencoder_training.h"

#include <ATen/ATen.h>

#include <stdexcept>

#include "core/model/autoencoder_kl.h"
#include "core/runtime/seeded_noise.h"
#include "core/training/ema.h"
#include "core/training/parameter_init.h"

namespace ds {

AutoencoderLoss autoencoder_loss(const AutoencoderKL& vae, const at::Tensor& images, const at::Tensor& eps,
                                 double kl_weight, bool frozen_encoder) {
    const EncoderOutput posterior = [&] {
        // A frozen encoder records nothing, and without grad mode it takes the inference fast paths.
        if (!frozen_encoder) return vae.encode(images);
        at::NoGradGuard no_grad;
        return vae.encode(images);
    }();
    const at::Tensor reconstruction = vae.decode(posterior.sample(eps));
    AutoencoderLoss loss;
    loss.reconstruction = (reconstruction - images).abs().mean();
    // KL of a diagonal Gaussian to N(0, I), summed per image (Kingma & Welling 2014, appendix B).
    const at::Tensor kl_per_image =
        0.5 * (posterior.mean.pow(2) + posterior.logvar.exp() - 1.0 - posterior.logvar).flatten(1).sum(1);
    loss.kl = kl_per_image.mean();
    const double elements = static_cast<double>(images[0].numel());
    loss.total = loss.reconstruction + loss.kl * (kl_weight / elements);
    return loss;
}

namespace {

bool decoder_side(const std::string& name) {
    return name.rfind("decoder.", 0) == 0 || name.rfind("post_quant_conv.", 0) == 0;
}

// The parameters the optimiser updates; the others stop recording gradients.
std::map<std::string, at::Tensor> trained_parameters(const std::map<std::string, at::Tensor>& params, bool decoder_only) {
    if (!decoder_only) return params;
    std::map<std::string, at::Tensor> trained;
    for (const auto& [name, p] : params) {
        if (decoder_side(name)) trained[name] = p;
        else p.requires_grad_(false);
    }
    return trained;
}

}  // namespace

struct AutoencoderTrainer::State {
    WeightMap weights;
    AutoencoderKL model;
    std::map<std::string, at::Tensor> params;
    bool decoder_only;
    std::map<std::string, at::Tensor> trained;  // params, or only the decoder side's
    AdamW optimizer;
    Ema ema;  // of every parameter; a frozen one's average is never updated
    State(WeightMap w, AutoencoderKL m, std::map<std::string, at::Tensor> p, bool dec, AdamWOptions o, double decay)
        : weights(std::move(w)), model(std::move(m)), params(p), decoder_only(dec), trained(trained_parameters(p, dec)),
          optimizer(trained, o), ema(p, decay) {}
};

AutoencoderTrainer::AutoencoderTrainer(const AutoencoderConfig& config, uint64_t seed, AdamWOptions options,
                                       c10::Device device, bool decoder_only) {
    WeightMap weights = trainable_weight_map(seed, device);
    AutoencoderKL model = AutoencoderKL::load(config, weights);
    const std::map<std::string, at::Tensor> params = weights.tensors();
    s_ = std::make_unique<State>(std::move(weights), std::move(model), params, decoder_only, options, ema_decay);
}

AutoencoderTrainer::~AutoencoderTrainer() = default;

TrainingStepResult AutoencoderTrainer::step(const at::Tensor& images, double learning_rate, uint64_t noise_seed) {
    const c10::Device device = s_->params.begin()->second.device();
    const at::Tensor x = images.to(device, at::kFloat);
    const int64_t f = s_->model.config().downsample_factor();
    const at::Tensor eps =
        seeded_randn(noise_seed, {x.size(0), s_->model.config().latent_channels, x.size(2) / f, x.size(3) / f}).to(device);
    s_->optimizer.zero_grad();
    const AutoencoderLoss loss = autoencoder_loss(s_->model, x, eps, kl_weight, s_->decoder_only);
    loss.total.backward();
    s_->optimizer.step(learning_rate);
    s_->ema.set_decay(ema_decay);
    s_->ema.update(s_->trained);
    return {loss.total.item<double>(), learning_rate};
}

TrainCheckpoint AutoencoderTrainer::checkpoint(int64_t step) const {
    TrainCheckpoint c;
    c.params = s_->params;
    c.ema = s_->ema.shadow();
    c.optimizer = s_->optimizer.state();
    c.step = step;
    c.info = {{"kind", "autoencoder"}, {"ema_updates", std::to_string(s_->ema.updates())},
              {"optimizer_steps", std::to_string(s_->optimizer.steps())},
              {"trains", s_->decoder_only ? "decoder" : "all"}};
    return c;
}

void AutoencoderTrainer::restore(const TrainCheckpoint& c) {
    if (c.info.count("kind") && c.info.at("kind") != "autoencoder") {
        throw std::runtime_error("the checkpoint is a " + c.info.at("kind") + " checkpoint, not an autoencoder one");
    }
    if (!s_->decoder_only && c.info.count("trains") && c.info.at("trains") == "decoder") {
        throw std::runtime_error("the checkpoint was trained decoder-only and has no optimiser state for the encoder: "
                                 "go on with --decoder-only, or start over with --restart");
    }
    at::NoGradGuard no_grad;
    for (auto& [name, p] : s_->params) {
        auto it = c.params.find(name);
        if (it == c.params.end() || !it->second.sizes().equals(p.sizes())) {
            throw std::runtime_error("the checkpoint does not fit the autoencoder: " + name);
        }
        p.copy_(it->second);
    }
    s_->ema.load(c.ema, checkpoint_count(c, "ema_updates"));
    if (s_->decoder_only) {
        // The frozen encoder is the one the EMA holds, which is what export ships: so its EMA stays
        // put and the latents stay those of the exported model.
        for (auto& [name, p] : s_->params) {
            if (!decoder_side(name)) p.copy_(c.ema.at(name));
        }
    }
    s_->optimizer.load_state(c.optimizer, checkpoint_count(c, "optimizer_steps"));
}

const AutoencoderKL& AutoencoderTrainer::model() const { return s_->model; }

std::map<std::string, at::Tensor> AutoencoderTrainer::ema_weights() const { return s_->ema.shadow(); }

}  // namespace ds
