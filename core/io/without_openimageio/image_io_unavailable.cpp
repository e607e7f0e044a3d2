// image_io.h for a build configured with DS_WITH_OPENIMAGEIO=OFF (a headless GPU server that only
// trains or benchmarks): every image read or write fails with one line saying so, before any file
// is touched.
#include "core/io/image_io.h"

namespace ds {
namespace {

[[noreturn]] void unavailable(const std::string& path) {
    throw ImageError("'" + path + "': this build has no image files (configured with DS_WITH_OPENIMAGEIO=OFF)");
}

}  // namespace

Image read_image(const std::string& path) { unavailable(path); }
std::map<std::string, std::string> read_image_text(const std::string& path) { unavailable(path); }
std::vector<std::string> writable_image_extensions() { return {}; }
void check_writable_image_path(const std::string& path) { unavailable(path); }
void write_image(const std::string& path, const Image&, const ImageWriteOptions&) { unavailable(path); }

}  // namespace ds
