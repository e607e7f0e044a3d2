#include "core/pipeline/outpaint_canvas.h"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "core/pipeline/canvas_image.h"

namespace ds {
namespace {

// One box-blur pass along rows (horizontal) or columns, edges clamped.
void box_blur_pass(Image& image, int radius, bool horizontal) {
    const int c = image.channels;
    const int lines = horizontal ? image.height : image.width;
    const int length = horizontal ? image.width : image.height;
    std::vector<float> line(static_cast<size_t>(length) * c), sum(c);
    auto index = [&](int l, int i) {
        const int x = horizontal ? i : l, y = horizontal ? l : i;
        return (static_cast<size_t>(y) * image.width + x) * c;
    };
    const float norm = 1.0f / (2 * radius + 1);
    for (int l = 0; l < lines; ++l) {
        for (int i = 0; i < length; ++i)
            std::copy_n(&image.pixels[index(l, i)], c, &line[static_cast<size_t>(i) * c]);
        std::fill(sum.begin(), sum.end(), 0.0f);
        auto sample = [&](int i, int ch) { return line[static_cast<size_t>(std::clamp(i, 0, length - 1)) * c + ch]; };
        for (int ch = 0; ch < c; ++ch)
            for (int k = -radius; k <= radius; ++k) sum[ch] += sample(k, ch);
        for (int i = 0; i < length; ++i) {
            float* dst = &image.pixels[index(l, i)];
            for (int ch = 0; ch < c; ++ch) {
                dst[ch] = sum[ch] * norm;
                sum[ch] += sample(i + radius + 1, ch) - sample(i - radius, ch);
            }
        }
    }
}

float smoothstep(double t) {
    t = std::clamp(t, 0.0, 1.0);
    return static_cast<float>(t * t * (3.0 - 2.0 * t));
}

}  // namespace

void validate_extension(const CanvasExtension& e, int width, int height) {
    const int sides[] = {e.left, e.top, e.right, e.bottom};
    for (int s : sides) {
        if (s < 0) throw std::invalid_argument("an outpainting extension must not be negative, got " + std::to_string(s));
        if (s > kMaxExtension)
            throw std::invalid_argument("an outpainting extension of " + std::to_string(s) + " px is too large (at most " +
                                        std::to_string(kMaxExtension) + " per side)");
    }
    if (e.left + e.top + e.right + e.bottom == 0)
        throw std::invalid_argument("the outpainting extension is 0 on every side: nothing to extend");
    const int w = width + e.left + e.right, h = height + e.top + e.bottom;
    if (w > kMaxCanvasSide || h > kMaxCanvasSide)
        throw std::invalid_argument("the extended canvas would be " + std::to_string(w) + "x" + std::to_string(h) +
                                    " (at most " + std::to_string(kMaxCanvasSide) + " per side)");
}

OutpaintFill parse_outpaint_fill(const std::string& name) {
    if (name == "stretch") return OutpaintFill::Stretch;
    if (name == "blur") return OutpaintFill::Blur;
    if (name == "noise") return OutpaintFill::Noise;
    throw std::invalid_argument("unknown outpainting fill '" + name + "' (stretch, blur or noise)");
}

const char* outpaint_fill_name(OutpaintFill fill) {
    switch (fill) {
        case OutpaintFill::Stretch: return "stretch";
        case OutpaintFill::Blur: return "blur";
        case OutpaintFill::Noise: break;
    }
    return "noise";
}

OutpaintCanvas make_outpaint_canvas(const Image& image, const CanvasExtension& e, OutpaintFill fill, int overlap,
                                    uint64_t seed) {
    if (image.empty()) throw std::invalid_argument("outpainting: the image is empty");
    if (overlap < 0) throw std::invalid_argument("the outpainting overlap must not be negative");
    validate_extension(e, image.width, image.height);
    OutpaintCanvas out;
    out.x = e.left;
    out.y = e.top;
    out.image = pad_edge(image, e.left, e.top, e.right, e.bottom);
    const bool has_alpha = image.channels == 4;
    if (fill != OutpaintFill::Stretch) {
        // A blur wide enough to melt the stretched streaks into a colour field.
        const int radius = std::max(4, std::min(image.width, image.height) / 4);
        for (int pass = 0; pass < 3; ++pass) {
            box_blur_pass(out.image, radius, true);
            box_blur_pass(out.image, radius, false);
        }
        if (fill == OutpaintFill::Noise) {
            std::mt19937_64 rng(seed);
            std::normal_distribution<float> normal(0.0f, 0.15f);
            const int colour = has_alpha ? 3 : out.image.channels;
            for (size_t i = 0; i < out.image.pixels.size(); i += out.image.channels)
                for (int ch = 0; ch < colour; ++ch)
                    out.image.pixels[i + ch] = std::clamp(out.image.pixels[i + ch] + normal(rng), 0.0f, 1.0f);
        }
        paste_image(out.image, image, out.x, out.y);  // the original, exactly
    }
    if (has_alpha) {  // the new area is opaque
        for (int y = 0; y < out.image.height; ++y)
            for (int x = 0; x < out.image.width; ++x) {
                const bool inside = x >= out.x && x < out.x + image.width && y >= out.y && y < out.y + image.height;
                if (!inside) out.image.at(x, y, 3) = 1.0f;
            }
    }
    out.mask = Image(out.image.width, out.image.height, 1, 1.0f);
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            // Distance (in pixels) from the nearest extended side's seam, 0 for the first row/column.
            int d = overlap;
            if (e.left > 0) d = std::min(d, x);
            if (e.top > 0) d = std::min(d, y);
            if (e.right > 0) d = std::min(d, image.width - 1 - x);
            if (e.bottom > 0) d = std::min(d, image.height - 1 - y);
            out.mask.at(out.x + x, out.y + y, 0) =
                d >= overlap ? 0.0f : smoothstep(static_cast<double>(overlap - d) / (overlap + 1));
        }
    }
    return out;
}

}  // namespace ds
