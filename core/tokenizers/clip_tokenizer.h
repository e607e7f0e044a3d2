#pragma once
// The CLIP BPE tokenizer of Stable Diffusion 1.x/2.x, reproducing transformers 4.36's slow
// CLIPTokenizer on its no-ftfy path (what diffusers' pipelines ran for the golden fixtures):
//   - added/special tokens typed in the text (<|startoftext|>, <|endoftext|>, SD2's pad "!", ...)
//     are cut out first and become their ids;
//   - the rest goes through clip_pretokenizer.h (cleanup, NFC, lowercase, CLIP's regex) and the
//     byte-level BPE of clip_bpe.h, with "</w>" marking the end of a word.
// Unicode behaves as Python 3.11 (Unicode 14.0): see clip_unicode.h.
//
// A tokenizer is cheap to copy (copies share the tables and the BPE cache). All const methods may
// run on several threads at once. Loading errors are one-line std::runtime_errors naming the file.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ds {

// What tokenizer(text, padding="max_length", max_length=N, truncation=True) returns.
struct ClipEncoding {
    std::vector<std::int64_t> input_ids;       // N ids: bos, at most N - 2 tokens, eos, then pad ids
    std::vector<std::int64_t> attention_mask;  // 1 for bos/tokens/eos, 0 for padding
};

class ClipTokenizer {
public:
    // vocab.json + merges.txt with CLIPTokenizer's defaults: bos <|startoftext|>, eos = unk = pad =
    // <|endoftext|>, model_max_length 77.
    static ClipTokenizer load(const std::string& vocab_json_path, const std::string& merges_txt_path);
    // A transformers tokenizer folder (diffusers' tokenizer/, tokenizer_2/): vocab.json, merges.txt
    // and, when present, tokenizer_config.json, special_tokens_map.json and added_tokens.json, read
    // with the precedence transformers 4.36 gives them (pad token, other special and added tokens,
    // model_max_length, clean_up_tokenization_spaces).
    static ClipTokenizer load_folder(const std::string& dir);

    // bos + token ids + eos, no truncation.
    std::vector<std::int64_t> encode(const std::string& utf8_text) const;
    // As StableDiffusionPipeline calls the tokenizer: truncated to bos + (max_length - 2) tokens +
    // eos, then padded with the pad id. Throws std::invalid_argument when max_length < 2 and
    // std::runtime_error when the tokenizer has no pad token.
    ClipEncoding encode_padded(const std::string& utf8_text, int max_length = 77) const;
    // The token strings of the text (byte-level, "</w>" on word ends), without bos/eos: what
    // tokenizer.tokenize(text) returns. For tests and debugging.
    std::vector<std::string> tokenize(const std::string& utf8_text) const;
    // tokenizer.decode(ids): byte-level tokens back to UTF-8 ("</w>" -> space, invalid UTF-8 ->
    // U+FFFD), added tokens kept apart, clean_up_tokenization_spaces as configured. Throws
    // std::out_of_range for an id that is in neither the vocabulary nor the added tokens.
    std::string decode(const std::vector<std::int64_t>& ids, bool skip_special_tokens = false) const;

    std::int64_t bos_id() const;
    std::int64_t eos_id() const;
    std::int64_t unk_id() const;
    std::int64_t pad_id() const;  // -1 when the configuration sets no pad token
    std::int64_t model_max_length() const;
    std::size_t vocab_size() const;  // entries of vocab.json (without added tokens)
    // The id of a token string (added tokens first, then the vocabulary), or -1.
    std::int64_t token_to_id(const std::string& token) const;

private:
    struct Data;
    struct Cache;
    ClipTokenizer(std::shared_ptr<const Data> data);

    std::vector<std::int64_t> encode_ids(const std::string& utf8_text, std::size_t limit) const;

    std::shared_ptr<const Data> data_;
    std::shared_ptr<Cache> cache_;
};

}  // namespace ds
