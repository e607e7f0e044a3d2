#include "core/data/emoji_shard.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/io/image_io.h"
#include "core/io/safetensors.h"

namespace ds {
namespace fs = std::filesystem;
namespace {

constexpr size_t kPictureBytes = static_cast<size_t>(kEmojiSide) * kEmojiSide * 4;
constexpr size_t kMaxProblems = 20;

uint8_t to_byte(float v) {
    if (!(v > 0.0f)) return 0;  // also NaN
    if (v >= 1.0f) return 255;
    return static_cast<uint8_t>(std::lround(v * 255.0f));
}

// A 64x64 read_image result as RGBA bytes; grey and RGB become opaque.
void append_rgba(const Image& image, std::vector<uint8_t>& out) {
    const size_t start = out.size();
    out.resize(start + kPictureBytes);
    uint8_t* dst = out.data() + start;
    const int c = image.channels;
    for (size_t p = 0; p < static_cast<size_t>(kEmojiSide) * kEmojiSide; ++p) {
        const float* src = image.pixels.data() + p * c;
        for (int k = 0; k < 3; ++k) dst[p * 4 + k] = to_byte(src[c >= 3 ? k : 0]);
        dst[p * 4 + 3] = c == 4 ? to_byte(src[3]) : 255;
    }
}

nlohmann::json record_json(const EmojiRecord& r) {
    return {{"unified", r.unified},         {"name", r.name},
            {"short_names", r.short_names}, {"category", r.category},
            {"subcategory", r.subcategory}, {"skin_tones", r.skin_tones},
            {"set", r.set},                 {"image", r.image},
            {"held_out", r.held_out}};
}

EmojiRecord record_from_json(const nlohmann::json& j) {
    // .at() and get<> throw json exceptions on missing keys or wrong types; the caller names the file.
    EmojiRecord r;
    r.unified = j.at("unified").get<std::string>();
    r.name = j.at("name").get<std::string>();
    r.short_names = j.at("short_names").get<std::vector<std::string>>();
    r.category = j.at("category").get<std::string>();
    r.subcategory = j.at("subcategory").get<std::string>();
    r.skin_tones = j.at("skin_tones").get<std::vector<std::string>>();
    r.set = j.at("set").get<std::string>();
    r.image = j.at("image").get<std::string>();
    r.held_out = j.at("held_out").get<bool>();
    return r;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

void check_images(const std::string& what, const at::Tensor& images, size_t records) {
    const std::vector<int64_t> shape = images.defined() ? images.sizes().vec() : std::vector<int64_t>{};
    if (!images.defined() || images.scalar_type() != at::kByte || shape.size() != 4 || shape[1] != kEmojiSide ||
        shape[2] != kEmojiSide || shape[3] != 4)
        throw EmojiDataError(what + ": images must be uint8 [N,64,64,4], got " +
                             (images.defined() ? std::string(c10::toString(images.scalar_type())) + " " +
                                                     shape_text(shape)
                                               : std::string("none")));
    if (static_cast<size_t>(shape[0]) != records)
        throw EmojiDataError(what + ": " + std::to_string(shape[0]) + " images but " + std::to_string(records) +
                             " records");
}

}  // namespace

EmojiShard build_emoji_shard(const std::vector<std::string>& package_dirs, EmojiBuildReport* report,
                             const EmojiBuildOptions& options) {
    EmojiBuildReport local;
    EmojiBuildReport& rep = report ? *report : local;
    rep = EmojiBuildReport{};
    auto skip = [&rep](int64_t& counter, const std::string& problem) {
        ++counter;
        if (rep.problems.size() < kMaxProblems) rep.problems.push_back(problem);
    };

    // Read every catalogue first, so that a bad --source fails before any picture is decoded.
    std::vector<EmojiCatalog> catalogs;
    for (const std::string& dir : package_dirs) catalogs.push_back(read_emoji_catalog(dir));

    EmojiShard shard;
    std::vector<uint8_t> bytes;
    for (const EmojiCatalog& catalog : catalogs) {
        size_t count = catalog.records.size();
        if (options.limit_per_source > 0) count = std::min(count, static_cast<size_t>(options.limit_per_source));
        if (options.progress)
            options.progress("reading " + std::to_string(count) + " " + catalog.set + " pictures from " +
                             catalog.package_dir);
        bytes.reserve(bytes.size() + count * kPictureBytes);
        for (size_t i = 0; i < count; ++i) {
            const EmojiRecord& record = catalog.records[i];
            ++rep.listed;
            const std::string path = (fs::path(catalog.package_dir) / record.image).string();
            std::error_code ec;
            if (!fs::is_regular_file(path, ec)) {
                skip(rep.missing_images, path + ": missing");
                continue;
            }
            Image image;
            try {
                image = read_image(path);
            } catch (const ImageError& e) {
                skip(rep.rejected_images, e.what());
                continue;
            }
            if (image.width != kEmojiSide || image.height != kEmojiSide) {
                skip(rep.rejected_images, path + ": " + std::to_string(image.width) + "x" +
                                              std::to_string(image.height) + ", not 64x64");
                continue;
            }
            append_rgba(image, bytes);
            shard.records.push_back(record);
        }
    }
    if (shard.records.empty())
        throw EmojiDataError("no emoji picture could be read from the given packages (" +
                             std::to_string(rep.missing_images) + " missing, " +
                             std::to_string(rep.rejected_images) + " rejected)");
    const auto n = static_cast<int64_t>(shard.records.size());
    shard.images = at::empty({n, kEmojiSide, kEmojiSide, 4}, at::kByte);
    std::memcpy(shard.images.data_ptr<uint8_t>(), bytes.data(), bytes.size());
    return shard;
}

void write_emoji_shard(const std::string& path, const EmojiShard& shard) {
    check_images("emoji shard for " + path, shard.images, shard.records.size());
    nlohmann::json records = nlohmann::json::array();
    for (const EmojiRecord& r : shard.records) records.push_back(record_json(r));
    write_safetensors(path, {{"images", shard.images.cpu().contiguous()}},
                      {{"format", kEmojiShardFormat}, {"records", records.dump()}});
}

EmojiShard read_emoji_shard(const std::string& path) {
    const SafetensorsFile file = SafetensorsFile::open(path);
    const auto& meta = file.metadata();
    const auto format = meta.find("format");
    if (format == meta.end() || format->second != kEmojiShardFormat)
        throw EmojiDataError(path + ": not an emoji shard (metadata format is " +
                             (format == meta.end() ? std::string("missing") : "'" + format->second + "'") +
                             ", expected '" + kEmojiShardFormat + "')");
    const auto records = meta.find("records");
    if (records == meta.end()) throw EmojiDataError(path + ": emoji shard without a 'records' list");

    EmojiShard shard;
    try {
        const nlohmann::json list = nlohmann::json::parse(records->second);
        if (!list.is_array()) throw EmojiDataError(path + ": the shard's 'records' is not a JSON array");
        shard.records.reserve(list.size());
        for (const auto& j : list) shard.records.push_back(record_from_json(j));
    } catch (const nlohmann::json::exception& e) {
        std::string what = e.what();
        what.resize(std::min(what.size(), what.find('\n')));
        throw EmojiDataError(path + ": the shard's records are malformed (" + what + ")");
    }
    if (!file.contains("images")) throw EmojiDataError(path + ": emoji shard without an 'images' tensor");
    shard.images = file.tensor("images");
    check_images(path, shard.images, shard.records.size());
    return shard;
}

std::map<std::string, int64_t> count_by_set(const std::vector<EmojiRecord>& records) {
    std::map<std::string, int64_t> counts;
    for (const EmojiRecord& r : records) ++counts[r.set];
    return counts;
}

std::map<std::string, int64_t> count_by_category(const std::vector<EmojiRecord>& records) {
    std::map<std::string, int64_t> counts;
    for (const EmojiRecord& r : records) ++counts[r.category];
    return counts;
}

}  // namespace ds
