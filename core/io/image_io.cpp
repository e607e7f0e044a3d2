#include "core/io/image_io.h"

#include <OpenImageIO/filesystem.h>
#include <OpenImageIO/imageio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/image/image_tensor.h"
#include "core/io/atomic_file.h"

namespace ds {
namespace fs = std::filesystem;
namespace {

// OIIO messages may span lines, often repeating themselves: keep the distinct lines, joined by "; ".
std::string one_line(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find_first_of("\r\n", start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        line.erase(line.find_last_not_of(" \t") + 1);
        line.erase(0, std::min(line.size(), line.find_first_not_of(" \t")));
        if (!line.empty()) lines.push_back(line);
        start = end + 1;
    }
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        bool repeated = false;  // contained in another line (a later copy wins ties)
        for (size_t j = 0; j < lines.size() && !repeated; ++j)
            repeated = j != i && lines[j].find(lines[i]) != std::string::npos && (lines[j] != lines[i] || j > i);
        if (!repeated) out += (out.empty() ? "" : "; ") + lines[i];
    }
    return out.empty() ? "unknown error" : out;
}

[[noreturn]] void fail_read(const std::string& path, const std::string& problem) {
    throw ImageError("cannot read image '" + path + "': " + one_line(problem));
}

[[noreturn]] void fail_write(const std::string& path, const std::string& problem) {
    throw ImageError("cannot write image '" + path + "': " + one_line(problem));
}

std::string lower_extension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

struct WriteFormat {
    const char* extension;
    const char* oiio_name;
    SampleType natural;
    int max_side;  // the format's own limit, checked here: libjpeg exit()s the process beyond it
};

constexpr WriteFormat kWriteFormats[] = {
    {".png", "png", SampleType::UInt8, 0},          {".jpg", "jpeg", SampleType::UInt8, 65500},
    {".jpeg", "jpeg", SampleType::UInt8, 65500},    {".tif", "tiff", SampleType::UInt16, 0},
    {".tiff", "tiff", SampleType::UInt16, 0},       {".exr", "openexr", SampleType::Half, 0},
    {".bmp", "bmp", SampleType::UInt8, 0},          {".webp", "webp", SampleType::UInt8, 16383},
    {".tga", "targa", SampleType::UInt8, 65535},    {".hdr", "hdr", SampleType::Float, 0},
};

const WriteFormat* find_write_format(const std::string& path) {
    const std::string ext = lower_extension(path);
    for (const WriteFormat& f : kWriteFormats)
        if (ext == f.extension) return &f;
    return nullptr;
}

OIIO::TypeDesc type_desc(SampleType type) {
    switch (type) {
        case SampleType::UInt16: return OIIO::TypeDesc::UINT16;
        case SampleType::Half: return OIIO::TypeDesc::HALF;
        case SampleType::Float: return OIIO::TypeDesc::FLOAT;
        case SampleType::UInt8:
        case SampleType::Auto: break;
    }
    return OIIO::TypeDesc::UINT8;
}

// Refuses what OIIO cannot be asked about sensibly, with the plain-language reason.
void check_readable_file(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) fail_read(path, "no such file");
    if (fs::is_directory(status)) fail_read(path, "it is a folder, not a file");
    if (!fs::is_regular_file(status)) fail_read(path, "not a regular file");
    if (::access(path.c_str(), R_OK) != 0) fail_read(path, "permission denied");
    if (fs::file_size(path, ec) == 0) fail_read(path, "the file is empty");
}

std::unique_ptr<OIIO::ImageInput> open_input(const std::string& path) {
    check_readable_file(path);
    OIIO::ImageSpec config;
    config.attribute("oiio:UnassociatedAlpha", 1);  // ds::Image holds straight alpha
    auto input = OIIO::ImageInput::open(path, &config);
    if (!input) {
        std::string why = OIIO::geterror();
        if (why.empty()) why = "not an image in a format this build can read";
        fail_read(path, why);
    }
    const OIIO::ImageSpec& spec = input->spec();
    if (spec.width <= 0 || spec.height <= 0 || spec.nchannels <= 0)
        fail_read(path, "the image has no pixels (" + std::to_string(spec.width) + "x" +
                            std::to_string(spec.height) + ", " + std::to_string(spec.nchannels) + " channels)");
    if (spec.width > kMaxImageSide || spec.height > kMaxImageSide)
        fail_read(path, std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                            " is too large (the limit is " + std::to_string(kMaxImageSide) + " on each side)");
    if (spec.depth > 1) fail_read(path, "volume images are not supported");
    return input;
}

}  // namespace

Image read_image(const std::string& path) {
    auto input = open_input(path);
    const OIIO::ImageSpec spec = input->spec();
    const int nch = spec.nchannels;
    const int alpha = spec.alpha_channel >= 3 ? spec.alpha_channel : (nch == 2 ? 1 : -1);
    // Read the colour channels and the alpha channel, never a deep stack of extra channels.
    const int read_channels = std::max(std::min(nch, 3), alpha + 1);
    std::vector<float> raw(static_cast<size_t>(spec.width) * spec.height * read_channels);
    const bool ok = input->read_image(0, 0, 0, read_channels, OIIO::TypeDesc::FLOAT, raw.data());
    const std::string error = input->geterror();  // always drained: OIIO reports undrained errors
    if (!ok || !error.empty()) fail_read(path, error.empty() ? "the file is corrupt or truncated" : error);
    input->close();

    const bool grey = nch <= 2;
    const int out_channels = alpha >= 0 ? 4 : (grey ? 1 : 3);  // grey + alpha → RGBA (no 2-channel Image)
    Image image(spec.width, spec.height, out_channels);
    const size_t n = static_cast<size_t>(spec.width) * spec.height;
    auto clean = [](float v) { return std::isfinite(v) ? v : 0.0f; };
    for (size_t i = 0; i < n; ++i) {
        const float* src = raw.data() + i * read_channels;
        float* dst = image.pixels.data() + i * out_channels;
        if (grey && alpha >= 0) {
            dst[0] = dst[1] = dst[2] = clean(src[0]);
            dst[3] = clean(src[alpha]);
            continue;
        }
        const int colour = grey ? 1 : 3;
        for (int c = 0; c < colour; ++c) dst[c] = clean(src[c]);
        if (alpha >= 0) dst[colour] = clean(src[alpha]);
    }
    return image;
}

std::map<std::string, std::string> read_image_text(const std::string& path) {
    auto input = open_input(path);
    std::map<std::string, std::string> text;
    for (const OIIO::ParamValue& p : input->spec().extra_attribs) {
        const std::string name = p.name().string();
        if (p.type() != OIIO::TypeDesc::STRING || name.rfind("oiio:", 0) == 0) continue;
        text[name] = p.get_string();
    }
    input->close();
    return text;
}

std::vector<std::string> writable_image_extensions() {
    std::vector<std::string> out;
    for (const WriteFormat& f : kWriteFormats) out.emplace_back(f.extension);
    return out;
}

void check_writable_image_path(const std::string& path) {
    if (find_write_format(path)) return;
    std::string list;
    for (const WriteFormat& f : kWriteFormats) list += (list.empty() ? "" : " ") + std::string(f.extension);
    const std::string ext = lower_extension(path);
    fail_write(path, (ext.empty() ? std::string("no file extension") : "unknown extension '" + ext + "'") +
                         " (use one of: " + list + ")");
}

void write_image(const std::string& path, const Image& image, const ImageWriteOptions& options) {
    check_writable_image_path(path);
    const WriteFormat& format = *find_write_format(path);
    if (image.width <= 0 || image.height <= 0) fail_write(path, "the image is empty");
    if (image.channels != 1 && image.channels != 3 && image.channels != 4)
        fail_write(path, std::to_string(image.channels) + " channels (expected 1, 3 or 4)");
    if (image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels)
        fail_write(path, "pixel buffer size does not match " + std::to_string(image.width) + "x" +
                             std::to_string(image.height) + "x" + std::to_string(image.channels));

    if (format.max_side > 0 && (image.width > format.max_side || image.height > format.max_side))
        fail_write(path, std::to_string(image.width) + "x" + std::to_string(image.height) + " is too large for " +
                             format.oiio_name + " (at most " + std::to_string(format.max_side) + " pixels a side)");
    auto output = OIIO::ImageOutput::create(format.oiio_name);
    if (!output) fail_write(path, std::string("this build cannot write ") + format.oiio_name + ": " + OIIO::geterror());

    const Image* pixels = &image;
    Image flattened;
    if (image.channels == 4 && !output->supports("alpha")) {  // e.g. JPEG: composite over white
        flattened = to_rgb(image);
        pixels = &flattened;
    }
    const SampleType type = options.sample_type == SampleType::Auto ? format.natural : options.sample_type;
    OIIO::ImageSpec spec(pixels->width, pixels->height, pixels->channels, type_desc(type));
    if (pixels->channels == 4) spec.alpha_channel = 3;
    spec.attribute("oiio:UnassociatedAlpha", 1);  // our alpha is straight: store it as is
    const int quality = std::clamp(options.jpeg_quality, 1, 100);
    if (std::string(format.oiio_name) == "jpeg") spec.attribute("Compression", "jpeg:" + std::to_string(quality));
    spec.attribute("CompressionQuality", quality);
    for (const auto& [key, value] : options.text) spec.attribute(key, value);

    try {
        AtomicFile file(path, /*keep_extension=*/true);  // first: an unwritable folder fails before encoding
        // Encode into memory, then write the bytes ourselves: OIIO 2.4's PNG writer ignores short
        // writes (a full disk would leave a truncated file) and libjpeg exit()s on an I/O error.
        std::vector<unsigned char> encoded;
        OIIO::Filesystem::IOVecOutput proxy(encoded);
        if (!output->supports("ioproxy") || !output->set_ioproxy(&proxy))
            fail_write(path, std::string("the ") + format.oiio_name + " writer cannot encode into memory");
        if (!output->open(path, spec)) fail_write(path, output->geterror());
        if (!output->write_image(OIIO::TypeDesc::FLOAT, pixels->pixels.data())) {
            const std::string why = output->geterror();
            output->close();
            fail_write(path, why);
        }
        if (!output->close()) fail_write(path, output->geterror());
        (void)output->geterror();  // drain notes that came with success (TIFF's Exif directory)
        file.write(std::string_view(reinterpret_cast<const char*>(encoded.data()), encoded.size()));
        file.commit();
    } catch (const FileError& e) {
        throw ImageError(one_line(e.what()));
    }
}

}  // namespace ds
