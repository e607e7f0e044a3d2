#pragma once
// The Unicode operations the CLIP tokenizer needs, with Python 3.11 semantics (Unicode 14.0, the
// version transformers' reference ran on): UTF-8 conversion, the general-category classes,
// str.isspace(), str.lower() and NFC. Tables: clip_unicode_tables.cpp (generated).
#include <string>
#include <string_view>

namespace ds::clip_unicode {

// General-category classes. kControl is every C* category (Cc, Cf, Cs, Co and unassigned Cn).
enum class CharClass : unsigned char {
    kOther = 0,
    kLetter = 1,
    kNumber = 2,
    kControl = 3,
    kSpaceSeparator = 4
};

CharClass char_class(char32_t cp);

// Python's str.isspace() (Unicode White_Space plus U+001C..U+001F).
bool is_python_space(char32_t cp);

// UTF-8 to code points; each invalid sequence (maximal subpart, as Python's errors="replace" does)
// becomes U+FFFD.
std::u32string utf8_decode(std::string_view bytes);
std::string utf8_encode(std::u32string_view text);
void append_utf8(std::string& out, char32_t cp);

// Python's str.lower(): full lowercase mapping (U+0130 -> "i\u0307") with the Final_Sigma rule.
std::u32string lower(std::u32string_view text);

// Unicode canonical composition (NFC), as unicodedata.normalize("NFC", text).
std::u32string nfc(std::u32string_view text);

}  // namespace ds::clip_unicode
