#include "core/data/emoji_names.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace ds {

std::string cldr_name_for_misleading_unicode_name(const std::string& unified) {
    // Base code point -> CLDR short name, as Unicode's emoji-test.txt lists them (the names after
    // each emoji there). Limited to names whose "black"/"white" is not the art's colour, and to the
    // few whose colour the Unicode name leaves out (❗ "heavy exclamation mark symbol").
    static const std::map<std::string, std::string> kNames{
        {"2764", "red heart"},
        {"2665", "heart suit"},
        {"2666", "diamond suit"},
        {"2660", "spade suit"},
        {"2663", "club suit"},
        {"2B50", "star"},
        {"2734", "eight-pointed star"},
        {"2600", "sun"},
        {"260E", "telephone"},
        {"2702", "scissors"},
        {"267B", "recycling symbol"},
        {"25B6", "play button"},
        {"25C0", "reverse button"},
        {"23E9", "fast-forward button"},
        {"23EA", "fast reverse button"},
        {"23EB", "fast up button"},
        {"23EC", "fast down button"},
        {"27A1", "right arrow"},
        {"2B05", "left arrow"},
        {"2B06", "up arrow"},
        {"2B07", "down arrow"},
        {"2753", "red question mark"},
        {"2757", "red exclamation mark"},
        {"2B55", "hollow red circle"},
        {"2705", "check mark button"},
        {"263A", "smiling face"},
        {"261D", "index pointing up"},
        {"1F446", "backhand index pointing up"},
        {"1F447", "backhand index pointing down"},
        {"1F448", "backhand index pointing left"},
        {"1F449", "backhand index pointing right"},
        {"1F0CF", "joker"},
    };
    std::string code = unified;
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const size_t dash = code.find('-');
    if (dash != std::string::npos && code.compare(dash, std::string::npos, "-FE0F") != 0) return "";
    const std::string base = code.substr(0, dash);
    const auto it = kNames.find(base);
    return it == kNames.end() ? "" : it->second;
}

}  // namespace ds
