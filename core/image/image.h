#pragma once
// A plain float image shared by the core, the CLI and the UI bridge (no torch, no Qt).
#include <cstddef>
#include <vector>

namespace ds {

struct Image {
    int width = 0;
    int height = 0;
    int channels = 0;           // 1 (grey), 3 (RGB) or 4 (RGBA)
    std::vector<float> pixels;  // interleaved HWC, nominal range [0, 1] (values as stored, sRGB-encoded)

    Image() = default;
    Image(int w, int h, int c, float fill = 0.0f)
        : width(w), height(h), channels(c), pixels(static_cast<size_t>(w) * h * c, fill) {}
    bool empty() const { return pixels.empty(); }
    float& at(int x, int y, int c) { return pixels[(static_cast<size_t>(y) * width + x) * channels + c]; }
    float at(int x, int y, int c) const { return pixels[(static_cast<size_t>(y) * width + x) * channels + c]; }
};

// Images larger than this on either side are refused as absurd (a 16384² RGBA float image is 4 GiB).
constexpr int kMaxImageSide = 16384;

}  // namespace ds
