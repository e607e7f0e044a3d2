#pragma once
// The emoji art catalogue of one emoji-datasource npm package folder (emoji-datasource-google: Noto
// Emoji art, Apache-2.0; emoji-datasource-twitter: Twemoji art, CC-BY-4.0): one record per base emoji
// and per skin variation that has art in that package's set, with the words captions are made of.
// No torch, no image decoding here: the shard builder (emoji_shard.h) reads the pictures.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ds {

// A package folder or a shard is missing, malformed or of the wrong kind. One line naming the file.
class EmojiDataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct EmojiRecord {
    std::string unified;                   // code points as emoji.json spells them: "1F34E", "270D-1F3FB"
    std::string name;                      // lower case: "red apple", "woman: beard", "andorra flag"
    std::vector<std::string> short_names;  // underscores as spaces: "apple", "flag-ad"
    std::string category;                  // lower case, "&" as "and": "food and drink"
    std::string subcategory;               // "fruit" (from "food-fruit"), "person role", "sky and weather"
    std::vector<std::string> skin_tones;   // distinct, in code point order: {}, {"medium skin tone"},
                                           // {"light skin tone", "dark skin tone"} for a two-tone pair
    std::string set;                       // "noto" or "twemoji"
    std::string image;                     // relative to the package folder: "img/google/64/1f34e.png"
    bool held_out = false;                 // in the ~5% evaluation split (emoji_held_out)
};

struct EmojiCatalog {
    std::string package_dir;  // the folder holding emoji.json (a "package/" level is looked through)
    std::string set;          // "noto" or "twemoji"
    std::vector<EmojiRecord> records;  // emoji.json order, each base emoji before its skin variations
};

// Reads <dir>/emoji.json (or <dir>/package/emoji.json). The set comes from package.json's name when
// present, else from the one img/google or img/twitter folder. Entries of category "Component" (skin
// swatches, hair parts) and art the set lacks (has_img_<set> false) are left out; listed image files
// are not checked here. Throws EmojiDataError naming the file: missing folder or emoji.json, invalid
// JSON, an entry without unified/image, an image name with a path in it, an unknown or ambiguous set.
EmojiCatalog read_emoji_catalog(const std::string& package_dir);

// "1F3FB" -> "light skin tone", "1F3FC" medium-light, "1F3FD" medium, "1F3FE" medium-dark,
// "1F3FF" dark; "" for anything else (case-insensitive).
std::string skin_tone_name(const std::string& code_point);
// The distinct skin tones of the modifiers in a unified code ("1F469-1F3FB-200D-...-1F3FF").
std::vector<std::string> skin_tones_of(const std::string& unified);

// The evaluation split: held out when FNV-1a (64-bit) of "<unified>|<set>" mod 100 is below 5. Depends on nothing else, so it is the same on every run and machine.
bool emoji_held_out(const std::string& unified, const std::string& set);
uint64_t fnv1a64(const std::string& bytes);

}  // namespace ds
