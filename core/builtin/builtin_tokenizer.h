#pragma once
// The built-in model's tokenizer: a sentencepiece model trained on the emoji captions (Kudo &
// Richardson 2018), used like SD's CLIP tokenizer: bos, the pieces, eos, then eos padding to the
// context length, lower-cased first as the captions are.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizers/sentencepiece_library.h"

namespace ds {

struct EmojiShard;

class BuiltinTokenizer {
public:
    // Throws std::runtime_error naming the file when it is not a usable sentencepiece model.
    static BuiltinTokenizer load(const std::string& model_path, int64_t context_length);

    // context_length ids: bos, the pieces of the lower-cased text (truncated), eos, eos padding.
    std::vector<int64_t> encode(const std::string& text) const;
    // [texts.size(), context_length] int64.
    at::Tensor encode_batch(const std::vector<std::string>& texts) const;

    int64_t vocab_size() const { return sp_.vocab_size(); }
    int64_t bos_id() const { return sp_.bos_id(); }
    int64_t eos_id() const { return sp_.eos_id(); }
    int64_t context_length() const { return context_length_; }
    const SentencePieceTokenizer& pieces() const { return sp_; }

private:
    BuiltinTokenizer(SentencePieceTokenizer sp, int64_t context_length) : sp_(std::move(sp)), context_length_(context_length) {}
    SentencePieceTokenizer sp_;
    int64_t context_length_;
};

// Trains the tokenizer on the shard's captions (every record's full caption, with the background
// phrases) and writes <prefix>.model / <prefix>.vocab; returns the .model path.
std::string train_builtin_tokenizer(const EmojiShard& shard, const std::string& prefix, int vocab_size);

}  // namespace ds
