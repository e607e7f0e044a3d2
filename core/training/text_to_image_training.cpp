#include "core/training/text_to_image_training.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <stdexcept>

#include "core/diffusion/forward_process.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition.h"
#include "core/training/ema.h"
#include "core/training/parameter_init.h"

namespace ds {
namespace {

const std::string kText = "text_encoder/";
const std::string kUnet = "unet/";

std::map<std::string, at::Tensor> prefixed(const WeightMap& w, const std::string& prefix) {
    std::map<std::string, at::Tensor> out;
    for (const auto& [name, t] : w.tensors()) out[prefix + name] = t;
    return out;
}

std::map<std::string, at::Tensor> component(const std::map<std::string, at::Tensor>& all, const std::string& prefix) {
    std::map<std::string, at::Tensor> out;
    for (const auto& [name, t] : all) {
        if (name.compare(0, prefix.size(), prefix) == 0) out[name.substr(prefix.size())] = t;
    }
    return out;
}

}  // namespace

struct TextToImageTrainer::State {
    WeightMap text_weights, unet_weights;
    ClipTextModel text;
    UNet2DCondition unet;
    NoiseSchedule schedule;
    std::map<std::string, at::Tensor> params;
    AdamW optimizer;
    Ema ema;
};

TextToImageTrainer::TextToImageTrainer(const ClipTextConfig& text_config, const UNetConfig& unet_config,
                                       const ScheduleConfig& schedule, uint64_t seed, AdamWOptions options,
                                       c10::Device device) {
    WeightMap text_weights = trainable_weight_map(seed, device);
    WeightMap unet_weights = trainable_weight_map(seed + 1, device);
    ClipTextModel text = ClipTextModel::load(text_config, text_weights);
    UNet2DCondition unet = UNet2DCondition::load(unet_config, unet_weights);
    std::map<std::string, at::Tensor> params = prefixed(text_weights, kText);
    for (auto& [name, t] : prefixed(unet_weights, kUnet)) params[name] = t;
    s_.reset(new State{std::move(text_weights), std::move(unet_weights), std::move(text), std::move(unet),
                       NoiseSchedule(schedule), params, AdamW(params, options), Ema(params, ema_decay)});
}

TextToImageTrainer::~TextToImageTrainer() = default;

at::Tensor min_snr_weights(const NoiseSchedule& schedule, const at::Tensor& timesteps, double gamma) {
    if (!(gamma > 0)) throw std::invalid_argument("min_snr_weights: gamma must be positive");
    const at::Tensor t = timesteps.to(at::kCPU, at::kLong);
    if (t.numel() > 0 && (t.min().item<int64_t>() < 0 || t.max().item<int64_t>() >= schedule.size()))
        throw std::invalid_argument("min_snr_weights: a timestep is outside the schedule");
    const at::Tensor snr = at::tensor(schedule.snrs(), at::kDouble).index_select(0, t.flatten());
    // SNR 0 (a zero-terminal-SNR schedule's last step) is below any gamma: weight 1, not 0 / 0.
    return at::where(snr <= gamma, at::ones_like(snr), gamma / snr).to(at::kFloat);
}

namespace {

// Everything on the device of x_t (the weights' device).
at::Tensor predict(const ClipTextModel& text, const UNet2DCondition& unet, const TextToImageBatch& b,
                   const at::Tensor& xt, const at::Tensor& t) {
    const c10::Device device = xt.device();
    const at::Tensor context = text.forward(b.token_ids.to(device)).last_hidden_state;
    const at::Tensor input = b.conditioning.defined() ? at::cat({xt, b.conditioning.to(device, at::kFloat)}, 1) : xt;
    return unet.forward(input, t.to(device), context);
}

// Mean squared error, or its weighted mean over the cells of b.loss_weight when the batch has one;
// `sample_weight` [B], when defined, scales each sample's squared error.
at::Tensor epsilon_loss(const TextToImageBatch& b, const at::Tensor& prediction, const at::Tensor& noise,
                        const at::Tensor& sample_weight = {}) {
    at::Tensor error = (prediction - noise).pow(2);
    if (sample_weight.defined()) error = error * sample_weight.to(error.device(), at::kFloat).view({-1, 1, 1, 1});
    if (!b.loss_weight.defined()) return error.mean();
    const at::Tensor w = b.loss_weight.to(error.device(), at::kFloat);
    if (w.dim() != 4 || w.size(0) != error.size(0) || w.size(1) != 1 || w.size(2) != error.size(2) ||
        w.size(3) != error.size(3))
        throw std::invalid_argument("text-to-image training: the loss weights must be [B, 1, h, w] of the latents");
    return (error * w).sum() / (w.sum() * static_cast<double>(error.size(1))).clamp_min(1e-12);
}

}  // namespace

TrainingStepResult TextToImageTrainer::step(const TextToImageBatch& b, double learning_rate, uint64_t noise_seed) {
    // t and the noise are drawn on the CPU (the same for a seed on every device), then moved.
    at::Generator gen = at::detail::createCPUGenerator(noise_seed);
    const c10::Device device = s_->params.begin()->second.device();
    const at::Tensor x0 = b.latents.to(device, at::kFloat);
    const at::Tensor t = at::randint(0, s_->schedule.size(), {x0.size(0)}, gen, at::TensorOptions().dtype(at::kLong));
    const at::Tensor noise = draw_training_noise(x0.sizes(), offset_noise, gen).to(device);
    const at::Tensor xt = q_sample(s_->schedule, x0, t.to(device), noise);
    const at::Tensor sample_weight = min_snr_gamma > 0 ? min_snr_weights(s_->schedule, t, min_snr_gamma) : at::Tensor();
    s_->optimizer.zero_grad();
    const at::Tensor loss = epsilon_loss(b, predict(s_->text, s_->unet, b, xt, t), noise, sample_weight);
    loss.backward();
    s_->optimizer.step(learning_rate);
    s_->ema.set_decay(ema_decay);
    s_->ema.update(s_->params);
    return {loss.item<double>(), learning_rate};
}

double TextToImageTrainer::loss(const TextToImageBatch& b, const at::Tensor& timesteps, const at::Tensor& noise,
                                bool use_ema) const {
    at::NoGradGuard no_grad;
    const c10::Device device = s_->params.begin()->second.device();
    const at::Tensor eps = noise.to(device, at::kFloat);
    const at::Tensor xt = q_sample(s_->schedule, b.latents.to(device, at::kFloat), timesteps.to(device), eps);
    if (!use_ema) return epsilon_loss(b, predict(s_->text, s_->unet, b, xt, timesteps), eps).item<double>();
    const auto& shadow = s_->ema.shadow();
    const ClipTextModel text = ClipTextModel::load(s_->text.config(), WeightMap(component(shadow, kText)));
    const UNet2DCondition unet = UNet2DCondition::load(s_->unet.config(), WeightMap(component(shadow, kUnet)));
    return epsilon_loss(b, predict(text, unet, b, xt, timesteps), eps).item<double>();
}

TrainCheckpoint TextToImageTrainer::checkpoint(int64_t step) const {
    TrainCheckpoint c;
    c.params = s_->params;
    c.ema = s_->ema.shadow();
    c.optimizer = s_->optimizer.state();
    c.step = step;
    c.info = {{"kind", "text-to-image"}, {"ema_updates", std::to_string(s_->ema.updates())},
              {"optimizer_steps", std::to_string(s_->optimizer.steps())}};
    return c;
}

void TextToImageTrainer::restore(const TrainCheckpoint& c) {
    if (c.info.count("kind") && c.info.at("kind") != "text-to-image") {
        throw std::runtime_error("the checkpoint is a " + c.info.at("kind") + " checkpoint, not a text-to-image one");
    }
    at::NoGradGuard no_grad;
    for (auto& [name, p] : s_->params) {
        auto it = c.params.find(name);
        if (it == c.params.end() || !it->second.sizes().equals(p.sizes())) {
            throw std::runtime_error("the checkpoint does not fit the model: " + name);
        }
        p.copy_(it->second);
    }
    s_->ema.load(c.ema, checkpoint_count(c, "ema_updates"));
    s_->optimizer.load_state(c.optimizer, checkpoint_count(c, "optimizer_steps"));
}

void TextToImageTrainer::initialise_from(const std::map<std::string, at::Tensor>& weights,
                                         const std::set<std::string>& keep_fresh) {
    at::NoGradGuard no_grad;
    for (const std::string& name : keep_fresh) {
        if (!s_->params.count(name)) throw std::runtime_error("no parameter " + name + " to keep fresh");
    }
    for (auto& [name, p] : s_->params) {
        if (keep_fresh.count(name)) continue;
        auto it = weights.find(name);
        if (it == weights.end()) throw std::runtime_error("the starting weights have no " + name);
        const at::Tensor& src = it->second;
        if (src.sizes().equals(p.sizes())) {
            p.copy_(src);
        } else if (name == kUnet + "conv_in.weight" && src.dim() == 4 && src.size(1) < p.size(1) &&
                   src.size(0) == p.size(0)) {
            p.zero_();
            p.narrow(1, 0, src.size(1)).copy_(src);
        } else {
            throw std::runtime_error("the starting weights' " + name + " is " + shape_string(src.sizes()) +
                                     ", expected " + shape_string(p.sizes()));
        }
    }
    s_->ema.load(s_->params, 0);
}

std::map<std::string, at::Tensor> TextToImageTrainer::ema_text_encoder_weights() const {
    return component(s_->ema.shadow(), kText);
}
std::map<std::string, at::Tensor> TextToImageTrainer::ema_unet_weights() const {
    return component(s_->ema.shadow(), kUnet);
}
const NoiseSchedule& TextToImageTrainer::schedule() const { return s_->schedule; }

}  // namespace ds
