#pragma once
// ds::Image (HWC float in [0, 1]) <-> the tensors the models see ([1, C, H, W] float in [-1, 1]).
#include <ATen/core/Tensor.h>

#include "core/image/image.h"

namespace ds {

// [1, C, H, W] float32 on the CPU, x * 2 - 1. Throws std::invalid_argument for an empty image.
at::Tensor image_to_tensor(const Image& image);

// Accepts [1, C, H, W] or [C, H, W] with C in {1, 3, 4}, any float dtype and device: clamps to
// [-1, 1] and maps (x + 1) / 2. Throws std::invalid_argument for other shapes.
Image tensor_to_image(const at::Tensor& tensor);

// Three channels: grey is replicated, RGBA is composited over white (straight alpha), RGB is copied.
Image to_rgb(const Image& image);

}  // namespace ds
