#include "core/builtin/builtin_tokenizer.h"

#include <ATen/ATen.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "core/data/emoji_batch.h"
#include "core/data/emoji_shard.h"

namespace ds {

BuiltinTokenizer BuiltinTokenizer::load(const std::string& model_path, int64_t context_length) {
    SentencePieceTokenizer sp = SentencePieceTokenizer::load(model_path);
    if (sp.bos_id() < 0 || sp.eos_id() < 0) {
        throw std::runtime_error(model_path + ": the tokenizer has no bos/eos pieces");
    }
    if (context_length < 2) throw std::runtime_error("tokenizer context length must be at least 2");
    return BuiltinTokenizer(std::move(sp), context_length);
}

std::vector<int64_t> BuiltinTokenizer::encode(const std::string& text) const {
    std::string lower = text;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::vector<int64_t> ids{sp_.bos_id()};
    for (int32_t id : sp_.encode(lower)) {
        if (static_cast<int64_t>(ids.size()) >= context_length_ - 1) break;
        ids.push_back(id);
    }
    ids.resize(static_cast<size_t>(context_length_), sp_.eos_id());
    return ids;
}

at::Tensor BuiltinTokenizer::encode_batch(const std::vector<std::string>& texts) const {
    at::Tensor out = at::empty({static_cast<int64_t>(texts.size()), context_length_}, at::kLong);
    auto acc = out.accessor<int64_t, 2>();
    for (size_t i = 0; i < texts.size(); ++i) {
        const std::vector<int64_t> ids = encode(texts[i]);
        for (int64_t j = 0; j < context_length_; ++j) acc[static_cast<int64_t>(i)][j] = ids[static_cast<size_t>(j)];
    }
    return out;
}

std::string train_builtin_tokenizer(const EmojiShard& shard, const std::string& prefix, int vocab_size) {
    const std::string corpus = prefix + ".corpus.txt";
    {
        std::ofstream out(corpus, std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + corpus);
        const auto& backgrounds = emoji_backgrounds();
        for (size_t i = 0; i < shard.records.size(); ++i) {
            out << emoji_caption(shard.records[i], backgrounds[i % backgrounds.size()].name) << "\n";
        }
        if (!out) throw std::runtime_error("cannot write " + corpus);
    }
    SentencePieceTrainOptions options;
    options.input_files = {corpus};
    options.model_prefix = prefix;
    options.vocab_size = vocab_size;
    options.model_type = SentencePieceModelType::Unigram;
    options.character_coverage = 1.0;
    options.hard_vocab_limit = false;
    options.extra_flags = {{"num_threads", "2"}};
    const std::string model = train_sentencepiece(options);
    std::remove(corpus.c_str());
    return model;
}

}  // namespace ds
