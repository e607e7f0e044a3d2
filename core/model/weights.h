#pragma once
// Named weights for the networks, with the bookkeeping that makes loading errors useful: every
// lookup is recorded, so after building a network the loader can list missing, unexpected and
// wrongly shaped tensors in one message. Names are diffusers/transformers names (the canonical
// layout); checkpoint/ converts other layouts to them.
#include <ATen/core/Tensor.h>

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ds {

struct WeightError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class WeightMap {
public:
    WeightMap() = default;
    explicit WeightMap(std::map<std::string, at::Tensor> tensors) : tensors_(std::move(tensors)) {}

    // Creates the tensor a network asks for (name, shape) when the map has none: how fresh networks
    // are built for training. Networks are built by loading (get() calls), so a map with an
    // initializer yields every parameter of any architecture without a second list of names.
    using Initializer = std::function<at::Tensor(const std::string& name, const std::vector<int64_t>& shape)>;
    static WeightMap with_initializer(Initializer init);

    void insert(const std::string& name, at::Tensor tensor) { tensors_[name] = std::move(tensor); }
    bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
    const std::map<std::string, at::Tensor>& tensors() const { return tensors_; }

    // The floating-point type get() converts to when not told (float32 unless set): fp16/bf16 on CUDA.
    void set_dtype(at::ScalarType dtype) { dtype_ = dtype; }
    at::ScalarType dtype() const { return dtype_; }

    // The tensor `name`, converted to `dtype` (the map's dtype by default); records a problem (missing, or a
    // shape other than `shape` when given) and returns an undefined tensor instead of throwing, so
    // that all problems are reported together by check().
    at::Tensor get(const std::string& name, std::vector<int64_t> shape = {},
                   at::ScalarType dtype = at::ScalarType::Undefined) const;
    // Like get() but a missing tensor is fine (returns undefined).
    at::Tensor get_optional(const std::string& name, std::vector<int64_t> shape = {},
                            at::ScalarType dtype = at::ScalarType::Undefined) const;

    // Names under `prefix` that no get() asked for.
    std::vector<std::string> unused(const std::string& prefix = "") const;
    // Throws WeightError listing missing / wrongly shaped / (when strict) unused tensors under prefix.
    void check(const std::string& what, const std::string& prefix = "", bool strict = true) const;

private:
    // mutable: get() of a map with an initializer stores what it creates.
    mutable std::map<std::string, at::Tensor> tensors_;
    Initializer initializer_;
    at::ScalarType dtype_ = at::kFloat;
    mutable std::set<std::string> used_;
    mutable std::vector<std::string> missing_;
    mutable std::vector<std::string> wrong_shape_;
};

// "[2,4,64,64]": tensor shapes in error messages.
std::string shape_string(at::IntArrayRef shape);

// Joins name parts with dots: key("down_blocks", 0, "resnets") == "down_blocks.0.resnets".
std::string key(const std::string& a, const std::string& b);
std::string key(const std::string& a, int index);

}  // namespace ds
