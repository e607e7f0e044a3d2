#pragma once
// Inpainting masks on plain images (no torch): a mask is a one-channel ds::Image of weights in
// [0, 1], 1 = repaint. A pixel is "covered" when its weight exceeds kMaskThreshold (half an 8-bit
// level): covered pixels are the ones the pipelines may change, every other pixel of the result is
// the input's, bit for bit.
#include <cstdint>
#include <vector>

#include "core/image/image.h"

namespace ds {

constexpr float kMaskThreshold = 0.5f / 255.0f;
inline bool mask_covers(float weight) { return weight > kMaskThreshold; }

// A one-channel mask from any image (white = repaint): grey as is, RGB(A) the mean of the colour
// channels, multiplied by alpha when there is one (transparent = keep). Values clamped to [0, 1].
Image mask_from_image(const Image& image);

// True when no pixel is covered.
bool mask_is_empty(const Image& mask);

struct PixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    bool empty() const { return width <= 0 || height <= 0; }
};

// The bounding box of the covered pixels (empty when none).
PixelRect mask_bounds(const Image& mask);

// Softens the mask's edge outwards: w = max(mask, s(1 - d / (radius + 1))) with d the Euclidean
// distance to the nearest pixel whose weight is >= 0.5 and s the smoothstep, so the band is
// `radius` pixels wide, the painted pixels stay fully repainted and every pixel farther than
// `radius` from them keeps its weight (0 stays exactly 0). radius 0 returns the mask unchanged.
Image feather_mask(const Image& mask, int radius);

// The mask on the latent grid: a cell is repainted when any covered pixel falls inside it (so no
// seam runs through a cell), then the set is grown by `grow` cells (8-neighbourhood). `cells` is
// row-major, 1 = repaint.
struct LatentMask {
    int cols = 0;
    int rows = 0;
    std::vector<uint8_t> cells;
    bool at(int col, int row) const { return cells[static_cast<size_t>(row) * cols + col] != 0; }
    int count() const;
};

// The grid the pipeline runs on: `cols` x `rows` cells of `factor` pixels, and how the mask's
// pixels map onto the processed image (processed x = mask x * scale_x; 1 when not resized).
struct LatentGrid {
    int cols = 0;
    int rows = 0;
    int factor = 8;
    double scale_x = 1.0;
    double scale_y = 1.0;
};

LatentMask latent_cells(const Image& mask, const LatentGrid& grid, int grow = 1);
// The unscaled grid covering the mask: ceil(W / factor) x ceil(H / factor) cells.
LatentMask latent_cells(const Image& mask, int factor, int grow = 1);

// The cells as a pixel mask of `width` x `height` (each cell's pixels 1, others 0), for the
// masked-image input of an inpainting UNet.
Image latent_cells_to_pixels(const LatentMask& cells, int factor, int width, int height);

// The final composite: out = original where the weight does not cover the pixel (copied exactly),
// else original * (1 - w) + generated * w. `generated` is RGB of the original's size. The output
// has the original's channels (grey is promoted to RGB; RGBA's alpha is blended towards opaque).
// Throws std::invalid_argument for mismatched sizes.
Image composite_masked(const Image& original, const Image& generated, const Image& weight);

}  // namespace ds
