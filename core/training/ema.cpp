#include "core/training/ema.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>

namespace ds {

Ema::Ema(const std::map<std::string, at::Tensor>& parameters, double decay) : decay_(decay) {
    at::NoGradGuard no_grad;
    for (const auto& [name, p] : parameters) shadow_[name] = p.detach().clone();
}

void Ema::update(const std::map<std::string, at::Tensor>& parameters) {
    at::NoGradGuard no_grad;
    ++updates_;
    const double n = static_cast<double>(updates_);
    const double d = std::min(decay_, (1.0 + n) / (10.0 + n));
    for (const auto& [name, p] : parameters) {
        auto it = shadow_.find(name);
        if (it == shadow_.end()) throw std::runtime_error("the EMA has no tensor " + name);
        it->second.mul_(d).add_(p.detach(), 1.0 - d);
    }
}

void Ema::load(const std::map<std::string, at::Tensor>& shadow, int64_t updates) {
    at::NoGradGuard no_grad;
    for (auto& [name, s] : shadow_) {
        auto it = shadow.find(name);
        if (it == shadow.end() || !it->second.sizes().equals(s.sizes())) {
            throw std::runtime_error("EMA state has no matching tensor " + name);
        }
        s.copy_(it->second);
    }
    updates_ = updates;
}

}  // namespace ds
