#include "core/training/train_checkpoint.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "core/io/safetensors.h"

namespace ds {
namespace {
const char* const kFormat = "diffusion-studio-train-checkpoint/1";
}

void save_train_checkpoint(const std::string& path, const TrainCheckpoint& c) {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    auto add = [&](const std::string& prefix, const std::map<std::string, at::Tensor>& m) {
        for (const auto& [name, t] : m) tensors.emplace_back(prefix + name, t.detach());
    };
    add("param/", c.params);
    add("ema/", c.ema);
    add("opt/", c.optimizer);
    std::map<std::string, std::string> metadata = c.info;
    metadata["format"] = kFormat;
    metadata["step"] = std::to_string(c.step);
    write_safetensors(path, tensors, metadata);
}

int64_t checkpoint_count(const TrainCheckpoint& c, const std::string& key) {
    auto it = c.info.find(key);
    if (it == c.info.end()) return 0;
    const std::string& v = it->second;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
        throw std::runtime_error("the checkpoint's " + key + " is not a step count: '" + v + "'");
    }
    return std::stoll(v);
}

TrainCheckpoint load_train_checkpoint(const std::string& path) {
    SafetensorsFile file = SafetensorsFile::open(path);
    TrainCheckpoint c;
    c.info = file.metadata();
    if (c.info["format"] != kFormat) throw std::runtime_error(path + ": not a Diffusion Studio training checkpoint");
    try {
        c.step = std::stoll(c.info.at("step"));
    } catch (const std::exception&) {
        throw std::runtime_error(path + ": training checkpoint has no valid step");
    }
    for (const SafetensorsEntry& entry : file.entries()) {
        const std::string& name = entry.name;
        at::Tensor t = file.tensor(name).clone();  // own the memory: the mapping closes with `file`
        const auto slash = name.find('/');
        if (slash == std::string::npos) throw std::runtime_error(path + ": unexpected tensor " + name);
        const std::string group = name.substr(0, slash), rest = name.substr(slash + 1);
        if (group == "param") c.params[rest] = t;
        else if (group == "ema") c.ema[rest] = t;
        else if (group == "opt") c.optimizer[rest] = t;
        else throw std::runtime_error(path + ": unexpected tensor " + name);
    }
    if (c.params.empty()) throw std::runtime_error(path + ": training checkpoint holds no weights");
    return c;
}

}  // namespace ds
