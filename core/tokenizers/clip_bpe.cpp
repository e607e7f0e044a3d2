#include "core/tokenizers/clip_bpe.h"

#include <functional>
#include <queue>
#include <stdexcept>
#include <utility>

#include "core/tokenizers/clip_unicode.h"

namespace ds::clip {
namespace {

// transformers keeps merges.txt lines [1, 49152 - 256 - 2] (CLIP's vocabulary: 256 bytes, their
// </w> forms, the merges and two special tokens).
constexpr std::size_t kMaxMerges = 49152 - 256 - 2;

bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }

std::vector<std::string_view> split_ascii_whitespace(std::string_view line) {
    std::vector<std::string_view> parts;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_ascii_space(line[i])) ++i;
        std::size_t j = i;
        while (j < line.size() && !is_ascii_space(line[j])) ++j;
        if (j > i) parts.push_back(line.substr(i, j - i));
        i = j;
    }
    return parts;
}

void make_key(std::string& key, std::string_view first, std::string_view second) {
    key.assign(first);
    key.push_back(' ');
    key.append(second);
}

}  // namespace

const std::array<char32_t, 256>& byte_to_unicode() {
    static const std::array<char32_t, 256> table = [] {
        std::array<char32_t, 256> t{};
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable =
                (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            t[b] = printable ? static_cast<char32_t>(b) : next++;
        }
        return t;
    }();
    return table;
}

int unicode_to_byte(char32_t cp) {
    static const std::unordered_map<char32_t, int> inverse = [] {
        std::unordered_map<char32_t, int> m;
        for (int b = 0; b < 256; ++b) m.emplace(byte_to_unicode()[b], b);
        return m;
    }();
    const auto it = inverse.find(cp);
    return it == inverse.end() ? -1 : it->second;
}

BpeMerges BpeMerges::parse(std::string_view text, const std::string& path) {
    while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);

    BpeMerges merges;
    std::size_t line_index = 0;
    std::size_t start = 0;
    while (start <= text.size() && line_index <= kMaxMerges) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        if (line_index >= 1) {  // line 0 is the "#version" header
            const std::string_view line = text.substr(start, end - start);
            const std::vector<std::string_view> parts = split_ascii_whitespace(line);
            if (parts.size() != 2) {
                throw std::runtime_error("ClipTokenizer: " + path + " line " +
                                         std::to_string(line_index + 1) +
                                         ": expected two symbols separated by a space, got \"" +
                                         std::string(line.substr(0, 60)) + "\"");
            }
            std::string key;
            make_key(key, parts[0], parts[1]);
            merges.ranks_[key] = static_cast<int>(line_index - 1);
        }
        ++line_index;
        start = end + 1;
    }
    return merges;
}

int BpeMerges::rank(std::string_view first, std::string_view second) const {
    std::string key;
    make_key(key, first, second);
    const auto it = ranks_.find(key);
    return it == ranks_.end() ? -1 : it->second;
}

std::vector<std::string> BpeMerges::apply(std::string_view piece) const {
    std::vector<std::string> symbols;
    symbols.reserve(piece.size());
    for (const char byte : piece) {
        std::string symbol;
        clip_unicode::append_utf8(symbol, byte_to_unicode()[static_cast<unsigned char>(byte)]);
        symbols.push_back(std::move(symbol));
    }
    if (symbols.empty()) return symbols;
    symbols.back() += "</w>";
    const int n = static_cast<int>(symbols.size());
    if (n == 1) return symbols;

    // The symbols form a linked list; a merged symbol keeps the left position. The queue holds
    // (rank, left position) of candidate pairs, possibly stale: an entry is checked again when popped.
    std::vector<int> prev(n), next(n);
    std::vector<char> alive(n, 1);
    for (int i = 0; i < n; ++i) {
        prev[i] = i - 1;
        next[i] = i + 1 < n ? i + 1 : -1;
    }
    std::string key;
    auto pair_rank = [&](int left) {
        make_key(key, symbols[left], symbols[next[left]]);
        const auto it = ranks_.find(key);
        return it == ranks_.end() ? -1 : it->second;
    };
    using Entry = std::pair<int, int>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
    for (int i = 0; i + 1 < n; ++i) {
        if (const int r = pair_rank(i); r >= 0) queue.emplace(r, i);
    }

    // One round per rank, as the reference loop: every occurrence of the best pair is merged left
    // to right before any pair made by those merges is considered (a merge never recreates the
    // pair being merged, because the merged symbol is longer than either half).
    std::vector<int> round;
    while (!queue.empty()) {
        const int best = queue.top().first;
        round.clear();
        while (!queue.empty() && queue.top().first == best) {
            round.push_back(queue.top().second);  // ascending positions
            queue.pop();
        }
        for (const int left : round) {
            if (!alive[left] || next[left] < 0 || pair_rank(left) != best) continue;
            const int right = next[left];
            symbols[left] += symbols[right];
            alive[right] = 0;
            next[left] = next[right];
            if (next[left] >= 0) prev[next[left]] = left;
            if (prev[left] >= 0) {
                if (const int r = pair_rank(prev[left]); r >= 0) queue.emplace(r, prev[left]);
            }
            if (next[left] >= 0) {
                if (const int r = pair_rank(left); r >= 0) queue.emplace(r, left);
            }
        }
    }

    std::vector<std::string> out;
    for (int i = 0; i >= 0; i = next[i]) out.push_back(std::move(symbols[i]));
    return out;
}

}  // namespace ds::clip
