#pragma once
// AdamW (Loshchilov & Hutter 2019, Algorithm 2): Adam with weight decay decoupled from the gradient.
// Its moment estimates are named tensors so that a training checkpoint can save and restore them.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>

namespace ds {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.01;  // applied to weights of rank >= 2 only (not biases or norm scales)
    double grad_clip_norm = 1.0; // global gradient-norm clip before the update; <= 0: off
};

class AdamW {
public:
    // `parameters`: name -> leaf tensor with requires_grad.
    AdamW(std::map<std::string, at::Tensor> parameters, AdamWOptions options = {});

    void zero_grad();
    // One update with learning rate `lr`; returns the gradient norm before clipping.
    double step(double lr);

    int64_t steps() const { return steps_; }
    // Moments as "m/<name>" and "v/<name>", and the step count, for checkpoints.
    std::map<std::string, at::Tensor> state() const;
    // Throws std::runtime_error naming a missing or wrongly shaped moment.
    void load_state(const std::map<std::string, at::Tensor>& state, int64_t steps);

private:
    std::map<std::string, at::Tensor> params_, m_, v_;
    AdamWOptions options_;
    int64_t steps_ = 0;
};

}  // namespace ds
