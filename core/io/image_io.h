#pragma once
// Reading and writing images. All image files go through OpenImageIO; the format is chosen by the
// file's content on read and by its extension on write.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/image/image.h"

namespace ds {

// An image could not be read or written. what() is one line naming the file and the problem.
class ImageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads the first subimage of any format OpenImageIO understands as float in its stored range
// (8/16-bit values become [0, 1]; non-finite values become 0). Keeps 1 (grey), 3 (RGB) or 4 (RGBA)
// channels: grey+alpha becomes RGBA, a fourth channel is kept only when it is alpha, extra
// channels are dropped. Alpha is straight (not premultiplied). Throws ImageError for a missing,
// unreadable, empty, corrupt or truncated file, and for a side of 0 or above kMaxImageSide.
Image read_image(const std::string& path);

// The text metadata of an image (string attributes such as a PNG `parameters` tEXt chunk),
// read from the header only. Throws ImageError like read_image.
std::map<std::string, std::string> read_image_text(const std::string& path);

enum class SampleType {
    Auto,    // the format's natural depth: 8-bit PNG/JPEG/BMP/WebP/TGA/PNM, 16-bit TIFF, half EXR, float HDR
    UInt8,
    UInt16,
    Half,
    Float,
};

struct ImageWriteOptions {
    SampleType sample_type = SampleType::Auto;
    int jpeg_quality = 95;  // 1..100
    // Text metadata, e.g. {"parameters", "<prompt>\nSteps: 20, ..."}: PNG tEXt chunks (what other
    // Stable Diffusion tools read) and EXR string attributes; TIFF and JPEG keep only their standard
    // fields (Software, ImageDescription, ...).
    std::map<std::string, std::string> text;
};

// Extensions write_image accepts (lower case, with the dot), and a check that throws ImageError
// naming them for any other: call it before expensive work whose result would be written.
std::vector<std::string> writable_image_extensions();
void check_writable_image_path(const std::string& path);

// Writes atomically (temp file + rename): on any failure nothing is left at `path` (an existing file
// there is untouched). Formats without alpha (JPEG, ...) get RGBA composited over white.
// Throws ImageError (unknown extension before anything is written, unwritable folder, ...).
void write_image(const std::string& path, const Image& image, const ImageWriteOptions& options = {});

}  // namespace ds
