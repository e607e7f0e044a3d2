#include "core/training/adamw.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace ds {

AdamW::AdamW(std::map<std::string, at::Tensor> parameters, AdamWOptions options)
    : params_(std::move(parameters)), options_(options) {
    for (const auto& [name, p] : params_) {
        m_[name] = at::zeros_like(p).set_requires_grad(false);
        v_[name] = at::zeros_like(p).set_requires_grad(false);
    }
}

void AdamW::zero_grad() {
    for (auto& [name, p] : params_) {
        if (p.grad().defined()) p.mutable_grad().zero_();
    }
}

double AdamW::step(double lr) {
    at::NoGradGuard no_grad;
    double norm_sq = 0.0;
    for (const auto& [name, p] : params_) {
        if (p.grad().defined()) norm_sq += p.grad().pow(2).sum().item<double>();
    }
    const double norm = std::sqrt(norm_sq);
    if (!std::isfinite(norm)) {
        throw std::runtime_error("training diverged: the gradient is not finite at step " + std::to_string(steps_ + 1));
    }
    const double clip = options_.grad_clip_norm > 0 && norm > options_.grad_clip_norm ? options_.grad_clip_norm / norm : 1.0;
    ++steps_;
    const double bias1 = 1.0 - std::pow(options_.beta1, static_cast<double>(steps_));
    const double bias2 = 1.0 - std::pow(options_.beta2, static_cast<double>(steps_));
    for (auto& [name, p] : params_) {
        if (!p.grad().defined()) continue;
        const at::Tensor g = clip == 1.0 ? p.grad() : p.grad() * clip;
        at::Tensor& m = m_[name];
        at::Tensor& v = v_[name];
        m.mul_(options_.beta1).add_(g, 1.0 - options_.beta1);
        v.mul_(options_.beta2).addcmul_(g, g, 1.0 - options_.beta2);
        if (p.dim() >= 2 && options_.weight_decay > 0) p.mul_(1.0 - lr * options_.weight_decay);
        const at::Tensor denom = (v / bias2).sqrt_().add_(options_.eps);
        p.addcdiv_(m, denom, -lr / bias1);
    }
    return norm;
}

std::map<std::string, at::Tensor> AdamW::state() const {
    std::map<std::string, at::Tensor> out;
    for (const auto& [name, m] : m_) out["m/" + name] = m;
    for (const auto& [name, v] : v_) out["v/" + name] = v;
    return out;
}

void AdamW::load_state(const std::map<std::string, at::Tensor>& state, int64_t steps) {
    at::NoGradGuard no_grad;
    for (auto* moments : {&m_, &v_}) {
        const std::string tag = moments == &m_ ? "m/" : "v/";
        for (auto& [name, t] : *moments) {
            auto it = state.find(tag + name);
            if (it == state.end() || !it->second.sizes().equals(t.sizes())) {
                throw std::runtime_error("optimiser state has no matching " + tag + name);
            }
            t.copy_(it->second);
        }
    }
    steps_ = steps;
}

}  // namespace ds
