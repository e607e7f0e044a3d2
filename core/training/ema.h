#pragma once
// An exponential moving average of the weights (the EMA weights are what DDPM and LDM sample with;
// Ho et al. 2020 sec. 4 use decay 0.9999). The decay warms up as min(decay, (1 + n) / (10 + n)) so a
// short run is not dominated by the random initialisation.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>

namespace ds {

class Ema {
public:
    Ema(const std::map<std::string, at::Tensor>& parameters, double decay);
    // Moves the average of each tensor in `parameters` (all of them, or the trained ones while others
    // stay frozen: their average is left exactly as it is); throws for a name it does not hold.
    void update(const std::map<std::string, at::Tensor>& parameters);
    const std::map<std::string, at::Tensor>& shadow() const { return shadow_; }
    // Throws std::runtime_error naming a missing or wrongly shaped tensor.
    void load(const std::map<std::string, at::Tensor>& shadow, int64_t updates);
    int64_t updates() const { return updates_; }
    void set_decay(double decay) { decay_ = decay; }

private:
    std::map<std::string, at::Tensor> shadow_;
    double decay_;
    int64_t updates_ = 0;
};

}  // namespace ds
