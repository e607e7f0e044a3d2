#include "core/tokenizers/clip_unicode.h"

#include <algorithm>
#include <cstdint>

#include "core/tokenizers/clip_unicode_tables.h"

namespace ds::clip_unicode {
namespace {

namespace t = tables;

constexpr char32_t kReplacement = 0xFFFD;

bool in_ranges(const t::CodeRange* ranges, std::size_t count, char32_t cp) {
    const t::CodeRange* end = ranges + count;
    const t::CodeRange* it =
        std::upper_bound(ranges, end, cp, [](char32_t c, const t::CodeRange& r) { return c < r.first; });
    return it != ranges && cp <= (it - 1)->last;
}

bool is_cased(char32_t cp) { return in_ranges(t::kCasedRanges, t::kCasedRangesCount, cp); }
bool is_case_ignorable(char32_t cp) {
    return in_ranges(t::kCaseIgnorableRanges, t::kCaseIgnorableRangesCount, cp);
}

char32_t lower_simple(char32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    const t::LowerMapping* end = t::kLowerMappings + t::kLowerMappingsCount;
    const t::LowerMapping* it = std::lower_bound(
        t::kLowerMappings, end, cp, [](const t::LowerMapping& m, char32_t c) { return m.cp < c; });
    return (it != end && it->cp == cp) ? it->lower : cp;
}

// Python's handle_capital_sigma (Objects/unicodeobject.c): U+03A3 lowercases to final sigma U+03C2
// when preceded by a cased letter and not followed by one, skipping case-ignorable characters.
char32_t lower_capital_sigma(std::u32string_view text, std::size_t i) {
    std::size_t j = i;
    while (j > 0 && is_case_ignorable(text[j - 1])) --j;
    bool final_sigma = j > 0 && is_cased(text[j - 1]);
    if (final_sigma) {
        j = i + 1;
        while (j < text.size() && is_case_ignorable(text[j])) ++j;
        final_sigma = j == text.size() || !is_cased(text[j]);
    }
    return final_sigma ? 0x3C2 : 0x3C3;
}

// --- NFC (UAX #15) -----------------------------------------------------------------------------
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
                   kSCount = kLCount * kNCount;

unsigned combining_class(char32_t cp) {
    if (cp < 0x300) return 0;
    const t::CombiningClassRange* begin = t::kCombiningClassRanges;
    const t::CombiningClassRange* end = begin + t::kCombiningClassRangesCount;
    const t::CombiningClassRange* it = std::upper_bound(
        begin, end, cp, [](char32_t c, const t::CombiningClassRange& r) { return c < r.first; });
    return (it != begin && cp <= (it - 1)->last) ? (it - 1)->ccc : 0;
}

void decompose_into(std::u32string& out, char32_t cp) {
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const char32_t s = cp - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
        return;
    }
    if (cp >= 0xC0) {
        const t::Decomposition* end = t::kDecompositions + t::kDecompositionsCount;
        const t::Decomposition* it = std::lower_bound(
            t::kDecompositions, end, cp, [](const t::Decomposition& d, char32_t c) { return d.cp < c; });
        if (it != end && it->cp == cp) {
            out.append(t::kDecompositionChars + it->offset, it->length);
            return;
        }
    }
    out.push_back(cp);
}

// The primary composite of a + b, or 0 when there is none.
char32_t compose_pair(char32_t a, char32_t b) {
    if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
        return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
        b < kTBase + kTCount)
        return a + (b - kTBase);
    const t::Composition* end = t::kCompositions + t::kCompositionsCount;
    const t::Composition* it = std::lower_bound(
        t::kCompositions, end, std::make_pair(a, b), [](const t::Composition& c, const auto& key) {
            return c.first != key.first ? c.first < key.first : c.second < key.second;
        });
    return (it != end && it->first == a && it->second == b) ? it->composite : 0;
}

}  // namespace

CharClass char_class(char32_t cp) {
    const t::CategoryRange* begin = t::kCategoryRanges;
    const t::CategoryRange* end = begin + t::kCategoryRangesCount;
    const t::CategoryRange* it =
        std::upper_bound(begin, end, cp, [](char32_t c, const t::CategoryRange& r) { return c < r.first; });
    if (it == begin) return CharClass::kControl;  // unreachable: the table starts at U+0000
    return static_cast<CharClass>((it - 1)->cls);
}

bool is_python_space(char32_t cp) {
    if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

std::u32string utf8_decode(std::string_view bytes) {
    std::u32string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
        const auto b0 = static_cast<unsigned char>(bytes[i]);
        if (b0 < 0x80) {
            out.push_back(b0);
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // the valid range of the second byte
        char32_t cp = 0;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            cp = b0 & 0x0F;
            if (b0 == 0xE0) lo = 0xA0;
            if (b0 == 0xED) hi = 0x9F;  // no surrogates
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            cp = b0 & 0x07;
            if (b0 == 0xF0) lo = 0x90;
            if (b0 == 0xF4) hi = 0x8F;
        } else {
            out.push_back(kReplacement);
            ++i;
            continue;
        }
        std::size_t j = 1;
        while (j < length && i + j < n) {
            const auto b = static_cast<unsigned char>(bytes[i + j]);
            if (b < lo || b > hi) break;
            cp = (cp << 6) | (b & 0x3F);
            lo = 0x80;
            hi = 0xBF;
            ++j;
        }
        if (j == length) {
            out.push_back(cp);
        } else {
            out.push_back(kReplacement);  // the maximal invalid subpart becomes one U+FFFD
        }
        i += j;
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string utf8_encode(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char32_t cp : text) append_utf8(out, cp);
    return out;
}

std::u32string lower(std::u32string_view text) {
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char32_t cp = text[i];
        if (cp == 0x130) {
            out.push_back(U'i');
            out.push_back(0x307);
        } else if (cp == 0x3A3) {
            out.push_back(lower_capital_sigma(text, i));
        } else {
            out.push_back(lower_simple(cp));
        }
    }
    return out;
}

std::u32string nfc(std::u32string_view text) {
    // Below U+0300 there are no combining marks and every character is already composed.
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; })) {
        return std::u32string(text);
    }
    std::u32string d;
    d.reserve(text.size() + 8);
    for (const char32_t cp : text) decompose_into(d, cp);

    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    for (std::size_t i = 1; i < d.size(); ++i) {
        const unsigned ccc = combining_class(d[i]);
        if (ccc == 0) continue;
        std::size_t j = i;
        while (j > 0 && combining_class(d[j - 1]) > ccc) {
            std::swap(d[j - 1], d[j]);
            --j;
        }
    }

    // Canonical composition: a character composes with the last starter unless it is blocked.
    if (d.empty()) return d;
    std::size_t starter_pos = 0;
    unsigned last_class = combining_class(d[0]);
    if (last_class != 0) last_class = 256;  // no starter yet: nothing may compose
    std::size_t out_pos = 1;
    for (std::size_t i = 1; i < d.size(); ++i) {
        const char32_t ch = d[i];
        const unsigned ch_class = combining_class(ch);
        const char32_t composite = compose_pair(d[starter_pos], ch);
        if (composite != 0 && (last_class < ch_class || last_class == 0)) {
            d[starter_pos] = composite;
            continue;
        }
        if (ch_class == 0) starter_pos = out_pos;
        last_class = ch_class;
        d[out_pos++] = ch;
    }
    d.resize(out_pos);
    return d;
}

}  // namespace ds::clip_unicode
