#include "core/pipeline/mask_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ds {
namespace {

void check_mask(const Image& mask, const char* what) {
    if (mask.channels != 1 || mask.width <= 0 || mask.height <= 0 ||
        mask.pixels.size() != static_cast<size_t>(mask.width) * mask.height)
        throw std::invalid_argument(std::string(what) + ": the mask must be a non-empty one-channel image");
}

// Felzenszwalb & Huttenlocher's 1-D squared distance transform of f (lower envelope of parabolas).
void distance_1d(const std::vector<double>& f, std::vector<double>& d, std::vector<int>& v, std::vector<double>& z) {
    const int n = static_cast<int>(f.size());
    int k = 0;
    v[0] = 0;
    z[0] = -std::numeric_limits<double>::infinity();
    z[1] = std::numeric_limits<double>::infinity();
    auto intersection = [&](int q, int p) {
        return ((f[q] + double(q) * q) - (f[p] + double(p) * p)) / (2.0 * (q - p));
    };
    for (int q = 1; q < n; ++q) {
        double s = intersection(q, v[k]);
        while (s <= z[k]) {  // z[0] is -inf, so k stays >= 0
            --k;
            s = intersection(q, v[k]);
        }
        ++k;
        v[k] = q;
        z[k] = s;
        z[k + 1] = std::numeric_limits<double>::infinity();
    }
    k = 0;
    for (int q = 0; q < n; ++q) {
        while (z[k + 1] < q) ++k;
        d[q] = double(q - v[k]) * (q - v[k]) + f[v[k]];
    }
}

// Squared Euclidean distance of every pixel to the nearest pixel where `inside` is true.
std::vector<double> squared_distance(const std::vector<uint8_t>& inside, int width, int height) {
    constexpr double kFar = 1e20;
    std::vector<double> grid(inside.size());
    for (size_t i = 0; i < inside.size(); ++i) grid[i] = inside[i] ? 0.0 : kFar;
    const int n = std::max(width, height);
    std::vector<double> f(n), d(n), z(n + 1);
    std::vector<int> v(n);
    f.resize(height);
    d.resize(height);
    for (int x = 0; x < width; ++x) {
        for (int y = 0; y < height; ++y) f[y] = grid[static_cast<size_t>(y) * width + x];
        distance_1d(f, d, v, z);
        for (int y = 0; y < height; ++y) grid[static_cast<size_t>(y) * width + x] = d[y];
    }
    f.resize(width);
    d.resize(width);
    for (int y = 0; y < height; ++y) {
        double* row = grid.data() + static_cast<size_t>(y) * width;
        std::copy(row, row + width, f.begin());
        distance_1d(f, d, v, z);
        std::copy(d.begin(), d.end(), row);
    }
    return grid;
}

float smoothstep(double t) {
    t = std::clamp(t, 0.0, 1.0);
    return static_cast<float>(t * t * (3.0 - 2.0 * t));
}

}  // namespace

Image mask_from_image(const Image& image) {
    if (image.empty() || image.width <= 0 || image.height <= 0) throw std::invalid_argument("the mask image is empty");
    Image mask(image.width, image.height, 1);
    const size_t n = static_cast<size_t>(image.width) * image.height;
    const int c = image.channels;
    for (size_t i = 0; i < n; ++i) {
        const float* p = image.pixels.data() + i * c;
        float value = 0;
        switch (c) {
            case 1: value = p[0]; break;
            case 2: value = p[0] * p[1]; break;
            case 3: value = (p[0] + p[1] + p[2]) / 3.0f; break;
            case 4: value = (p[0] + p[1] + p[2]) / 3.0f * p[3]; break;
            default: throw std::invalid_argument("the mask image has " + std::to_string(c) + " channels");
        }
        mask.pixels[i] = std::isfinite(value) ? std::clamp(value, 0.0f, 1.0f) : 0.0f;
    }
    return mask;
}

bool mask_is_empty(const Image& mask) {
    return std::none_of(mask.pixels.begin(), mask.pixels.end(), mask_covers);
}

PixelRect mask_bounds(const Image& mask) {
    check_mask(mask, "mask_bounds");
    int x0 = mask.width, y0 = mask.height, x1 = -1, y1 = -1;
    for (int y = 0; y < mask.height; ++y) {
        for (int x = 0; x < mask.width; ++x) {
            if (!mask_covers(mask.at(x, y, 0))) continue;
            x0 = std::min(x0, x);
            x1 = std::max(x1, x);
            y0 = std::min(y0, y);
            y1 = std::max(y1, y);
        }
    }
    if (x1 < 0) return {};
    return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

Image feather_mask(const Image& mask, int radius) {
    check_mask(mask, "feather_mask");
    if (radius < 0) throw std::invalid_argument("the feather radius must not be negative");
    if (radius == 0) return mask;
    std::vector<uint8_t> solid(mask.pixels.size());
    bool any = false;
    for (size_t i = 0; i < solid.size(); ++i) any |= (solid[i] = mask.pixels[i] >= 0.5f) != 0;
    if (!any) return mask;
    const std::vector<double> d2 = squared_distance(solid, mask.width, mask.height);
    Image out = mask;
    const double reach = radius + 1.0;
    for (size_t i = 0; i < d2.size(); ++i) {
        if (solid[i] || d2[i] >= reach * reach) continue;
        out.pixels[i] = std::max(out.pixels[i], smoothstep(1.0 - std::sqrt(d2[i]) / reach));
    }
    return out;
}

int LatentMask::count() const { return static_cast<int>(std::count(cells.begin(), cells.end(), uint8_t{1})); }

LatentMask latent_cells(const Image& mask, const LatentGrid& grid, int grow) {
    check_mask(mask, "latent_cells");
    if (grid.cols <= 0 || grid.rows <= 0 || grid.factor <= 0 || !(grid.scale_x > 0) || !(grid.scale_y > 0))
        throw std::invalid_argument("latent_cells: bad latent grid");
    if (grow < 0) throw std::invalid_argument("latent_cells: grow must not be negative");
    LatentMask m;
    m.cols = grid.cols;
    m.rows = grid.rows;
    m.cells.assign(static_cast<size_t>(grid.cols) * grid.rows, 0);
    // Pixel x spans [x * scale, (x + 1) * scale) of the processed image; a cell is hit by any overlap.
    auto span = [&](int p, double scale, int limit, int& first, int& last) {
        const double a = p * scale, b = (p + 1) * scale;
        first = std::clamp(static_cast<int>(std::floor(a / grid.factor)), 0, limit - 1);
        last = std::clamp(static_cast<int>(std::ceil(b / grid.factor)) - 1, first, limit - 1);
    };
    for (int y = 0; y < mask.height; ++y) {
        int r0 = 0, r1 = 0;
        span(y, grid.scale_y, grid.rows, r0, r1);
        for (int x = 0; x < mask.width; ++x) {
            if (!mask_covers(mask.at(x, y, 0))) continue;
            int c0 = 0, c1 = 0;
            span(x, grid.scale_x, grid.cols, c0, c1);
            for (int r = r0; r <= r1; ++r)
                for (int c = c0; c <= c1; ++c) m.cells[static_cast<size_t>(r) * m.cols + c] = 1;
        }
    }
    for (int g = 0; g < grow; ++g) {  // one 3x3 dilation per step
        const std::vector<uint8_t> before = m.cells;
        for (int r = 0; r < m.rows; ++r) {
            for (int c = 0; c < m.cols; ++c) {
                if (!before[static_cast<size_t>(r) * m.cols + c]) continue;
                for (int dr = -1; dr <= 1; ++dr)
                    for (int dc = -1; dc <= 1; ++dc) {
                        const int rr = r + dr, cc = c + dc;
                        if (rr >= 0 && rr < m.rows && cc >= 0 && cc < m.cols)
                            m.cells[static_cast<size_t>(rr) * m.cols + cc] = 1;
                    }
            }
        }
    }
    return m;
}

LatentMask latent_cells(const Image& mask, int factor, int grow) {
    if (factor <= 0) throw std::invalid_argument("latent_cells: bad factor");
    LatentGrid grid;
    grid.factor = factor;
    grid.cols = (mask.width + factor - 1) / factor;
    grid.rows = (mask.height + factor - 1) / factor;
    return latent_cells(mask, grid, grow);
}

Image latent_cells_to_pixels(const LatentMask& cells, int factor, int width, int height) {
    Image out(width, height, 1);
    for (int y = 0; y < height; ++y) {
        const int r = y / factor;
        if (r >= cells.rows) break;
        for (int x = 0; x < width; ++x) {
            const int c = x / factor;
            if (c >= cells.cols) break;
            if (cells.at(c, r)) out.at(x, y, 0) = 1.0f;
        }
    }
    return out;
}

Image composite_masked(const Image& original, const Image& generated, const Image& weight) {
    check_mask(weight, "composite_masked");
    if (generated.channels != 3 || generated.width != original.width || generated.height != original.height ||
        weight.width != original.width || weight.height != original.height)
        throw std::invalid_argument("composite_masked: the original, the generated image and the mask differ in size");
    if (original.channels < 1 || original.channels > 4 || original.channels == 2)
        throw std::invalid_argument("composite_masked: the original must be grey, RGB or RGBA");
    const int oc = original.channels;
    const int out_c = oc == 1 ? 3 : oc;
    Image out(original.width, original.height, out_c);
    const size_t n = static_cast<size_t>(original.width) * original.height;
    for (size_t i = 0; i < n; ++i) {
        const float* o = original.pixels.data() + i * oc;
        const float* g = generated.pixels.data() + i * 3;
        float* dst = out.pixels.data() + i * out_c;
        const float w = weight.pixels[i];
        const bool covered = mask_covers(w);
        for (int c = 0; c < 3; ++c) {
            const float src = o[oc == 1 ? 0 : c];
            dst[c] = covered ? src * (1.0f - w) + g[c] * w : src;
        }
        if (out_c == 4) dst[3] = covered ? o[3] * (1.0f - w) + w : o[3];
    }
    return out;
}

}  // namespace ds
