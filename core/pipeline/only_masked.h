#pragma once
// "Only masked" inpainting: a small edit in a big image runs on the mask's bounding box plus some
// padding, scaled to the model's resolution, and is pasted back, so it is fast and sharp.
#include "core/image/image.h"
#include "core/pipeline/mask_ops.h"

namespace ds {

struct OnlyMaskedPlan {
    PixelRect crop;   // the part of the image processed (the covered pixels plus padding, clipped)
    int width = 0;    // the size it is processed at: its aspect, the longer side ~ the model's
    int height = 0;   // resolution, both multiples of `multiple` in [64, 4096]
};

// Throws std::invalid_argument for an empty mask, a negative padding or a bad model side.
OnlyMaskedPlan plan_only_masked(const Image& weight, int padding, int model_side, int multiple = 8);

}  // namespace ds
