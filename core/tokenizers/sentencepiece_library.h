#pragma once
// sentencepiece tokenizers, reached only through the isolated plugin ds_sentencepiece_plugin.so.
//
// WHY THE ISOLATION EXISTS (do not "simplify" it into a plain link): Debian's libsentencepiece.so.0
// carries its own copy of protobuf and exports its symbols; libtorch links the system
// libprotobuf.so.32. With both linked into one executable the dynamic linker binds one library's
// protobuf references to the other's incompatible copy, and the program segfaults in static
// initialisers, before main(). So sentencepiece is linked only into a MODULE library that this code
// loads with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND) after torch is loaded: RTLD_LOCAL keeps
// its symbols out of the global scope and RTLD_DEEPBIND makes it (and libsentencepiece) resolve their
// own protobuf first. Only a plain C ABI crosses the boundary (plugin/sentencepiece_plugin_api.h).
// tests/core/test_sentencepiece_isolation.cpp fails if the isolation breaks.
// (AddressSanitizer refuses RTLD_DEEPBIND: sanitizer builds cannot use these tokenizers.)
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ds {

// A sentencepiece model (.model file) loaded through the plugin. Copies share the model; the const
// operations may run on several threads at once. Every failure throws std::runtime_error.
class SentencePieceTokenizer {
public:
    // Throws when the plugin cannot be found or loaded, or the file is not a sentencepiece model.
    static SentencePieceTokenizer load(const std::string& model_path);

    std::vector<int32_t> encode(const std::string& text) const;
    std::string decode(const std::vector<int32_t>& ids) const;  // throws on an id out of range
    int32_t vocab_size() const;
    std::string id_to_piece(int32_t id) const;            // throws on an id out of range
    int32_t piece_to_id(const std::string& piece) const;  // -1 when not in the vocabulary
    float score(int32_t id) const;

    // -1 where the model has none.
    int32_t unk_id() const { return special_[0]; }
    int32_t bos_id() const { return special_[1]; }
    int32_t eos_id() const { return special_[2]; }
    int32_t pad_id() const { return special_[3]; }

    const std::string& model_path() const { return model_path_; }

private:
    struct Model;
    SentencePieceTokenizer() = default;
    std::shared_ptr<const Model> model_;
    std::string model_path_;
    int32_t special_[4] = {-1, -1, -1, -1};
};

enum class SentencePieceModelType { Unigram, Bpe };

// The spm_train flags we use. The defaults are sentencepiece's own, except as noted.
struct SentencePieceTrainOptions {
    std::vector<std::string> input_files;  // one sentence per line
    // Writes <model_prefix>.model and <model_prefix>.vocab (piece<TAB>score), each atomically.
    std::string model_prefix;
    int vocab_size = 8000;
    SentencePieceModelType model_type = SentencePieceModelType::Unigram;
    double character_coverage = 0.9995;
    std::vector<std::string> user_defined_symbols;  // always kept as single pieces; no commas inside
    int unk_id = 0;
    int bos_id = 1;
    int eos_id = 2;
    int pad_id = -1;  // -1: no padding piece
    // false lets a small corpus end with fewer pieces than vocab_size instead of failing.
    bool hard_vocab_limit = true;
    bool quiet = true;  // ours: keep the trainer's INFO log off stderr
    // Any other spm_train flag, by name without dashes (e.g. {"num_threads", "1"}); overrides the above.
    std::map<std::string, std::string> extra_flags;
};

// Trains a model and returns the path of the written .model file. Throws std::runtime_error naming
// the problem (no input, unwritable prefix, trainer error such as a vocab_size too large).
std::string train_sentencepiece(const SentencePieceTrainOptions& options);

// The folders searched for the plugin, in order: $DS_PLUGIN_DIR, <folder of the executable>/lib,
// the build tree's lib folder (DS_PLUGIN_BUILD_DIR). Exposed for diagnostics and tests.
std::vector<std::string> sentencepiece_plugin_search_dirs();
// The full path of the plugin as found in `dirs`; throws std::runtime_error listing every folder tried.
std::string find_sentencepiece_plugin(const std::vector<std::string>& dirs);
// The path the plugin was loaded from (loads it on first use; throws like load()).
std::string sentencepiece_plugin_path();
// Whether this process has loaded the plugin yet (it is loaded lazily, on first use).
bool sentencepiece_plugin_loaded();

}  // namespace ds
