#pragma once
// RGB <-> HSV (hexcone model, Smith 1978): hue in degrees [0, 360), saturation and value in [0, 1].
#include <algorithm>
#include <cmath>

namespace ds {

struct Hsv {
    double h = 0, s = 0, v = 0;
};

inline Hsv rgb_to_hsv(double r, double g, double b) {
    const double mx = std::max({r, g, b}), mn = std::min({r, g, b}), d = mx - mn;
    Hsv o;
    o.v = mx;
    o.s = mx > 0 ? d / mx : 0;
    if (d <= 1e-12) return o;  // grey: no hue
    double h = mx == r ? std::fmod((g - b) / d, 6.0) : mx == g ? (b - r) / d + 2.0 : (r - g) / d + 4.0;
    h *= 60.0;
    o.h = h < 0 ? h + 360.0 : h;
    return o;
}

inline void hsv_to_rgb(const Hsv& c, double rgb[3]) {
    const double h = std::fmod(c.h + 360.0, 360.0) / 60.0;
    const double chroma = c.v * c.s;
    const double x = chroma * (1.0 - std::fabs(std::fmod(h, 2.0) - 1.0));
    const double m = c.v - chroma;
    double r = 0, g = 0, b = 0;
    switch (static_cast<int>(h) % 6) {
        case 0: r = chroma, g = x; break;
        case 1: r = x, g = chroma; break;
        case 2: g = chroma, b = x; break;
        case 3: g = x, b = chroma; break;
        case 4: r = x, b = chroma; break;
        default: r = chroma, b = x; break;
    }
    rgb[0] = r + m, rgb[1] = g + m, rgb[2] = b + m;
}

}  // namespace ds
