#include "core/io/safetensors.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "core/io/atomic_file.h"

// The format is little-endian; so is every machine we build for.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes a little-endian host");

namespace ds {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the limit the reference implementation uses

struct DtypeInfo {
    const char* name;
    at::ScalarType type;
    uint64_t size;
};

constexpr DtypeInfo kDtypes[] = {
    {"F64", at::kDouble, 8}, {"F32", at::kFloat, 4}, {"F16", at::kHalf, 2},  {"BF16", at::kBFloat16, 2},
    {"I64", at::kLong, 8},   {"I32", at::kInt, 4},   {"I16", at::kShort, 2}, {"I8", at::kChar, 1},
    {"U8", at::kByte, 1},    {"BOOL", at::kBool, 1},
};

const DtypeInfo* dtype_by_name(const std::string& name) {
    for (const auto& d : kDtypes)
        if (name == d.name) return &d;
    return nullptr;
}

const DtypeInfo* dtype_by_type(at::ScalarType type) {
    for (const auto& d : kDtypes)
        if (type == d.type) return &d;
    return nullptr;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string range_text(uint64_t begin, uint64_t end) {
    return "[" + std::to_string(begin) + "," + std::to_string(end) + "]";
}

// The live mappings' address ranges, so release_mapped_pages can tell a mapped tensor from heap
// memory (where MADV_DONTNEED would zero live data).
struct MappedRanges {
    std::mutex mutex;
    std::map<uintptr_t, uintptr_t> ranges;  // begin -> end
};

MappedRanges& mapped_ranges() {
    static MappedRanges* ranges = new MappedRanges;  // never destroyed: mappings may outlive statics
    return *ranges;
}

// A private (copy-on-write) writable mapping of the whole file. Writes land in private pages.
struct Mapping {
    void* base = MAP_FAILED;
    size_t size = 0;
    Mapping() = default;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    void registered() {
        MappedRanges& r = mapped_ranges();
        std::lock_guard<std::mutex> lock(r.mutex);
        r.ranges[reinterpret_cast<uintptr_t>(base)] = reinterpret_cast<uintptr_t>(base) + size;
    }
    ~Mapping() {
        if (base == MAP_FAILED) return;
        {
            MappedRanges& r = mapped_ranges();
            std::lock_guard<std::mutex> lock(r.mutex);
            r.ranges.erase(reinterpret_cast<uintptr_t>(base));
        }
        ::munmap(base, size);
    }
};

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// Thrown from the JSON parser callback to stop parsing early.
struct HeaderTooDeep {};

}  // namespace

struct SafetensorsFile::Impl {
    std::string path;
    std::shared_ptr<Mapping> mapping;
    uint8_t* data = nullptr;  // start of the data section, inside the mapping
    uint64_t data_size = 0;
    std::vector<SafetensorsEntry> entries;
    std::unordered_map<std::string, size_t> index;
    std::map<std::string, std::string> metadata;

    [[noreturn]] void fail(const std::string& message) const {
        throw SafetensorsError(path + ": " + message);
    }
    [[noreturn]] void fail(const std::string& tensor, const std::string& message) const {
        fail("tensor '" + tensor + "' " + message);
    }
    void parse_header(const char* begin, const char* end);
    SafetensorsEntry parse_entry(const std::string& name, const nlohmann::json& value) const;
    void check_ranges();
};

void SafetensorsFile::Impl::parse_header(const char* begin, const char* end) {
    nlohmann::json header;
    std::string duplicate;
    std::set<std::string> seen;
    // A valid header nests containers at most two deep ({name: {shape: [...]}}): stop a hostile one early
    // instead of building millions of nested values. Also catch duplicate names, which the DOM would drop.
    const nlohmann::json::parser_callback_t watch = [&](int depth, nlohmann::json::parse_event_t event,
                                                        nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if ((event == Event::object_start || event == Event::array_start) && depth > 2) throw HeaderTooDeep{};
        if (event == Event::key && depth == 1 && parsed.is_string() &&
            !seen.insert(parsed.get<std::string>()).second && duplicate.empty())
            duplicate = parsed.get<std::string>();
        return true;
    };
    try {
        header = nlohmann::json::parse(begin, end, watch);
    } catch (const HeaderTooDeep&) {
        fail("header JSON is nested deeper than a safetensors header can be");
    } catch (const nlohmann::json::exception& e) {
        fail(std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) fail("header is not a JSON object");
    if (!duplicate.empty()) fail("tensor '" + duplicate + "' appears twice in the header");

    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object()) fail("__metadata__ is not an object of strings");
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string()) fail("__metadata__ value of '" + m.key() + "' is not a string");
                metadata[m.key()] = m->get<std::string>();
            }
            continue;
        }
        entries.push_back(parse_entry(it.key(), it.value()));
    }
    check_ranges();
    for (size_t i = 0; i < entries.size(); ++i) index[entries[i].name] = i;
}

SafetensorsEntry SafetensorsFile::Impl::parse_entry(const std::string& name,
                                                    const nlohmann::json& value) const {
    if (!value.is_object()) fail(name, "is not described by a JSON object");
    SafetensorsEntry e;
    e.name = name;

    const auto dtype = value.find("dtype");
    if (dtype == value.end() || !dtype->is_string()) fail(name, "has no dtype string");
    e.dtype = dtype->get<std::string>();
    const DtypeInfo* info = dtype_by_name(e.dtype);
    if (!info) fail(name, "has unknown dtype '" + e.dtype + "'");

    const auto shape = value.find("shape");
    if (shape == value.end() || !shape->is_array()) fail(name, "has no shape array");
    uint64_t bytes = info->size;
    bool overflow = false;
    for (const auto& dim : *shape) {
        // is_number_integer covers both signed and unsigned JSON integers; floats and strings are refused.
        if (!dim.is_number_integer()) fail(name, "has a shape entry that is not an integer: " + dim.dump());
        if (dim.is_number_unsigned() ? dim.get<uint64_t>() > uint64_t(INT64_MAX) : dim.get<int64_t>() < 0)
            fail(name, "has an invalid dimension " + dim.dump() + " in its shape");
        const auto d = dim.get<int64_t>();
        e.shape.push_back(d);
        overflow = overflow || __builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes);
    }
    if (overflow) fail(name, "has a shape " + shape_text(e.shape) + " too large to address");

    const auto offsets = value.find("data_offsets");
    if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned())
        fail(name, "has no data_offsets [begin, end] of two non-negative integers");
    e.begin = (*offsets)[0].get<uint64_t>();
    e.end = (*offsets)[1].get<uint64_t>();
    if (e.begin > e.end)
        fail(name, "has data_offsets " + range_text(e.begin, e.end) + " with begin after end");
    if (e.end > data_size)
        fail(name, "has data_offsets " + range_text(e.begin, e.end) + " past the end of the data section (" +
                       std::to_string(data_size) + " bytes)");
    if (e.end - e.begin != bytes)
        fail(name, "has " + std::to_string(e.end - e.begin) + " bytes for shape " + shape_text(e.shape) +
                       " " + e.dtype + " (" + std::to_string(bytes) + " expected)");
    return e;
}

void SafetensorsFile::Impl::check_ranges() {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
                         return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
                     });
    const SafetensorsEntry* previous = nullptr;  // the non-empty range reaching furthest so far
    for (const auto& e : entries) {
        if (e.begin == e.end) continue;  // an empty range holds no bytes and overlaps nothing
        if (previous && e.begin < previous->end)
            fail("tensors '" + previous->name + "' " + range_text(previous->begin, previous->end) + " and '" +
                 e.name + "' " + range_text(e.begin, e.end) + " overlap");
        if (!previous || e.end > previous->end) previous = &e;
    }
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
    auto impl = std::make_shared<Impl>();
    impl->path = path;

    Fd file;
    file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (file.fd < 0) impl->fail(std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) impl->fail(std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) impl->fail("not a regular file");
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size == 0) impl->fail("file is empty");
    if (size < 8)
        impl->fail("file is " + std::to_string(size) + " bytes, shorter than the 8-byte header length");

    auto mapping = std::make_shared<Mapping>();
    // MAP_PRIVATE + PROT_WRITE: tensors viewing the mapping may be written; the pages are copied on
    // write and the file never changes. (Truncating the file while it is mapped would still SIGBUS.)
    mapping->base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.fd, 0);
    if (mapping->base == MAP_FAILED) impl->fail(std::string("cannot map: ") + std::strerror(errno));
    mapping->size = size;
    mapping->registered();
    impl->mapping = mapping;

    auto* bytes = static_cast<uint8_t*>(mapping->base);
    uint64_t header_size = 0;
    std::memcpy(&header_size, bytes, 8);
    if (header_size < 2)
        impl->fail("header length " + std::to_string(header_size) + " is too small for a JSON object");
    if (header_size > kMaxHeaderBytes)
        impl->fail("header length " + std::to_string(header_size) + " exceeds the 100 MiB limit");
    if (8 + header_size > size)
        impl->fail("header length " + std::to_string(header_size) + " points past the end of the file (" +
                   std::to_string(size) + " bytes; truncated?)");
    impl->data = bytes + 8 + header_size;
    impl->data_size = size - 8 - header_size;
    const auto* header = reinterpret_cast<const char*>(bytes + 8);
    impl->parse_header(header, header + header_size);

    SafetensorsFile result;
    result.impl_ = std::move(impl);
    return result;
}

const std::string& SafetensorsFile::path() const { return impl_->path; }

const std::vector<SafetensorsEntry>& SafetensorsFile::entries() const { return impl_->entries; }

bool SafetensorsFile::contains(const std::string& name) const { return impl_->index.count(name) > 0; }

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
    const auto it = impl_->index.find(name);
    if (it == impl_->index.end()) impl_->fail("no tensor named '" + name + "'");
    return impl_->entries[it->second];
}

const std::map<std::string, std::string>& SafetensorsFile::metadata() const { return impl_->metadata; }

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
    const SafetensorsEntry& e = entry(name);
    const DtypeInfo* info = dtype_by_name(e.dtype);  // validated in open()
    const auto options = at::TensorOptions().dtype(info->type).device(at::kCPU);
    if (e.begin == e.end) return at::empty(e.shape, options);
    uint8_t* source = impl_->data + e.begin;
    if (reinterpret_cast<uintptr_t>(source) % info->size == 0) {
        // Zero-copy: the deleter keeps the mapping alive as long as the tensor's storage lives.
        std::shared_ptr<Mapping> keep_alive = impl_->mapping;
        return at::from_blob(
            source, e.shape, [keep_alive](void*) {}, options);
    }
    // Misaligned for its element type (an odd offset in the file): a typed view would be undefined.
    at::Tensor copy = at::empty(e.shape, options);
    std::memcpy(copy.data_ptr(), source, e.end - e.begin);
    return copy;
}

at::Tensor SafetensorsFile::tensor(const std::string& name, at::ScalarType dtype) const {
    at::Tensor t = tensor(name);
    return t.scalar_type() == dtype ? t : t.to(dtype);
}

void write_safetensors(const std::string& path,
                       const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata) {
    auto fail = [&](const std::string& message) -> void { throw SafetensorsError(path + ": " + message); };

    // Validate and lay out everything before creating any file.
    std::vector<at::Tensor> contiguous;
    contiguous.reserve(tensors.size());
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        auto& meta = header["__metadata__"] = nlohmann::ordered_json::object();
        for (const auto& [key, value] : metadata) meta[key] = value;
    }
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (name.empty()) fail("a tensor has an empty name");
        if (name == "__metadata__") fail("'__metadata__' is reserved and cannot name a tensor");
        if (!names.insert(name).second) fail("tensor '" + name + "' is given twice");
        if (!tensor.defined()) fail("tensor '" + name + "' is undefined");
        const DtypeInfo* info = dtype_by_type(tensor.scalar_type());
        if (!info)
            fail("tensor '" + name + "' has dtype " + std::string(c10::toString(tensor.scalar_type())) +
                 ", which safetensors cannot store");
        at::Tensor t = tensor.detach().to(at::kCPU).resolve_conj().resolve_neg().contiguous();
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * info->size;
        header[name] = {{"dtype", info->name},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", nlohmann::ordered_json::array({offset, offset + bytes})}};
        offset += bytes;
        contiguous.push_back(std::move(t));
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception& e) {
        fail(std::string("cannot write the header (names and metadata must be UTF-8): ") + e.what());
    }
    // Pad with spaces so the data section starts 8-byte aligned (as the reference writer does).
    text.append((8 - text.size() % 8) % 8, ' ');

    try {
        AtomicFile file(path);
        uint64_t header_size = text.size();
        file.write(std::string_view(reinterpret_cast<const char*>(&header_size), 8));
        file.write(text);
        for (const auto& t : contiguous) {
            const size_t bytes = t.numel() * t.element_size();
            if (bytes > 0) file.write(std::string_view(static_cast<const char*>(t.data_ptr()), bytes));
        }
        file.commit();  // on any throw before this, ~AtomicFile removes the temporary file
    } catch (const FileError& e) {
        throw SafetensorsError(e.what());
    }
}

void release_mapped_pages(const at::Tensor& tensor) {
    if (!tensor.defined() || !tensor.device().is_cpu() || !tensor.is_contiguous() || tensor.numel() == 0) return;
    const auto begin = reinterpret_cast<uintptr_t>(tensor.data_ptr());
    const uintptr_t end = begin + static_cast<uintptr_t>(tensor.numel()) * tensor.element_size();
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    // Only whole pages inside the tensor: a page shared with a neighbour stays.
    const uintptr_t first = (begin + page - 1) / page * page, last = end / page * page;
    if (last <= first) return;
    MappedRanges& r = mapped_ranges();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.ranges.upper_bound(begin);
    if (it == r.ranges.begin()) return;
    --it;
    if (begin < it->first || end > it->second) return;  // not (wholly) inside a mapping
    ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace ds
