#pragma once
// Outpainting's canvas: the image placed on a larger canvas, the new area given an initial fill,
// and the mask that repaints the new area plus a feathered band overlapping the original (so the
// seam is blended; the original outside that band is kept exactly). Outpainting is then inpainting
// of this canvas with this mask.
#include <cstdint>
#include <string>

#include "core/image/image.h"

namespace ds {

struct CanvasExtension {
    int left = 0;
    int top = 0;
    int right = 0;
    int bottom = 0;
};

// The most pixels one side may grow by, and the largest canvas side.
constexpr int kMaxExtension = 2048;
constexpr int kMaxCanvasSide = 4096;

// Throws std::invalid_argument naming the problem: a negative side, all four 0, a side above
// kMaxExtension, or a canvas side above kMaxCanvasSide.
void validate_extension(const CanvasExtension& extension, int width, int height);

enum class OutpaintFill {
    Stretch,  // each new pixel repeats the nearest edge pixel
    Blur,     // the stretched edges, blurred (a soft colour field)
    Noise,    // the blurred field plus seeded noise (gives the sampler texture to work from)
};
// "stretch", "blur", "noise"; throws std::invalid_argument for another name.
OutpaintFill parse_outpaint_fill(const std::string& name);
const char* outpaint_fill_name(OutpaintFill fill);

struct OutpaintCanvas {
    Image image;  // the canvas, the original's channels; the original's pixels copied exactly
    Image mask;   // one channel: 1 in the new area, a smooth ramp `overlap` px into the original
    int x = 0;    // where the original sits on the canvas
    int y = 0;
};

// `overlap` >= 0 (0: the mask is exactly the new area). `seed` drives the noise fill.
OutpaintCanvas make_outpaint_canvas(const Image& image, const CanvasExtension& extension, OutpaintFill fill,
                                    int overlap, uint64_t seed = 0);

}  // namespace ds
