#pragma once
// A tiny built-in bitmap font for labels drawn into a ds::Image without Qt or FreeType (the CLI's
// figures). Glyphs are 5x7 pixels on a 5x8 cell (the eighth row holds descenders), advance 6,
// drawn as solid squares of `scale` pixels. Covers printable ASCII letters, digits and common
// symbols, plus α ᾱ β ε σ; any other character draws as a hollow box.
#include <array>
#include <string_view>

#include "core/image/image.h"

namespace ds {

constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 8;   // cap height 7 + one descender row
constexpr int kGlyphAdvance = 6;  // one column of spacing
constexpr int kLineAdvance = 10;  // two rows of spacing between lines

// Straight-alpha RGBA; on a grey image the colour's luminance is drawn.
using TextColor = std::array<float, 4>;

// Size in pixels of UTF-8 `text` (lines split at '\n') at `scale` (>= 1).
int text_width(std::string_view text, int scale = 1);
int text_height(std::string_view text, int scale = 1);

// Draws `text` with its top-left corner at (x, y), blending `color` over the image; pixels
// outside the image are clipped. Works on 1, 3 and 4 channel images.
void draw_text(Image& image, int x, int y, std::string_view text, const TextColor& color, int scale = 1);

// True when the font has a glyph for the code point (false: it draws as a box).
bool font_has_glyph(char32_t code_point);

}  // namespace ds
