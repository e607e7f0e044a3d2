#include "core/image/image_tensor.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ds {

at::Tensor image_to_tensor(const Image& image) {
    if (image.empty() || image.width <= 0 || image.height <= 0)
        throw std::invalid_argument("image_to_tensor: the image is empty");
    if (image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels)
        throw std::invalid_argument("image_to_tensor: pixel buffer size does not match the image size");
    const at::Tensor hwc = at::from_blob(const_cast<float*>(image.pixels.data()),
                                         {image.height, image.width, image.channels}, at::kFloat);
    return (hwc.permute({2, 0, 1}).unsqueeze(0) * 2.0 - 1.0).contiguous();
}

Image tensor_to_image(const at::Tensor& tensor) {
    at::Tensor t = tensor;
    if (t.dim() == 4) {
        if (t.size(0) != 1)
            throw std::invalid_argument("tensor_to_image: expected a batch of 1, got " + std::to_string(t.size(0)));
        t = t[0];
    }
    if (t.dim() != 3 || !(t.size(0) == 1 || t.size(0) == 3 || t.size(0) == 4))
        throw std::invalid_argument("tensor_to_image: expected [1, C, H, W] or [C, H, W] with C in {1, 3, 4}");
    if (!at::isFloatingType(t.scalar_type()))
        throw std::invalid_argument("tensor_to_image: expected a floating-point tensor");
    const at::Tensor hwc = ((t.to(at::kCPU, at::kFloat).clamp(-1.0, 1.0) + 1.0) * 0.5).permute({1, 2, 0}).contiguous();
    Image image(static_cast<int>(t.size(2)), static_cast<int>(t.size(1)), static_cast<int>(t.size(0)));
    std::copy(hwc.data_ptr<float>(), hwc.data_ptr<float>() + hwc.numel(), image.pixels.begin());
    return image;
}

Image to_rgb(const Image& image) {
    if (image.channels == 3) return image;
    Image out(image.width, image.height, 3);
    const size_t n = static_cast<size_t>(image.width) * image.height;
    for (size_t i = 0; i < n; ++i) {
        const float* src = image.pixels.data() + i * image.channels;
        float* dst = out.pixels.data() + i * 3;
        switch (image.channels) {
            case 1: dst[0] = dst[1] = dst[2] = src[0]; break;
            case 2: {  // grey + alpha, should one reach here
                const float a = std::clamp(src[1], 0.0f, 1.0f);
                dst[0] = dst[1] = dst[2] = src[0] * a + (1.0f - a);
                break;
            }
            case 4: {
                const float a = std::clamp(src[3], 0.0f, 1.0f);
                for (int c = 0; c < 3; ++c) dst[c] = src[c] * a + (1.0f - a);  // "over" a white page
                break;
            }
            default:
                throw std::invalid_argument("to_rgb: unsupported channel count " + std::to_string(image.channels));
        }
    }
    return out;
}

}  // namespace ds
