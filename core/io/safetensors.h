#pragma once
// safetensors (https://github.com/huggingface/safetensors, format description in its README):
// 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}, ...,
// "__metadata__": {str: str}}, then the data section. Read memory-mapped and validated before use.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ds {

struct SafetensorsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct SafetensorsEntry {
    std::string name;
    std::string dtype;            // "F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"
    std::vector<int64_t> shape;
    uint64_t begin = 0;           // byte range inside the data section
    uint64_t end = 0;
};

class SafetensorsFile {
public:
    // Maps and validates the file: header length bound, well-formed JSON, known dtypes,
    // shape x dtype size == byte range, ranges inside the file and not overlapping.
    // Throws SafetensorsError naming the file and the offending tensor.
    static SafetensorsFile open(const std::string& path);

    const std::string& path() const;
    const std::vector<SafetensorsEntry>& entries() const;  // in file (offset) order
    bool contains(const std::string& name) const;
    const SafetensorsEntry& entry(const std::string& name) const;  // throws SafetensorsError if absent
    const std::map<std::string, std::string>& metadata() const;

    // A CPU tensor of the stored dtype viewing the mapped bytes (zero-copy when aligned; the
    // mapping stays alive while any such tensor does). The mapping is private copy-on-write,
    // so writing into the tensor never touches the file.
    at::Tensor tensor(const std::string& name) const;
    // The tensor converted to `dtype` (no copy when it already has it).
    at::Tensor tensor(const std::string& name, at::ScalarType dtype) const;

private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

// Gives the pages under `tensor` back to the kernel when it views a mapped safetensors file, once
// the caller has copied what it needs (a loader converting F16 to F32): without this a loaded
// model keeps both the file's pages and the converted copy resident, two copies of the weights.
// The data stays readable (the pages come back from the file when touched), but anything written
// into them is lost: call it only for tensors nobody writes. Does nothing for any other tensor.
void release_mapped_pages(const at::Tensor& tensor);

// Writes tensors (any device, contiguous or not) in the given order, with optional metadata.
// Atomic: a temporary file in the same folder is renamed over `path` at the end.
void write_safetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace ds
