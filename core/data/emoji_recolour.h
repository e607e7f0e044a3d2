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

// Whether the record shows people (its category is "people and body" or it has skin tones): such
// pictures are never recoloured, as the skin next to the hair has nearly the hair's hue.
bool shows_people(const EmojiRecord& record);

// The first recolourable colour word of the record's name, as a whole word ("large blue circle" ->
// "blue", "hollow red circle" -> "red"), or "" when there is none or the record shows people.
std::string recolourable_colour_word(const EmojiRecord& record);

// The recolourable colour word that the picture itself shows, for a picture whose name holds no
// colour word, or "" when no such colour covers half of it ("grinning face" -> "yellow", "frog
// face" -> "green", "globe" -> ""). Each coloured pixel (saturation >= 0.25, value >= 0.2) is the
// nearest of the palette's red, orange, yellow, green, blue, purple, pink and brown, by hue
// (30 degrees count as 1), saturation and value (0.35 count as 1), or none beyond a squared
// distance of 2; the word is the one whose pixels hold at least half the picture's visible alpha.
// Lets training see colour words with the many single-colour emoji whose names do not say their
// colour.
std::string dominant_colour_word(const uint8_t* rgba, int64_t pixels);

// Whether `name` holds any palette colour word as a whole word (white, black, grey, brown, pink as
// well as the recolourable ones): such a name already says its colour, right or wrong.
bool names_a_colour(const std::string& name);

// Whether training may put the colour a record's picture shows before its name: not for people
// (shows_people), not for flags (their colours are what they are: a purple Nigerian flag is not
// one), and not when the name already says a colour.
bool takes_colour_tag(const EmojiRecord& record);

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
