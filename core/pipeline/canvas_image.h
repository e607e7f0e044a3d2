#pragma once
// Geometry on plain images for the canvas pipelines (no torch in this header): crops, pastes, edge
// padding and resampling. Pixels that are only copied are copied bit for bit.
#include "core/image/image.h"
#include "core/pipeline/mask_ops.h"

namespace ds {

// The `rect` part of `image` (which must lie inside it). Throws std::invalid_argument otherwise.
Image crop_image(const Image& image, const PixelRect& rect);

// Writes `patch` into `target` with its top-left corner at (x, y); both have the same channels and
// the patch must fit. Throws std::invalid_argument otherwise.
void paste_image(Image& target, const Image& patch, int x, int y);

// Grows the image by the given margins, each new pixel a copy of the nearest edge pixel.
Image pad_edge(const Image& image, int left, int top, int right, int bottom);

// Resamples to width x height: bilinear, antialiased when shrinking (torch's
// _upsample_bilinear2d_aa). The same size returns a copy.
Image resize_image(const Image& image, int width, int height);

// The smallest multiple of `multiple` that is >= max(value, minimum).
int round_up_to(int value, int multiple, int minimum = 0);

}  // namespace ds
