#include "core/tokenizers/clip_tokenizer.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "core/tokenizers/clip_bpe.h"
#include "core/tokenizers/clip_pretokenizer.h"
#include "core/tokenizers/clip_unicode.h"

namespace ds {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The special-token attributes of transformers' SpecialTokensMixin, in its order (which is also the
// order in which missing special tokens are added to the vocabulary).
enum SpecialKey { kBos, kEos, kUnk, kSep, kPad, kCls, kMask, kSpecialKeyCount };
constexpr std::array<const char*, kSpecialKeyCount> kSpecialKeyNames = {
    "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"};
constexpr const char* kAdditionalKey = "additional_special_tokens";
constexpr std::int64_t kClipMaxLength = 77;   // CLIP's max_position_embeddings
constexpr std::size_t kCacheLimit = 1 << 16;  // pieces; the cache is emptied when it grows past this

// A token as written in a configuration: a plain string or an AddedToken object.
struct TokenSpec {
    std::string content;
    bool lstrip = false;
    bool rstrip = false;
    bool single_word = false;
    bool object_form = false;  // an AddedToken object rather than a plain string
};

struct Config {
    std::array<std::optional<TokenSpec>, kSpecialKeyCount> special;
    std::vector<TokenSpec> additional;
    std::vector<std::pair<std::int64_t, TokenSpec>> added_tokens_decoder;
    std::int64_t model_max_length = kClipMaxLength;
    bool clean_up_tokenization_spaces = true;
};

// CLIPTokenizer.__init__'s defaults. bos/eos/unk are always wrapped into AddedToken objects there.
Config default_config() {
    Config config;
    config.special[kBos] = TokenSpec{"<|startoftext|>", false, false, false, true};
    config.special[kEos] = TokenSpec{"<|endoftext|>", false, false, false, true};
    config.special[kUnk] = TokenSpec{"<|endoftext|>", false, false, false, true};
    config.special[kPad] = TokenSpec{"<|endoftext|>"};
    return config;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error("ClipTokenizer: " + path + ": " + what);
}

std::string read_file(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) fail(path, "file not found");
    if (!fs::is_regular_file(path, ec)) fail(path, "not a regular file");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in.good() && !in.eof()) fail(path, "cannot be read");
    return buffer.str();
}

json read_json_object(const std::string& path) {
    json value;
    try {
        value = json::parse(read_file(path));
    } catch (const json::exception& e) {
        fail(path, std::string("invalid JSON (") + e.what() + ")");
    }
    if (!value.is_object()) fail(path, "expected a JSON object");
    return value;
}

bool read_flag(const json& object, const char* name, const std::string& path) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) return false;
    if (!it->is_boolean()) fail(path, std::string("\"") + name + "\" of a token must be true or false");
    return it->get<bool>();
}

// A special token value: a string, an AddedToken object ({"content": ..., "lstrip": ...}) or null.
std::optional<TokenSpec> parse_token(const json& value, const std::string& path, const std::string& key) {
    if (value.is_null()) return std::nullopt;
    if (value.is_string()) return TokenSpec{value.get<std::string>()};
    if (value.is_object()) {
        const auto content = value.find("content");
        if (content == value.end() || !content->is_string())
            fail(path, "\"" + key + "\" has no string \"content\"");
        TokenSpec spec;
        spec.content = content->get<std::string>();
        spec.lstrip = read_flag(value, "lstrip", path);
        spec.rstrip = read_flag(value, "rstrip", path);
        spec.single_word = read_flag(value, "single_word", path);
        spec.object_form = true;
        return spec;
    }
    fail(path, "\"" + key + "\" must be a string, a token object or null");
}

std::vector<TokenSpec> parse_token_list(const json& value, const std::string& path) {
    std::vector<TokenSpec> tokens;
    if (value.is_null()) return tokens;
    if (!value.is_array()) fail(path, std::string("\"") + kAdditionalKey + "\" must be a list");
    for (const json& item : value) {
        std::optional<TokenSpec> spec = parse_token(item, path, kAdditionalKey);
        if (spec) tokens.push_back(*spec);
    }
    return tokens;
}

std::int64_t parse_id(const json& value, const std::string& path, const std::string& what) {
    if (value.is_number_integer()) return value.get<std::int64_t>();
    fail(path, what + " is not an integer id");
}

// tokenizer_config.json, special_tokens_map.json and added_tokens.json with the precedence of
// transformers 4.36 (PreTrainedTokenizerBase._from_pretrained): a config that has
// "added_tokens_decoder" is complete; an older one is completed by the other two files.
Config read_folder_config(const fs::path& dir) {
    Config config = default_config();
    const std::string config_path = (dir / "tokenizer_config.json").string();
    const std::string map_path = (dir / "special_tokens_map.json").string();
    const std::string added_path = (dir / "added_tokens.json").string();

    json init = json::object();
    if (fs::exists(config_path)) init = read_json_object(config_path);

    // Special-token values and the file each came from.
    std::unordered_map<std::string, std::pair<json, std::string>> specials;
    for (const char* key : kSpecialKeyNames) {
        if (init.contains(key)) specials[key] = {init[key], config_path};
    }
    std::vector<TokenSpec> additional;
    if (init.contains(kAdditionalKey)) additional = parse_token_list(init[kAdditionalKey], config_path);

    if (init.contains("added_tokens_decoder")) {
        const json& decoder = init["added_tokens_decoder"];
        if (!decoder.is_object()) fail(config_path, "\"added_tokens_decoder\" must be an object");
        for (const auto& [key, value] : decoder.items()) {
            std::int64_t id = 0;
            std::size_t used = 0;
            try {
                id = std::stoll(key, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != key.size() || key.empty())
                fail(config_path, "added token id \"" + key + "\" is not an integer");
            std::optional<TokenSpec> spec = parse_token(value, config_path, "added_tokens_decoder." + key);
            if (!spec) fail(config_path, "added token " + key + " is null");
            spec->object_form = true;
            config.added_tokens_decoder.emplace_back(id, *spec);
        }
    } else {
        if (fs::exists(map_path)) {
            const json map = read_json_object(map_path);
            for (const char* key : kSpecialKeyNames) {
                if (map.contains(key)) specials[key] = {map[key], map_path};
            }
            if (map.contains(kAdditionalKey)) {
                for (TokenSpec& token : parse_token_list(map[kAdditionalKey], map_path)) {
                    const bool known =
                        std::any_of(additional.begin(), additional.end(),
                                    [&](const TokenSpec& t) { return t.content == token.content; });
                    if (!known) additional.push_back(token);
                }
            }
        }
        if (fs::exists(added_path)) {
            const json added = read_json_object(added_path);
            for (const auto& [content, id] : added.items()) {
                config.added_tokens_decoder.emplace_back(parse_id(id, added_path, "\"" + content + "\""),
                                                         TokenSpec{content, false, false, false, true});
            }
        }
    }

    for (int k = 0; k < kSpecialKeyCount; ++k) {
        const auto it = specials.find(kSpecialKeyNames[k]);
        if (it == specials.end()) continue;
        config.special[k] = parse_token(it->second.first, it->second.second, kSpecialKeyNames[k]);
        // A special token named by content takes the AddedToken of the same content, if any.
        if (config.special[k] && !config.added_tokens_decoder.empty()) {
            for (const auto& [id, token] : config.added_tokens_decoder) {
                if (token.content == config.special[k]->content) config.special[k] = token;
            }
        }
    }
    for (const int k : {kBos, kEos, kUnk}) {
        if (!config.special[k])
            fail(config_path, std::string("\"") + kSpecialKeyNames[k] + "\" must not be null");
        config.special[k]->object_form = true;
    }
    config.additional = std::move(additional);

    if (init.contains("model_max_length")) {
        const json& value = init["model_max_length"];
        if (!value.is_number() || value.get<double>() < 1)
            fail(config_path, "\"model_max_length\" must be a positive number");
        const double max_length = value.get<double>();
        config.model_max_length = max_length >= 9.2e18 ? std::numeric_limits<std::int64_t>::max()
                                                       : static_cast<std::int64_t>(max_length);
    }
    if (init.contains("clean_up_tokenization_spaces")) {
        const json& value = init["clean_up_tokenization_spaces"];
        if (!value.is_boolean()) fail(config_path, "\"clean_up_tokenization_spaces\" must be true or false");
        config.clean_up_tokenization_spaces = value.get<bool>();
    }
    return config;
}

std::u32string strip_left(std::u32string s) {
    std::size_t i = 0;
    while (i < s.size() && clip_unicode::is_python_space(s[i])) ++i;
    return s.substr(i);
}

std::u32string strip_right(std::u32string s) {
    std::size_t n = s.size();
    while (n > 0 && clip_unicode::is_python_space(s[n - 1])) --n;
    s.resize(n);
    return s;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    std::size_t pos = 0;
    while ((pos = text.find(from, pos)) != std::string::npos) {
        text.replace(pos, from.size(), to);
        pos += to.size();
    }
}

}  // namespace

struct ClipTokenizer::Data {
    struct AddedToken {
        std::string content;
        std::u32string content32;
        std::int64_t id = 0;
        bool lstrip = false;
        bool rstrip = false;
        bool single_word = false;
    };

    std::unordered_map<std::string, std::int64_t> vocab;
    std::unordered_map<std::int64_t, std::string> vocab_by_id;
    clip::BpeMerges merges;
    std::vector<AddedToken> added;  // transformers' _added_tokens_decoder
    std::unordered_map<std::u32string, std::size_t> added_by_content;
    std::unordered_map<std::string, std::int64_t> added_ids;  // content (UTF-8) -> id
    std::unordered_map<std::int64_t, std::size_t> added_by_id;
    std::vector<std::size_t> added_longest_first;  // for cutting them out of the text
    std::int64_t bos = 0, eos = 0, unk = 0, pad = -1;
    std::vector<std::string> special_contents;     // all_special_tokens
    std::unordered_set<std::int64_t> special_ids;  // all_special_ids
    std::unordered_set<std::string> legacy_added;  // decoded apart from the byte-level text
    std::int64_t model_max_length = kClipMaxLength;
    bool clean_up_tokenization_spaces = true;

    const AddedToken* find_added(const std::u32string& content) const {
        const auto it = added_by_content.find(content);
        return it == added_by_content.end() ? nullptr : &added[it->second];
    }

    // _convert_token_to_id_with_added_voc, or -1 when the token is unknown.
    std::int64_t lookup(const std::string& token) const {
        if (const auto a = added_ids.find(token); a != added_ids.end()) return a->second;
        const auto it = vocab.find(token);
        return it == vocab.end() ? -1 : it->second;
    }
    std::int64_t convert(const std::string& token) const {
        const std::int64_t id = lookup(token);
        return id >= 0 ? id : unk;
    }

    void set_added(std::int64_t id, const TokenSpec& spec) {
        AddedToken token{spec.content, clip_unicode::utf8_decode(spec.content),
                         id,           spec.lstrip,
                         spec.rstrip,  spec.single_word};
        const auto existing = added_by_id.find(id);
        if (existing != added_by_id.end()) {
            added[existing->second] = token;
            added_by_content[token.content32] = existing->second;
        } else {
            added_by_id[id] = added.size();
            added_by_content[token.content32] = added.size();
            added.push_back(token);
        }
        added_ids[token.content] = id;
    }

    static std::shared_ptr<const Data> build(const std::string& vocab_path, const std::string& merges_path,
                                             const Config& config);
};

std::shared_ptr<const ClipTokenizer::Data> ClipTokenizer::Data::build(const std::string& vocab_path,
                                                                      const std::string& merges_path,
                                                                      const Config& config) {
    auto data = std::make_shared<Data>();
    const json vocab = read_json_object(vocab_path);
    if (vocab.empty()) fail(vocab_path, "the vocabulary is empty");
    data->vocab.reserve(vocab.size());
    for (const auto& [token, id] : vocab.items()) {
        const std::int64_t value = parse_id(id, vocab_path, "the value of \"" + token.substr(0, 40) + "\"");
        data->vocab.emplace(token, value);
        data->vocab_by_id[value] = token;
    }
    data->merges = clip::BpeMerges::parse(read_file(merges_path), merges_path);

    // PreTrainedTokenizer.__init__: the configured added tokens, then every special token that is
    // not one of them yet (a token object always, as transformers compares it by identity), at its
    // vocabulary id or, when it has none, at a new id after the vocabulary.
    for (const auto& [id, spec] : config.added_tokens_decoder) data->set_added(id, spec);
    std::vector<TokenSpec> all_special;
    for (const std::optional<TokenSpec>& spec : config.special) {
        if (spec) all_special.push_back(*spec);
    }
    all_special.insert(all_special.end(), config.additional.begin(), config.additional.end());
    std::unordered_set<std::string> seen;
    std::unordered_set<std::string> current_vocab;
    for (const auto& [token, id] : data->vocab) current_vocab.insert(token);
    for (const auto& token : data->added) current_vocab.insert(token.content);
    const auto next_id = static_cast<std::int64_t>(current_vocab.size());
    std::int64_t new_tokens = 0;
    for (const TokenSpec& spec : all_special) {
        if (!seen.insert(spec.content).second) continue;
        data->special_contents.push_back(spec.content);
        if (spec.content.empty()) continue;
        const std::u32string content32 = clip_unicode::utf8_decode(spec.content);
        if (!spec.object_form && data->find_added(content32)) continue;
        std::int64_t id;
        if (const AddedToken* existing = data->find_added(content32)) {
            id = existing->id;
        } else if (const auto it = data->vocab.find(spec.content); it != data->vocab.end()) {
            id = it->second;
        } else {
            id = next_id + new_tokens++;
        }
        data->set_added(id, spec);
    }

    data->unk = data->lookup(config.special[kUnk]->content);
    data->bos = data->convert(config.special[kBos]->content);
    data->eos = data->convert(config.special[kEos]->content);
    if (data->unk < 0 || data->bos < 0 || data->eos < 0) {
        throw std::runtime_error("ClipTokenizer: the bos, eos and unk tokens must not be empty strings");
    }
    if (config.special[kPad]) data->pad = data->convert(config.special[kPad]->content);
    for (const std::string& content : data->special_contents)
        data->special_ids.insert(data->convert(content));

    // _decode's legacy_added_tokens: added tokens that are not special, plus additional special
    // tokens outside the vocabulary.
    const std::unordered_set<std::string> special_set(data->special_contents.begin(),
                                                      data->special_contents.end());
    for (const AddedToken& token : data->added) {
        if (!special_set.count(token.content)) data->legacy_added.insert(token.content);
    }
    for (const TokenSpec& spec : config.additional) {
        if (data->convert(spec.content) >= static_cast<std::int64_t>(data->vocab.size())) {
            data->legacy_added.insert(spec.content);
        }
    }

    for (std::size_t i = 0; i < data->added.size(); ++i) {
        if (!data->added[i].content32.empty()) data->added_longest_first.push_back(i);
    }
    std::stable_sort(data->added_longest_first.begin(), data->added_longest_first.end(),
                     [&](std::size_t a, std::size_t b) {
                         return data->added[a].content32.size() > data->added[b].content32.size();
                     });
    data->model_max_length = config.model_max_length;
    data->clean_up_tokenization_spaces = config.clean_up_tokenization_spaces;
    return data;
}

struct ClipTokenizer::Cache {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<std::int64_t>> ids;  // piece -> BPE token ids
};

namespace {

// PreTrainedTokenizer.tokenize: cuts the added tokens out of the text (leftmost, longest first, as
// its trie does), applies their lstrip/rstrip/single_word, and hands the rest to CLIPTokenizer's
// _tokenize. `on_added(id, content)` and `on_piece(piece)` return false to stop the walk.
template <class DataT, class OnAdded, class OnPiece>
void walk(const DataT& data, const std::string& utf8_text, OnAdded on_added, OnPiece on_piece) {
    const std::u32string text = clip_unicode::utf8_decode(utf8_text);
    std::vector<std::u32string> parts;
    std::size_t start = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const typename DataT::AddedToken* match = nullptr;
        if (!data.added_longest_first.empty()) {
            for (const std::size_t index : data.added_longest_first) {
                const std::u32string& content = data.added[index].content32;
                if (text.compare(i, content.size(), content) == 0) {
                    match = &data.added[index];
                    break;
                }
            }
        }
        if (match == nullptr) {
            ++i;
            continue;
        }
        if (i > start) parts.push_back(text.substr(start, i - start));
        parts.push_back(match->content32);
        i += match->content32.size();
        start = i;
    }
    if (start < text.size()) parts.push_back(text.substr(start));

    for (std::size_t k = 0; k < parts.size(); ++k) {
        const auto* token = data.find_added(parts[k]);
        if (token == nullptr) continue;
        const std::u32string content = parts[k];
        const std::optional<std::u32string> left = k > 0 ? std::optional(parts[k - 1]) : std::nullopt;
        const std::optional<std::u32string> right =
            k + 1 < parts.size() ? std::optional(parts[k + 1]) : std::nullopt;
        if (token->rstrip && right && !right->empty()) parts[k + 1] = strip_left(*right);
        if (token->lstrip && left && !left->empty()) parts[k - 1] = strip_right(*left);
        if (token->single_word && left && !left->empty() && left->back() != U' ') {
            parts[k - 1] += content;
            parts[k].clear();
        } else if (token->single_word && right && !right->empty() && right->front() != U' ') {
            parts[k + 1] = content + parts[k + 1];
            parts[k].clear();
        }
    }

    std::vector<std::string> pieces;
    for (const std::u32string& part : parts) {
        if (part.empty()) continue;
        if (const auto* token = data.find_added(part)) {
            if (!on_added(token->id, token->content)) return;
            continue;
        }
        for (const std::u32string& word : clip::basic_words(part)) {
            pieces.clear();
            clip::regex_pieces(word, pieces);
            for (const std::string& piece : pieces) {
                if (!on_piece(piece)) return;
            }
        }
    }
}

// CLIPTokenizer.bpe's pre-filled cache: these two pieces are tokens as they are.
bool is_literal_special_piece(const std::string& piece) {
    return piece == "<|startoftext|>" || piece == "<|endoftext|>";
}

}  // namespace

ClipTokenizer::ClipTokenizer(std::shared_ptr<const Data> data)
    : data_(std::move(data)), cache_(std::make_shared<Cache>()) {}

ClipTokenizer ClipTokenizer::load(const std::string& vocab_json_path, const std::string& merges_txt_path) {
    return ClipTokenizer(Data::build(vocab_json_path, merges_txt_path, default_config()));
}

ClipTokenizer ClipTokenizer::load_folder(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) fail(dir, "not a tokenizer folder");
    const fs::path root(dir);
    const Config config = read_folder_config(root);
    return ClipTokenizer(Data::build((root / "vocab.json").string(), (root / "merges.txt").string(), config));
}

std::vector<std::int64_t> ClipTokenizer::encode_ids(const std::string& utf8_text, std::size_t limit) const {
    const Data& data = *data_;
    std::vector<std::int64_t> ids;
    if (limit == 0) return ids;
    auto on_added = [&](std::int64_t id, const std::string&) {
        ids.push_back(id);
        return ids.size() < limit;
    };
    auto on_piece = [&](const std::string& piece) {
        if (is_literal_special_piece(piece)) {
            ids.push_back(data.convert(piece));
            return ids.size() < limit;
        }
        {
            std::lock_guard<std::mutex> lock(cache_->mutex);
            const auto it = cache_->ids.find(piece);
            if (it != cache_->ids.end()) {
                ids.insert(ids.end(), it->second.begin(), it->second.end());
                return ids.size() < limit;
            }
        }
        std::vector<std::int64_t> piece_ids;
        for (const std::string& symbol : data.merges.apply(piece)) piece_ids.push_back(data.convert(symbol));
        ids.insert(ids.end(), piece_ids.begin(), piece_ids.end());
        {
            std::lock_guard<std::mutex> lock(cache_->mutex);
            if (cache_->ids.size() >= kCacheLimit) cache_->ids.clear();
            cache_->ids.emplace(piece, std::move(piece_ids));
        }
        return ids.size() < limit;
    };
    walk(data, utf8_text, on_added, on_piece);
    if (ids.size() > limit) ids.resize(limit);
    return ids;
}

std::vector<std::int64_t> ClipTokenizer::encode(const std::string& utf8_text) const {
    std::vector<std::int64_t> ids{data_->bos};
    const std::vector<std::int64_t> body = encode_ids(utf8_text, std::numeric_limits<std::size_t>::max());
    ids.insert(ids.end(), body.begin(), body.end());
    ids.push_back(data_->eos);
    return ids;
}

ClipEncoding ClipTokenizer::encode_padded(const std::string& utf8_text, int max_length) const {
    if (max_length < 2) {
        throw std::invalid_argument(
            "ClipTokenizer::encode_padded: max_length must be at least 2 (bos + eos), got " +
            std::to_string(max_length));
    }
    if (data_->pad < 0)
        throw std::runtime_error("ClipTokenizer::encode_padded: the tokenizer has no pad token");
    ClipEncoding out;
    out.input_ids.push_back(data_->bos);
    // Tokens never depend on the text after them, so the walk stops once enough are found.
    const std::vector<std::int64_t> body = encode_ids(utf8_text, static_cast<std::size_t>(max_length - 2));
    out.input_ids.insert(out.input_ids.end(), body.begin(), body.end());
    out.input_ids.push_back(data_->eos);
    out.attention_mask.assign(out.input_ids.size(), 1);
    out.input_ids.resize(static_cast<std::size_t>(max_length), data_->pad);
    out.attention_mask.resize(static_cast<std::size_t>(max_length), 0);
    return out;
}

std::vector<std::string> ClipTokenizer::tokenize(const std::string& utf8_text) const {
    std::vector<std::string> tokens;
    auto on_added = [&](std::int64_t, const std::string& content) {
        tokens.push_back(content);
        return true;
    };
    auto on_piece = [&](const std::string& piece) {
        if (is_literal_special_piece(piece)) {
            tokens.push_back(piece);
        } else {
            for (std::string& symbol : data_->merges.apply(piece)) tokens.push_back(std::move(symbol));
        }
        return true;
    };
    walk(*data_, utf8_text, on_added, on_piece);
    return tokens;
}

std::string ClipTokenizer::decode(const std::vector<std::int64_t>& ids, bool skip_special_tokens) const {
    const Data& data = *data_;
    // convert_tokens_to_string: byte-level characters back to bytes, then UTF-8 with replacement.
    auto tokens_to_string = [](const std::vector<std::string>& tokens) {
        std::string bytes;
        for (const std::string& token : tokens) {
            for (const char32_t cp : clip_unicode::utf8_decode(token)) {
                const int byte = clip::unicode_to_byte(cp);
                if (byte >= 0) {
                    bytes.push_back(static_cast<char>(byte));
                } else {
                    clip_unicode::append_utf8(bytes, cp);  // transformers would raise a KeyError here
                }
            }
        }
        std::string text = clip_unicode::utf8_encode(clip_unicode::utf8_decode(bytes));
        replace_all(text, "</w>", " ");
        return clip_unicode::utf8_encode(strip_right(strip_left(clip_unicode::utf8_decode(text))));
    };

    std::vector<std::string> sub_texts;
    std::vector<std::string> current;
    for (const std::int64_t id : ids) {
        if (skip_special_tokens && data.special_ids.count(id)) continue;
        std::string token;
        if (const auto it = data.added_by_id.find(id); it != data.added_by_id.end()) {
            token = data.added[it->second].content;
        } else if (const auto v = data.vocab_by_id.find(id); v != data.vocab_by_id.end()) {
            token = v->second;
        } else {
            throw std::out_of_range("ClipTokenizer::decode: id " + std::to_string(id) +
                                    " is not in the vocabulary");
        }
        if (data.legacy_added.count(token)) {
            if (!current.empty()) {
                std::string text = tokens_to_string(current);
                if (!text.empty()) sub_texts.push_back(std::move(text));
                current.clear();
            }
            sub_texts.push_back(token);
        } else {
            current.push_back(std::move(token));
        }
    }
    if (!current.empty()) sub_texts.push_back(tokens_to_string(current));

    std::string text;
    for (std::size_t i = 0; i < sub_texts.size(); ++i) {
        if (i > 0) text += ' ';
        text += sub_texts[i];
    }
    if (data.clean_up_tokenization_spaces) {  // PreTrainedTokenizerBase.clean_up_tokenization
        for (const auto& [from, to] : {std::pair<std::string, std::string>{" .", "."},
                                       {" ?", "?"},
                                       {" !", "!"},
                                       {" ,", ","},
                                       {" ' ", "'"},
                                       {" n't", "n't"},
                                       {" 'm", "'m"},
                                       {" 's", "'s"},
                                       {" 've", "'ve"},
                                       {" 're", "'re"}}) {
            replace_all(text, from, to);
        }
    }
    return text;
}

std::int64_t ClipTokenizer::bos_id() const { return data_->bos; }
std::int64_t ClipTokenizer::eos_id() const { return data_->eos; }
std::int64_t ClipTokenizer::unk_id() const { return data_->unk; }
std::int64_t ClipTokenizer::pad_id() const { return data_->pad; }
std::int64_t ClipTokenizer::model_max_length() const { return data_->model_max_length; }
std::size_t ClipTokenizer::vocab_size() const { return data_->vocab.size(); }
std::int64_t ClipTokenizer::token_to_id(const std::string& token) const { return data_->lookup(token); }

}  // namespace ds
