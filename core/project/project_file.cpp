#include "core/project/project_file.h"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/io/atomic_file.h"

namespace ds {
namespace {

static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559, "IEEE floats expected");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the project file code assumes a little-endian host"
#endif

using json = nlohmann::json;

constexpr char kMagic[8] = {'D', 'S', 'P', 'R', 'O', 'J', '\r', '\n'};
constexpr char kEnd[4] = {'E', 'N', 'D', '\n'};
constexpr size_t kFixedHeader = 32;
constexpr size_t kTrailer = 8;
constexpr const char* kFormatName = "diffusion-studio-project";
constexpr uint64_t kMaxHeaderBytes = uint64_t{256} << 20;

void put_u32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t get_le(std::string_view bytes, size_t at, int size) {
    uint64_t v = 0;
    for (int i = size - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
}

std::string size_text(const Image& image) {
    return std::to_string(image.width) + "x" + std::to_string(image.height) + "x" + std::to_string(image.channels);
}

void check_image(const Image& image, const std::string& what) {
    if (image.channels != 1 && image.channels != 3 && image.channels != 4)
        throw ProjectError(what + " has " + std::to_string(image.channels) + " channels (1, 3 or 4 expected)");
    if (image.width < 1 || image.height < 1 || image.width > kMaxImageSide || image.height > kMaxImageSide)
        throw ProjectError(what + " is " + size_text(image) + ": sides must be 1.." + std::to_string(kMaxImageSide));
    if (image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels)
        throw ProjectError(what + " holds " + std::to_string(image.pixels.size()) + " values for " + size_text(image));
}

// Stores q / 255.0f as q when that is exactly every pixel (8-bit images stay small), else the floats.
bool exact_in_u8(const Image& image) {
    for (float v : image.pixels) {
        if (!(v >= 0.0f && v <= 1.0f)) return false;
        const long q = std::lround(v * 255.0f);
        if (static_cast<float>(q) / 255.0f != v) return false;
    }
    return true;
}

class BlobWriter {
public:
    int add(const Image& image) {
        json blob;
        blob["width"] = image.width;
        blob["height"] = image.height;
        blob["channels"] = image.channels;
        const size_t offset = data_.size();
        if (exact_in_u8(image)) {
            blob["encoding"] = "u8";
            data_.reserve(offset + image.pixels.size());
            for (float v : image.pixels) data_.push_back(static_cast<char>(std::lround(v * 255.0f)));
        } else {
            blob["encoding"] = "f32";
            data_.resize(offset + image.pixels.size() * 4);
            std::memcpy(&data_[offset], image.pixels.data(), image.pixels.size() * 4);
        }
        blob["offset"] = offset;
        blob["length"] = data_.size() - offset;
        blobs_.push_back(std::move(blob));
        return static_cast<int>(blobs_.size() - 1);
    }
    const json& blobs() const { return blobs_; }
    const std::string& data() const { return data_; }

private:
    json blobs_ = json::array();
    std::string data_;
};

// --- reading -----------------------------------------------------------------------------------

class Reader {
public:
    Reader(std::string_view bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {}

    [[noreturn]] void fail(const std::string& what) const { throw ProjectError(name_ + ": " + what); }

    Project read() {
        if (bytes_.size() < kFixedHeader + kTrailer || std::memcmp(bytes_.data(), kMagic, sizeof kMagic) != 0) {
            if (bytes_.size() >= 6 && std::memcmp(bytes_.data(), kMagic, 6) == 0 && bytes_.size() < kFixedHeader + kTrailer)
                fail("the project file is truncated (" + std::to_string(bytes_.size()) + " bytes)");
            fail("not a Diffusion Studio project file");
        }
        const uint64_t version = get_le(bytes_, 8, 4);
        if (version != kProjectFormatVersion)
            fail("project format version " + std::to_string(version) + " is not supported (this build reads version " +
                 std::to_string(kProjectFormatVersion) + ")");
        const uint64_t total = get_le(bytes_, 16, 8);
        if (total != bytes_.size()) {
            if (bytes_.size() < total)
                fail("the project file is truncated (" + std::to_string(bytes_.size()) + " of " + std::to_string(total) +
                     " bytes)");
            fail("the project file is corrupt (" + std::to_string(bytes_.size()) + " bytes where " +
                 std::to_string(total) + " were written)");
        }
        if (std::memcmp(bytes_.data() + bytes_.size() - 4, kEnd, 4) != 0) fail("the project file is corrupt (no end mark)");
        const uint32_t stored_crc = static_cast<uint32_t>(get_le(bytes_, bytes_.size() - kTrailer, 4));
        if (crc32(bytes_.substr(0, bytes_.size() - kTrailer)) != stored_crc)
            fail("the project file is corrupt (checksum mismatch)");
        const uint64_t header_size = get_le(bytes_, 24, 8);
        if (header_size > kMaxHeaderBytes || header_size > bytes_.size() - kFixedHeader - kTrailer)
            fail("the project file is corrupt (header size " + std::to_string(header_size) + ")");
        data_ = bytes_.substr(kFixedHeader + header_size, bytes_.size() - kFixedHeader - header_size - kTrailer);
        json header;
        try {
            header = json::parse(bytes_.substr(kFixedHeader, header_size));
        } catch (const json::exception&) {
            fail("the project file is corrupt (its header is not valid JSON)");
        }
        Project project;
        try {
            project = build(header);
        } catch (const json::exception& e) {
            fail(std::string("the project file is corrupt (") + first_line(e.what()) + ")");
        }
        try {
            validate_project(project);
        } catch (const ProjectError& e) {
            fail(std::string("invalid project: ") + e.what());
        }
        return project;
    }

private:
    static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

    const json& field(const json& object, const char* key) const {
        if (!object.is_object() || !object.contains(key)) fail(std::string("the project header has no '") + key + "'");
        return object.at(key);
    }
    std::string text(const json& object, const char* key) const {
        const json& v = field(object, key);
        if (!v.is_string()) fail(std::string("'") + key + "' is not a string");
        return v.get<std::string>();
    }
    int64_t integer(const json& object, const char* key, int64_t lo, int64_t hi) const {
        const json& v = field(object, key);
        if (!v.is_number_integer()) fail(std::string("'") + key + "' is not an integer");
        const int64_t x = v.get<int64_t>();
        if (x < lo || x > hi)
            fail(std::string("'") + key + "' is " + std::to_string(x) + ", outside " + std::to_string(lo) + ".." +
                 std::to_string(hi));
        return x;
    }
    std::map<std::string, std::string> string_map(const json& object, const char* key) const {
        const json& v = field(object, key);
        if (!v.is_object()) fail(std::string("'") + key + "' is not an object");
        std::map<std::string, std::string> out;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (!it.value().is_string()) fail(std::string("'") + key + "." + it.key() + "' is not a string");
            out[it.key()] = it.value().get<std::string>();
        }
        return out;
    }

    // Decodes blob `index` once; each blob belongs to exactly one image.
    Image blob(const json& ref) {
        if (!ref.is_number_integer()) fail("an image reference is not a blob index");
        const int64_t index = ref.get<int64_t>();
        if (index < 0 || index >= static_cast<int64_t>(images_.size())) fail("image reference " + std::to_string(index) + " has no blob");
        if (used_[index]) fail("blob " + std::to_string(index) + " is referenced twice");
        used_[index] = true;
        return std::move(images_[index]);
    }

    void read_blobs(const json& blobs) {
        if (!blobs.is_array()) fail("'blobs' is not a list");
        uint64_t expected_offset = 0;
        for (const json& b : blobs) {
            Image image;
            image.width = static_cast<int>(integer(b, "width", 1, kMaxImageSide));
            image.height = static_cast<int>(integer(b, "height", 1, kMaxImageSide));
            image.channels = static_cast<int>(integer(b, "channels", 1, 4));
            if (image.channels == 2) fail("a blob has 2 channels");
            const std::string encoding = text(b, "encoding");
            const uint64_t count = static_cast<uint64_t>(image.width) * image.height * image.channels;
            const uint64_t offset = static_cast<uint64_t>(integer(b, "offset", 0, std::numeric_limits<int64_t>::max()));
            const uint64_t length = static_cast<uint64_t>(integer(b, "length", 0, std::numeric_limits<int64_t>::max()));
            const uint64_t per = encoding == "u8" ? 1 : encoding == "f32" ? 4 : 0;
            if (per == 0) fail("unknown pixel encoding '" + encoding + "'");
            if (length != count * per) fail("a blob's length does not match its size");
            if (offset != expected_offset || offset + length > data_.size()) fail("a blob lies outside the data section");
            expected_offset = offset + length;
            image.pixels.resize(count);
            const char* src = data_.data() + offset;
            if (per == 1) {
                for (uint64_t i = 0; i < count; ++i) image.pixels[i] = static_cast<float>(static_cast<unsigned char>(src[i])) / 255.0f;
            } else {
                std::memcpy(image.pixels.data(), src, length);
            }
            images_.push_back(std::move(image));
        }
        if (expected_offset != data_.size()) fail("the data section holds bytes no blob describes");
        used_.assign(images_.size(), false);
    }

    Project build(const json& h) {
        if (!h.is_object() || !h.contains("format") || h.at("format") != kFormatName)
            fail("the header does not describe a Diffusion Studio project");
        if (integer(h, "version", 0, std::numeric_limits<int>::max()) != kProjectFormatVersion)
            fail("the header's version differs from the file's");
        read_blobs(field(h, "blobs"));
        Project p;
        const json& canvas = field(h, "canvas");
        p.width = static_cast<int>(integer(canvas, "width", 1, kMaxImageSide));
        p.height = static_cast<int>(integer(canvas, "height", 1, kMaxImageSide));
        p.prompt = text(h, "prompt");
        p.negative_prompt = text(h, "negative_prompt");
        p.settings = string_map(h, "settings");
        const json& layers = field(h, "layers");
        if (!layers.is_array()) fail("'layers' is not a list");
        for (const json& l : layers) {
            ProjectLayer layer;
            layer.name = text(l, "name");
            layer.x = static_cast<int>(integer(l, "x", -kMaxImageSide, kMaxImageSide));
            layer.y = static_cast<int>(integer(l, "y", -kMaxImageSide, kMaxImageSide));
            const json& visible = field(l, "visible");
            if (!visible.is_boolean()) fail("a layer's 'visible' is not true or false");
            layer.visible = visible.get<bool>();
            const json& opacity = field(l, "opacity");
            if (!opacity.is_number()) fail("a layer's 'opacity' is not a number");
            layer.opacity = opacity.get<double>();
            layer.image = blob(field(l, "image"));
            p.layers.push_back(std::move(layer));
        }
        const json& mask = field(h, "mask");
        if (!mask.is_null()) p.mask = blob(mask);
        const json& history = field(h, "history");
        if (!history.is_array()) fail("'history' is not a list");
        for (const json& e : history) {
            ProjectHistoryEntry entry;
            entry.kind = text(e, "kind");
            entry.parameters = text(e, "parameters");
            entry.created = text(e, "created");
            entry.extra = string_map(e, "extra");
            const json& image = field(e, "image");
            if (!image.is_null()) entry.image = blob(image);
            p.history.push_back(std::move(entry));
        }
        for (size_t i = 0; i < used_.size(); ++i)
            if (!used_[i]) fail("blob " + std::to_string(i) + " belongs to nothing");
        return p;
    }

    std::string_view bytes_;
    std::string name_;
    std::string_view data_;
    std::vector<Image> images_;
    std::vector<bool> used_;
};

void check_utf8(const std::string& s, const std::string& what) {
    try {
        (void)json(s).dump();
    } catch (const json::exception&) {
        throw ProjectError(what + " is not valid UTF-8 text");
    }
}

}  // namespace

uint32_t crc32(std::string_view bytes, uint32_t crc) {
    static const std::array<uint32_t, 256> table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xff] ^ (crc >> 8);
    return ~crc;
}

void validate_project(const Project& p) {
    if (p.width < 1 || p.height < 1 || p.width > kMaxImageSide || p.height > kMaxImageSide)
        throw ProjectError("the canvas is " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                           ": sides must be 1.." + std::to_string(kMaxImageSide));
    check_utf8(p.prompt, "the prompt");
    check_utf8(p.negative_prompt, "the negative prompt");
    for (const auto& [key, value] : p.settings) {
        check_utf8(key, "a setting's name");
        check_utf8(value, "setting '" + key + "'");
    }
    for (size_t i = 0; i < p.layers.size(); ++i) {
        const ProjectLayer& l = p.layers[i];
        const std::string what = "layer " + std::to_string(i + 1);
        check_utf8(l.name, what + "'s name");
        check_image(l.image, what);
        if (!(l.opacity >= 0.0 && l.opacity <= 1.0)) throw ProjectError(what + "'s opacity is not in [0, 1]");
        if (std::abs(l.x) > kMaxImageSide || std::abs(l.y) > kMaxImageSide)
            throw ProjectError(what + " is placed too far from the canvas");
    }
    if (!p.mask.empty() || p.mask.width != 0 || p.mask.height != 0) {
        check_image(p.mask, "the mask");
        if (p.mask.channels != 1 || p.mask.width != p.width || p.mask.height != p.height)
            throw ProjectError("the mask is " + size_text(p.mask) + ", not one channel of the canvas's " +
                               std::to_string(p.width) + "x" + std::to_string(p.height));
    }
    for (size_t i = 0; i < p.history.size(); ++i) {
        const ProjectHistoryEntry& e = p.history[i];
        const std::string what = "history entry " + std::to_string(i + 1);
        check_utf8(e.kind, what + "'s kind");
        check_utf8(e.parameters, what + "'s parameters");
        check_utf8(e.created, what + "'s time");
        for (const auto& [key, value] : e.extra) {
            check_utf8(key, what + "'s field name");
            check_utf8(value, what + "'s '" + key + "'");
        }
        if (!e.image.empty() || e.image.width != 0 || e.image.height != 0) check_image(e.image, what + "'s image");
    }
}

std::string encode_project(const Project& p) {
    validate_project(p);
    BlobWriter blobs;
    json h;
    h["format"] = kFormatName;
    h["version"] = kProjectFormatVersion;
    h["canvas"] = {{"width", p.width}, {"height", p.height}};
    h["prompt"] = p.prompt;
    h["negative_prompt"] = p.negative_prompt;
    h["settings"] = p.settings;
    json layers = json::array();
    for (const ProjectLayer& l : p.layers) {
        layers.push_back({{"name", l.name},
                          {"x", l.x},
                          {"y", l.y},
                          {"visible", l.visible},
                          {"opacity", l.opacity},
                          {"image", blobs.add(l.image)}});
    }
    h["layers"] = std::move(layers);
    h["mask"] = p.mask.empty() ? json(nullptr) : json(blobs.add(p.mask));
    json history = json::array();
    for (const ProjectHistoryEntry& e : p.history) {
        history.push_back({{"kind", e.kind},
                           {"parameters", e.parameters},
                           {"created", e.created},
                           {"extra", e.extra},
                           {"image", e.image.empty() ? json(nullptr) : json(blobs.add(e.image))}});
    }
    h["history"] = std::move(history);
    h["blobs"] = blobs.blobs();
    const std::string header = h.dump();
    std::string out;
    const uint64_t total = kFixedHeader + header.size() + blobs.data().size() + kTrailer;
    out.reserve(total);
    out.append(kMagic, sizeof kMagic);
    put_u32(out, kProjectFormatVersion);
    put_u32(out, 0);
    put_u64(out, total);
    put_u64(out, header.size());
    out += header;
    out += blobs.data();
    put_u32(out, crc32(out));
    out.append(kEnd, sizeof kEnd);
    return out;
}

Project decode_project(std::string_view bytes, const std::string& name) { return Reader(bytes, name).read(); }

void save_project(const std::string& path, const Project& project) {
    std::string bytes;
    try {
        bytes = encode_project(project);
    } catch (const ProjectError& e) {
        throw ProjectError(path + ": cannot save: " + e.what());
    }
    AtomicFile file(path);
    file.write(bytes);
    file.commit();
}

Project open_project(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ProjectError(path + ": is a folder, not a project file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ProjectError(path + ": cannot open the project file (" + std::strerror(errno) + ")");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) throw ProjectError(path + ": cannot read the project file");
    const std::string bytes = buffer.str();
    if (bytes.empty()) throw ProjectError(path + ": the project file is empty");
    return decode_project(bytes, path);
}

}  // namespace ds
