#pragma once
// Text -> pieces for the CLIP BPE, as transformers' CLIPTokenizer._tokenize does when ftfy is not
// installed (the path the golden fixtures record):
//   1. BasicTokenizer(strip_accents=False, do_split_on_punc=False): drop NUL, U+FFFD and every C*
//      character except \t \n \r; whitespace -> ' '; spaces around CJK ideographs (BERT's ranges, not
//      kana or Hangul); NFC; split on whitespace; str.lower() per word. No punctuation split, no
//      accent stripping, no HTML unescaping.
//   2. CLIP's pattern, compiled with re.IGNORECASE, on each word:
//      <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
#include <string>
#include <string_view>
#include <vector>

namespace ds::clip {

// BERT's _is_chinese_char: the CJK Unified Ideographs blocks and their extensions.
bool is_cjk_ideograph(char32_t cp);

// Step 1: the lowercased words of one text segment.
std::vector<std::u32string> basic_words(std::u32string_view text);

// Step 2: appends the UTF-8 pieces of one word (from basic_words) to `pieces`.
void regex_pieces(std::u32string_view word, std::vector<std::string>& pieces);

}  // namespace ds::clip
