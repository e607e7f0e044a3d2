#pragma once
// CLIP's byte-level BPE (openai/CLIP simple_tokenizer.py, transformers' CLIPTokenizer.bpe).
#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ds::clip {

// bytes_to_unicode(): each byte as a printable character, so that BPE symbols never contain
// whitespace or control characters. Printable Latin-1 bytes map to themselves, the other 68 bytes
// to U+0100.. in byte order.
const std::array<char32_t, 256>& byte_to_unicode();
// The inverse; -1 for a character that is no byte's image.
int unicode_to_byte(char32_t cp);

// The merge table of merges.txt and the merge loop.
class BpeMerges {
public:
    // merges.txt as transformers reads it: the whole text stripped, split on '\n', the first line
    // (the "#version" header) skipped, at most 48894 merges (49152 - 256 - 2) kept, a later
    // duplicate pair taking the later rank. Throws std::runtime_error naming `path` and the line
    // number when a used line is not two symbols.
    static BpeMerges parse(std::string_view text, const std::string& path);

    // Rank of the merge first + second, or -1.
    int rank(std::string_view first, std::string_view second) const;
    std::size_t size() const { return ranks_.size(); }

    // The BPE symbols of one pre-token piece (its UTF-8 bytes): each byte as its bytes_to_unicode
    // character, "</w>" appended to the last one, then the lowest-ranked adjacent pair merged at
    // every (non-overlapping, left to right) occurrence, repeatedly, until no pair has a rank.
    std::vector<std::string> apply(std::string_view piece) const;

private:
    std::unordered_map<std::string, int> ranks_;  // key: first + ' ' + second
};

}  // namespace ds::clip
