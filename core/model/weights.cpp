#include "core/model/weights.h"

#include <ATen/ATen.h>

#include "core/io/safetensors.h"

#include <sstream>

namespace ds {
std::string shape_string(at::IntArrayRef shape) {
    std::ostringstream out;
    out << "[";
    for (size_t i = 0; i < shape.size(); ++i) out << (i ? "," : "") << shape[i];
    out << "]";
    return out.str();
}

WeightMap WeightMap::with_initializer(Initializer init) {
    WeightMap map;
    map.initializer_ = std::move(init);
    return map;
}

at::Tensor WeightMap::get(const std::string& name, std::vector<int64_t> shape, at::ScalarType dtype) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end() && initializer_ && !shape.empty()) {
        tensors_[name] = initializer_(name, shape);
        it = tensors_.find(name);
    }
    if (it == tensors_.end()) {
        missing_.push_back(name);
        return {};
    }
    return get_optional(name, std::move(shape), dtype);
}

at::Tensor WeightMap::get_optional(const std::string& name, std::vector<int64_t> shape, at::ScalarType dtype) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) return {};
    used_.insert(name);
    const at::Tensor& t = it->second;
    if (!shape.empty() && !t.sizes().equals(shape)) {
        wrong_shape_.push_back(name + " is " + shape_string(t.sizes()) + ", expected " + shape_string(shape));
        return {};
    }
    const at::ScalarType want = dtype == at::ScalarType::Undefined ? dtype_ : dtype;
    if (t.scalar_type() == want) return t;  // a view of the file's pages: one copy
    at::Tensor converted = t.to(want);
    release_mapped_pages(t);  // the network keeps the converted copy: the file's pages can go
    return converted;
}

std::vector<std::string> WeightMap::unused(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const auto& [name, tensor] : tensors_) {
        if (name.compare(0, prefix.size(), prefix) == 0 && !used_.count(name)) out.push_back(name);
    }
    return out;
}

void WeightMap::check(const std::string& what, const std::string& prefix, bool strict) const {
    const std::vector<std::string> extra = strict ? unused(prefix) : std::vector<std::string>{};
    if (missing_.empty() && wrong_shape_.empty() && extra.empty()) return;
    std::ostringstream msg;
    msg << what << ": weights do not fit the architecture";
    auto list = [&](const char* label, const std::vector<std::string>& names) {
        if (names.empty()) return;
        msg << "; " << names.size() << " " << label << ": ";
        for (size_t i = 0; i < names.size() && i < 8; ++i) msg << (i ? ", " : "") << names[i];
        if (names.size() > 8) msg << ", ...";
    };
    list("missing", missing_);
    list("wrong shape", wrong_shape_);
    list("unexpected", extra);
    throw WeightError(msg.str());
}

std::string key(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }
std::string key(const std::string& a, int index) { return key(a, std::to_string(index)); }

}  // namespace ds
