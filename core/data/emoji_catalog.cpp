#include "core/data/emoji_catalog.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/data/emoji_names.h"

namespace ds {
namespace fs = std::filesystem;
namespace {

// ASCII only, so that UTF-8 sequences pass through untouched.
std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

std::string first_word(const std::string& s, char separator) { return s.substr(0, s.find(separator)); }

std::string category_words(const std::string& raw) { return replace_all(lower(raw), "&", "and"); }

// "food-fruit" in "food and drink" -> "fruit", "animal-mammal" in "animals and nature" -> "mammal":
// the first dash word is dropped when it only repeats the category. "person-role" stays "person role".
std::string subcategory_words(const std::string& raw, const std::string& category) {
    std::string s = replace_all(lower(raw), "&", "and");
    const std::string prefix = first_word(s, '-');
    if (prefix.size() < s.size() && !prefix.empty() && first_word(category, ' ').rfind(prefix, 0) == 0)
        s.erase(0, prefix.size() + 1);
    std::replace(s.begin(), s.end(), '-', ' ');
    return s;
}

struct SetInfo {
    const char* folder;  // img/<folder>, has_img_<folder>, emoji-datasource-<folder>
    const char* style;   // the name captions use
};
constexpr SetInfo kSets[] = {{"google", "noto"}, {"twitter", "twemoji"}};

[[noreturn]] void fail(const fs::path& file, const std::string& problem) {
    throw EmojiDataError(file.string() + ": " + problem);
}

const SetInfo& set_of(const fs::path& dir) {
    const fs::path package_json = dir / "package.json";
    std::error_code ec;
    if (fs::is_regular_file(package_json, ec)) {
        std::ifstream in(package_json, std::ios::binary);
        const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
        if (j.is_object() && j.contains("name") && j["name"].is_string()) {
            const std::string name = j["name"].get<std::string>();
            for (const SetInfo& s : kSets)
                if (name == std::string("emoji-datasource-") + s.folder) return s;
            fail(package_json, "package '" + name +
                                   "' is not one of the emoji sets this builder knows "
                                   "(emoji-datasource-google, emoji-datasource-twitter)");
        }
    }
    const SetInfo* found = nullptr;
    for (const SetInfo& s : kSets) {
        if (!fs::is_directory(dir / "img" / s.folder, ec)) continue;
        if (found) fail(dir, "has art of more than one set (img/google and img/twitter); give one package per --source");
        found = &s;
    }
    if (!found) fail(dir, "no img/google or img/twitter folder and no package.json naming the set");
    return *found;
}

std::string string_field(const nlohmann::json& entry, const char* key) {
    const auto it = entry.find(key);
    return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool has_art(const nlohmann::json& entry, const SetInfo& set) {
    const auto it = entry.find(std::string("has_img_") + set.folder);
    return it != entry.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

uint64_t fnv1a64(const std::string& bytes) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

bool emoji_held_out(const std::string& unified, const std::string& set) {
    return fnv1a64(unified + "|" + set) % 100 < 5;
}

std::string skin_tone_name(const std::string& code_point) {
    static const char* const kNames[] = {"light skin tone", "medium-light skin tone", "medium skin tone",
                                         "medium-dark skin tone", "dark skin tone"};
    const std::string c = lower(code_point);
    if (c.size() != 5 || c.compare(0, 4, "1f3f") != 0 || c[4] < 'b' || c[4] > 'f') return "";
    return kNames[c[4] - 'b'];
}

std::vector<std::string> skin_tones_of(const std::string& unified) {
    std::vector<std::string> tones;
    size_t start = 0;
    while (start <= unified.size()) {
        size_t end = unified.find('-', start);
        if (end == std::string::npos) end = unified.size();
        const std::string tone = skin_tone_name(unified.substr(start, end - start));
        if (!tone.empty() && std::find(tones.begin(), tones.end(), tone) == tones.end()) tones.push_back(tone);
        start = end + 1;
    }
    return tones;
}

EmojiCatalog read_emoji_catalog(const std::string& package_dir) {
    fs::path dir(package_dir);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) fail(dir, "no such folder (expected an emoji-datasource package)");
    if (!fs::exists(dir / "emoji.json", ec) && fs::exists(dir / "package" / "emoji.json", ec)) dir /= "package";
    const fs::path json_path = dir / "emoji.json";
    if (!fs::is_regular_file(json_path, ec)) fail(json_path, "missing (expected an emoji-datasource package)");

    const SetInfo& set = set_of(dir);
    std::ifstream in(json_path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    if (!in.good() && !in.eof()) fail(json_path, "cannot be read");
    nlohmann::json entries;
    try {
        entries = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        fail(json_path, std::string("not valid JSON (") + first_word(e.what(), '\n') + ")");
    }
    if (!entries.is_array()) fail(json_path, "not a JSON array of emoji");

    EmojiCatalog catalog;
    catalog.package_dir = dir.string();
    catalog.set = set.style;
    const std::string image_folder = std::string("img/") + set.folder + "/64/";
    for (size_t i = 0; i < entries.size(); ++i) {
        const nlohmann::json& e = entries[i];
        const std::string where = "entry " + std::to_string(i);
        if (!e.is_object()) fail(json_path, where + " is not an object");
        if (lower(string_field(e, "category")) == "component") continue;

        EmojiRecord base;
        base.unified = string_field(e, "unified");
        if (base.unified.empty()) fail(json_path, where + " has no 'unified' code");
        base.name = lower(string_field(e, "name"));
        if (std::string cldr = cldr_name_for_misleading_unicode_name(base.unified); !cldr.empty())
            base.name = std::move(cldr);
        if (const auto it = e.find("short_names"); it != e.end() && it->is_array())
            for (const auto& s : *it)
                if (s.is_string()) base.short_names.push_back(replace_all(s.get<std::string>(), "_", " "));
        if (base.name.empty() && !base.short_names.empty()) base.name = base.short_names.front();
        base.category = category_words(string_field(e, "category"));
        base.subcategory = subcategory_words(string_field(e, "subcategory"), base.category);
        base.set = set.style;

        // The base emoji, then each skin variation with its own code and picture.
        std::vector<const nlohmann::json*> forms{&e};
        if (const auto it = e.find("skin_variations"); it != e.end() && it->is_object())
            for (const auto& v : it->items()) forms.push_back(&v.value());
        for (const nlohmann::json* form : forms) {
            if (!form->is_object() || !has_art(*form, set)) continue;
            EmojiRecord r = base;
            r.unified = string_field(*form, "unified");
            if (r.unified.empty()) fail(json_path, where + " has a skin variation without a 'unified' code");
            const std::string image = string_field(*form, "image");
            if (image.empty()) fail(json_path, where + " (" + r.unified + ") has no 'image'");
            if (image.find('/') != std::string::npos || image.find('\\') != std::string::npos || image == "." ||
                image == "..")
                fail(json_path, where + " (" + r.unified + ") has an image name with a path: '" + image + "'");
            r.image = image_folder + image;
            r.skin_tones = skin_tones_of(r.unified);
            r.held_out = emoji_held_out(r.unified, r.set);
            catalog.records.push_back(std::move(r));
        }
    }
    return catalog;
}

}  // namespace ds
