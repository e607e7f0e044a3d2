#include "core/tokenizers/clip_pretokenizer.h"

#include "core/tokenizers/clip_unicode.h"

namespace ds::clip {
namespace {

using clip_unicode::CharClass;

// Which alternative of the pattern a character can start or continue.
enum class PieceClass { kLetter, kNumber, kOther, kNone };

PieceClass piece_class(char32_t cp) {
    if (cp == 0x345) {
        // COMBINING GREEK YPOGEGRAMMENI case-folds to a letter (iota), so under re.IGNORECASE it
        // matches neither [\p{L}] nor [^\s\p{L}\p{N}]: findall skips it.
        return PieceClass::kNone;
    }
    if (clip_unicode::is_python_space(cp)) return PieceClass::kNone;
    switch (clip_unicode::char_class(cp)) {
        case CharClass::kLetter:
            return PieceClass::kLetter;
        case CharClass::kNumber:
            return PieceClass::kNumber;
        default:
            return PieceClass::kOther;
    }
}

// One literal character of the pattern against the text under re.IGNORECASE. Besides ASCII case,
// the only character that case-folds to a letter of these literals is U+017F LATIN SMALL LETTER
// LONG S (-> 's'); gen_clip_unicode_tables.py documents how that was checked.
bool literal_matches(char32_t cp, char lit) {
    if (cp == static_cast<unsigned char>(lit)) return true;
    if (lit >= 'a' && lit <= 'z' && cp == static_cast<char32_t>(lit - 'a' + 'A')) return true;
    return lit == 's' && cp == 0x17F;
}

// Length of `lit` matched at text[pos], or 0.
std::size_t match_literal(std::u32string_view text, std::size_t pos, std::string_view lit) {
    if (text.size() - pos < lit.size()) return 0;
    for (std::size_t k = 0; k < lit.size(); ++k) {
        if (!literal_matches(text[pos + k], lit[k])) return 0;
    }
    return lit.size();
}

// The alternatives before the character classes, in the pattern's order.
std::size_t match_fixed(std::u32string_view text, std::size_t pos) {
    static constexpr std::string_view kFixed[] = {
        "<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
    if (text[pos] != U'<' && text[pos] != U'\'') return 0;
    for (const std::string_view lit : kFixed) {
        if (const std::size_t n = match_literal(text, pos, lit)) return n;
    }
    return 0;
}

}  // namespace

bool is_cjk_ideograph(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

std::vector<std::u32string> basic_words(std::u32string_view text) {
    // _clean_text and _tokenize_chinese_chars.
    std::u32string cleaned;
    cleaned.reserve(text.size());
    for (const char32_t cp : text) {
        if (cp == U'\t' || cp == U'\n' || cp == U'\r') {
            cleaned.push_back(U' ');
            continue;
        }
        if (cp == 0 || cp == 0xFFFD) continue;
        const CharClass cls = clip_unicode::char_class(cp);
        if (cls == CharClass::kControl) continue;
        if (cls == CharClass::kSpaceSeparator) {
            cleaned.push_back(U' ');
        } else if (is_cjk_ideograph(cp)) {
            cleaned.push_back(U' ');
            cleaned.push_back(cp);
            cleaned.push_back(U' ');
        } else {
            cleaned.push_back(cp);
        }
    }
    const std::u32string normalized = clip_unicode::nfc(cleaned);

    // whitespace_tokenize (str.split()), then token.lower(). Lowercasing never creates whitespace,
    // so BasicTokenizer's second whitespace split changes nothing.
    std::vector<std::u32string> words;
    std::size_t i = 0;
    while (i < normalized.size()) {
        while (i < normalized.size() && clip_unicode::is_python_space(normalized[i])) ++i;
        std::size_t j = i;
        while (j < normalized.size() && !clip_unicode::is_python_space(normalized[j])) ++j;
        if (j > i) words.push_back(clip_unicode::lower(std::u32string_view(normalized).substr(i, j - i)));
        i = j;
    }
    return words;
}

void regex_pieces(std::u32string_view word, std::vector<std::string>& pieces) {
    std::size_t i = 0;
    while (i < word.size()) {
        std::size_t n = match_fixed(word, i);
        if (n == 0) {
            const PieceClass cls = piece_class(word[i]);
            if (cls == PieceClass::kNone) {
                ++i;  // findall moves on without a match
                continue;
            }
            n = 1;
            if (cls != PieceClass::kNumber) {  // [\p{L}]+ and [^\s\p{L}\p{N}]+ are greedy; [\p{N}] is one
                while (i + n < word.size() && piece_class(word[i + n]) == cls) ++n;
            }
        }
        pieces.push_back(clip_unicode::utf8_encode(word.substr(i, n)));
        i += n;
    }
}

}  // namespace ds::clip
