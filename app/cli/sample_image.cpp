#include "app/cli/sample_image.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

namespace ds::cli {
namespace {

using Rgb = std::array<double, 3>;

Rgb mix(const Rgb& a, const Rgb& b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
}

constexpr double kWaterLine = 0.68;

double far_ridge(double u) {
    return 0.50 - 0.08 * (0.5 + 0.5 * std::sin(u * 7.0 + 0.5)) - 0.03 * std::sin(u * 19.0 + 1.3) -
           0.012 * std::sin(u * 53.0);
}

double near_ridge(double u) {
    return 0.62 - 0.12 * std::exp(-std::pow((u - 0.25) / 0.14, 2.0)) - 0.04 * std::sin(u * 11.0 + 2.0) -
           0.015 * std::sin(u * 41.0 + 0.7);
}

// Dark conifers along the shore: a triangle per tree, centred at `x` with its base on the water line.
bool in_tree(double u, double v) {
    constexpr std::array<std::array<double, 3>, 7> trees{{
        {0.06, 0.11, 0.030}, {0.11, 0.07, 0.022}, {0.16, 0.13, 0.034}, {0.82, 0.09, 0.026},
        {0.87, 0.14, 0.036}, {0.93, 0.10, 0.028}, {0.97, 0.06, 0.020}}};  // x, height, half-width
    for (const auto& t : trees) {
        const double top = kWaterLine - t[1];
        if (v < top || v > kWaterLine) continue;
        const double half = t[2] * (v - top) / t[1];
        if (std::abs(u - t[0]) <= half) return true;
    }
    return false;
}

Rgb above_water(double u, double v) {
    if (in_tree(u, v)) return {0.05, 0.13, 0.08};
    if (v > near_ridge(u)) {
        const double slope = near_ridge(u + 0.004) - near_ridge(u - 0.004);
        return mix({0.14, 0.26, 0.20}, {0.30, 0.42, 0.28}, 0.5 + slope * 40.0);
    }
    if (v > far_ridge(u)) {
        const Rgb rock = mix({0.40, 0.33, 0.52}, {0.55, 0.42, 0.55}, (v - far_ridge(u)) * 8.0);
        return v < far_ridge(u) + 0.025 && far_ridge(u) < 0.43 ? Rgb{0.93, 0.88, 0.92} : rock;  // snow caps
    }
    Rgb sky = v < 0.45 ? mix({0.12, 0.25, 0.62}, {0.86, 0.47, 0.47}, v / 0.45)
                       : mix({0.86, 0.47, 0.47}, {1.00, 0.78, 0.45}, (v - 0.45) / 0.12);
    for (const auto& [cy, phase] : {std::pair{0.17, 0.0}, std::pair{0.27, 2.1}}) {  // two cloud streaks
        const double dy = (v - cy - 0.015 * std::sin(u * 9.0 + phase)) / 0.018;
        const double cover = std::exp(-dy * dy) * (0.55 + 0.45 * std::sin(u * 5.0 + phase * 3.0));
        sky = mix(sky, {1.0, 0.86, 0.80}, cover);
    }
    const double du = u - 0.68, dv = v - 0.38;
    const double d2 = du * du + dv * dv;
    if (d2 < 0.075 * 0.075) return {1.0, 0.96, 0.80};
    return mix(sky, {1.0, 0.85, 0.55}, 0.45 * std::exp(-d2 / 0.012));  // the sun's glow
}

Rgb scene(double u, double v) {
    if (v <= kWaterLine) return above_water(u, v);
    // The lake mirrors what is above it, darkened, with ripples that grow towards the viewer.
    const double depth = v - kWaterLine;
    const double ripple = std::sin(v * 260.0 * (1.0 + depth * 3.0)) * 0.004 * (1.0 + depth * 12.0);
    const Rgb mirrored = above_water(u + ripple, kWaterLine - depth);
    Rgb water = mix(mirrored, {0.05, 0.10, 0.22}, 0.30 + depth * 1.2);
    const double glint = std::exp(-std::pow((u - 0.68 + ripple * 3.0) / 0.03, 2.0)) *
                         (0.5 + 0.5 * std::sin(v * 420.0)) * std::exp(-depth * 4.0);
    return mix(water, {1.0, 0.90, 0.65}, glint);
}

}  // namespace

Image make_sample_image(int size) {
    size = std::max(size, 8);
    Image image(size, size, 3);
    constexpr int kSuper = 3;  // 3x3 supersampling smooths the edges
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            Rgb sum{0, 0, 0};
            for (int sy = 0; sy < kSuper; ++sy)
                for (int sx = 0; sx < kSuper; ++sx) {
                    const Rgb c = scene((x + (sx + 0.5) / kSuper) / size, (y + (sy + 0.5) / kSuper) / size);
                    for (int k = 0; k < 3; ++k) sum[k] += c[k];
                }
            for (int k = 0; k < 3; ++k)
                image.at(x, y, k) = static_cast<float>(std::clamp(sum[k] / (kSuper * kSuper), 0.0, 1.0));
        }
    }
    return image;
}

std::string find_sample_image() {
    namespace fs = std::filesystem;
    const fs::path relative = fs::path("images") / "sample.png";
    std::vector<fs::path> roots;
    if (const char* env = std::getenv("DS_RESOURCE_DIR"); env && *env) roots.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        roots.push_back(exe.parent_path() / "resources");
        roots.push_back(exe.parent_path().parent_path() / "share" / "diffusion-studio" / "resources");
    }
#ifdef DS_SOURCE_RESOURCE_DIR
    roots.emplace_back(DS_SOURCE_RESOURCE_DIR);
#endif
    for (const fs::path& root : roots)
        if (fs::is_regular_file(root / relative, ec)) return (root / relative).string();
    return {};
}

}  // namespace ds::cli
