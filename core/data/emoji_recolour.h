#pragma once
// Colour words that vary with the picture: a picture whose name holds a chromatic colour word
// ("blue heart", "large orange circle") is recoloured to another such colour and the word is
// swapped in its caption, so that training sees each colour word with many pictures of that colour
// instead of the ~2 per word the emoji sets hold.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/emoji_catalog.h"

namespace ds {

// The words a picture is recoloured between: red, orange, yellow, green, blue, purple. Their hues
// are those of the background palette colours of the same names (emoji_backgrounds()).
const std::vector<std::string>& recolourable_colour_words();

// The first recolourable colour word of the record's name, as a whole word ("large blue circle" ->
// "blue", "hollow red circle" -> "red"), or "" when there is none. People are left out: in "man: red
// hair" the skin next to the hair has nearly the hair's hue.
std::string recolourable_colour_word(const EmojiRecord& record);

// `text` with every whole-word `from` replaced by `to` ("green_apple" counts `green` as a word).
std::string replace_colour_word(const std::string& text, const std::string& from, const std::string& to);

// Straight-alpha RGBA bytes (`pixels` of them) from `in` to `out`, with the hue of the pixels near
// the picture's own shade of `from` turned to the hue of `to`, their brightness and saturation each
// scaled by one factor toward those of the palette's `to`; alpha kept.
// The picture's shade is the weighted circular mean hue of its coloured pixels within 45 degrees of
// the palette's `from`; pixels within 25 degrees of it turn fully, fading out to 45 degrees, and
// grey, black and white pixels never. Returns false (and copies `in` unchanged) when fewer than 5%
// of the visible pixels carry that shade, i.e. the word does not name the picture's colour.
// Throws std::invalid_argument for a word that is not recolourable.
bool recolour_rgba(const uint8_t* in, uint8_t* out, int64_t pixels, const std::string& from, const std::string& to);

}  // namespace ds
