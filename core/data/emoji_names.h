#pragma once
// Caption names for the emoji whose Unicode character name describes an old black-and-white glyph
// rather than the colour emoji: "black" there means filled and "white" outlined, so ❤️ is "heavy
// black heart" and ⭐ "white medium star". Captioned with those names, the built-in model learned
// "black" for a red heart and never saw "red heart". The CLDR short names say what the art shows.
#include <string>

namespace ds {

// The CLDR short name for `unified` ("2764-FE0F", "2764") when its Unicode name misstates the
// colour, else "". Only the base code point counts (a trailing "-FE0F" is ignored), so skin-tone
// forms share their base emoji's name.
std::string cldr_name_for_misleading_unicode_name(const std::string& unified);

}  // namespace ds
