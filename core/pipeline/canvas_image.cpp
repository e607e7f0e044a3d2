#include "core/pipeline/canvas_image.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ds {

Image crop_image(const Image& image, const PixelRect& rect) {
    if (rect.empty() || rect.x < 0 || rect.y < 0 || rect.x + rect.width > image.width ||
        rect.y + rect.height > image.height)
        throw std::invalid_argument("crop_image: the rectangle is not inside the image");
    Image out(rect.width, rect.height, image.channels);
    const size_t row = static_cast<size_t>(rect.width) * image.channels;
    for (int y = 0; y < rect.height; ++y) {
        const float* src = &image.pixels[(static_cast<size_t>(rect.y + y) * image.width + rect.x) * image.channels];
        std::copy(src, src + row, out.pixels.begin() + static_cast<std::ptrdiff_t>(y * row));
    }
    return out;
}

void paste_image(Image& target, const Image& patch, int x, int y) {
    if (patch.channels != target.channels || x < 0 || y < 0 || x + patch.width > target.width ||
        y + patch.height > target.height)
        throw std::invalid_argument("paste_image: the patch does not fit the target");
    const size_t row = static_cast<size_t>(patch.width) * patch.channels;
    for (int py = 0; py < patch.height; ++py) {
        const float* src = patch.pixels.data() + py * row;
        std::copy(src, src + row, &target.pixels[(static_cast<size_t>(y + py) * target.width + x) * target.channels]);
    }
}

Image pad_edge(const Image& image, int left, int top, int right, int bottom) {
    if (image.empty() || left < 0 || top < 0 || right < 0 || bottom < 0)
        throw std::invalid_argument("pad_edge: empty image or negative margin");
    const int c = image.channels;
    Image out(image.width + left + right, image.height + top + bottom, c);
    for (int y = 0; y < out.height; ++y) {
        const int sy = std::clamp(y - top, 0, image.height - 1);
        for (int x = 0; x < out.width; ++x) {
            const int sx = std::clamp(x - left, 0, image.width - 1);
            const float* src = &image.pixels[(static_cast<size_t>(sy) * image.width + sx) * c];
            std::copy(src, src + c, &out.pixels[(static_cast<size_t>(y) * out.width + x) * c]);
        }
    }
    return out;
}

Image resize_image(const Image& image, int width, int height) {
    if (image.empty() || width <= 0 || height <= 0) throw std::invalid_argument("resize_image: empty image or size");
    if (width == image.width && height == image.height) return image;
    at::NoGradGuard no_grad;
    const at::Tensor chw = at::from_blob(const_cast<float*>(image.pixels.data()),
                                         {image.height, image.width, image.channels}, at::kFloat)
                               .permute({2, 0, 1})
                               .unsqueeze(0);
    const at::Tensor resized =
        at::_upsample_bilinear2d_aa(chw.contiguous(), {height, width}, /*align_corners=*/false, c10::nullopt,
                                    c10::nullopt)[0]
            .permute({1, 2, 0})
            .contiguous();
    Image out(width, height, image.channels);
    std::copy(resized.data_ptr<float>(), resized.data_ptr<float>() + resized.numel(), out.pixels.begin());
    return out;
}

int round_up_to(int value, int multiple, int minimum) {
    const int v = std::max(value, minimum);
    return (v + multiple - 1) / multiple * multiple;
}

}  // namespace ds
