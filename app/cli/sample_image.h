#pragma once
// The bundled sample picture (resources/images/sample.png), drawn procedurally so that we own it:
// a mountain lake at sunset with detail at several scales, which makes the forward process visible.
#include <string>

#include "core/image/image.h"

namespace ds::cli {

Image make_sample_image(int size = 256);

// resources/images/sample.png if found (DS_RESOURCE_DIR, beside the executable, the install prefix,
// the source tree), else an empty string.
std::string find_sample_image();

}  // namespace ds::cli
