#include "core/model/weight_loading.h"

#include <ATen/ATen.h>

#include <map>

namespace ds {

WeightMap weights_from_safetensors(const SafetensorsFile& file, const std::string& strip_prefix) {
    std::map<std::string, at::Tensor> tensors;
    for (const SafetensorsEntry& entry : file.entries()) {
        if (entry.name.compare(0, strip_prefix.size(), strip_prefix) != 0) continue;
        tensors.emplace(entry.name.substr(strip_prefix.size()), file.tensor(entry.name));
    }
    return WeightMap(std::move(tensors));
}

}  // namespace ds
