#pragma once
// Pictures, masks and PNG parameters the pipeline and CLI tests share.
#include <gtest/gtest.h>

#include <string>

#include "core/image/image.h"
#include "core/io/image_io.h"
#include "core/pipeline/generation_metadata.h"

namespace ds::test {

// A deterministic RGB pattern with detail everywhere (so any change to a pixel shows).
inline ds::Image patterned_image(int w, int h) {
    ds::Image img(w, h, 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            img.at(x, y, 0) = static_cast<float>((x * 7 + y * 3) % 256) / 255.0f;
            img.at(x, y, 1) = static_cast<float>((x * 2 + y * 11) % 256) / 255.0f;
            img.at(x, y, 2) = static_cast<float>((x * y) % 256) / 255.0f;
        }
    return img;
}

// 1 inside [x0, x1) x [y0, y1), 0 elsewhere, in `channels` channels (3: a mask image file's).
inline ds::Image rect_mask(int w, int h, int x0, int y0, int x1, int y1, int channels = 1) {
    ds::Image m(w, h, channels, 0.0f);
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            for (int c = 0; c < channels; ++c) m.at(x, y, c) = 1.0f;
    return m;
}

// The `parameters` text of a PNG, parsed; a test failure (and empty metadata) when it has none.
inline ds::GenerationMetadata parameters_of(const std::string& png) {
    const auto text = ds::read_image_text(png);
    const auto it = text.find("parameters");
    if (it == text.end()) {
        ADD_FAILURE() << png << " has no parameters text";
        return {};
    }
    return ds::parse_parameters(it->second);
}

}  // namespace ds::test
