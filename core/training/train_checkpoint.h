#pragma once
// A resumable training state in one safetensors file: the weights ("param/..."), their EMA
// ("ema/..."), the optimiser moments ("opt/m/...", "opt/v/...") and the step, written atomically so an
// interruption mid-save leaves the previous checkpoint intact.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>

namespace ds {

struct TrainCheckpoint {
    std::map<std::string, at::Tensor> params;
    std::map<std::string, at::Tensor> ema;
    std::map<std::string, at::Tensor> optimizer;
    int64_t step = 0;
    std::map<std::string, std::string> info;  // what was trained and how (kind, schedule, seed, ...)
};

void save_train_checkpoint(const std::string& path, const TrainCheckpoint& checkpoint);
// Throws std::runtime_error (or SafetensorsError) naming the file and the problem.
TrainCheckpoint load_train_checkpoint(const std::string& path);

// A count recorded in the checkpoint's info (0 when absent); throws std::runtime_error naming the
// key when it is not a whole non-negative number.
int64_t checkpoint_count(const TrainCheckpoint& checkpoint, const std::string& key);

}  // namespace ds
