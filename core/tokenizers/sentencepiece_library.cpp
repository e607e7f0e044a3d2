// The one place that loads the sentencepiece plugin. Read the header's comment before changing how:
// the dlopen flags below are what keeps sentencepiece's protobuf away from libtorch's.
#include "core/tokenizers/sentencepiece_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/io/atomic_file.h"
#include "core/tokenizers/plugin/sentencepiece_plugin_api.h"

#ifndef DS_PLUGIN_BUILD_DIR
#define DS_PLUGIN_BUILD_DIR ""
#endif

namespace ds {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPluginFileName = "ds_sentencepiece_plugin.so";

struct Plugin {
    void* handle = nullptr;  // never closed: unloading sentencepiece's static state is not worth the risk
    const DsSpmApi* api = nullptr;
    std::string path;
};

std::mutex g_plugin_mutex;
const Plugin* g_plugin = nullptr;  // set once, then immutable

std::string executable_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

const Plugin& plugin() {
    std::lock_guard<std::mutex> lock(g_plugin_mutex);
    if (g_plugin) return *g_plugin;
    const std::string path = find_sentencepiece_plugin(sentencepiece_plugin_search_dirs());
#if defined(__SANITIZE_ADDRESS__)
    throw std::runtime_error("cannot load the sentencepiece plugin " + path +
                             ": AddressSanitizer builds cannot dlopen with RTLD_DEEPBIND");
#endif
    // RTLD_LOCAL: sentencepiece's protobuf symbols stay out of the global scope.
    // RTLD_DEEPBIND: the plugin and libsentencepiece look in their own dependencies first, so they use
    // their protobuf and not libtorch's libprotobuf.so.32, which is already loaded. See the header.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) {
        const char* err = ::dlerror();
        throw std::runtime_error("cannot load the sentencepiece plugin " + path + ": " +
                                 (err ? err : "unknown error"));
    }
    auto entry = reinterpret_cast<DsSpmApiEntryPoint>(::dlsym(handle, DS_SPM_API_ENTRY_POINT));
    const DsSpmApi* api = entry ? entry() : nullptr;
    if (!api) {
        ::dlclose(handle);
        throw std::runtime_error("the sentencepiece plugin " + path + " does not export " +
                                 DS_SPM_API_ENTRY_POINT);
    }
    if (api->version != DS_SPM_API_VERSION || api->struct_size != sizeof(DsSpmApi)) {
        const std::string found = std::to_string(api->version);
        ::dlclose(handle);
        throw std::runtime_error("the sentencepiece plugin " + path + " has API version " + found +
                                 ", expected " + std::to_string(DS_SPM_API_VERSION) +
                                 " (rebuild ds_sentencepiece_plugin)");
    }
    g_plugin = new Plugin{handle, api, path};
    return *g_plugin;
}

// Takes ownership of a plugin-allocated error message.
std::string take_error(const DsSpmApi* api, char* error, const char* fallback) {
    std::string message = error ? error : fallback;
    api->release(error);
    return message;
}

void write_atomically(const std::string& path, const std::string& bytes) {
    AtomicFile file(path);
    file.write(bytes);
    file.commit();
}

}  // namespace

std::vector<std::string> sentencepiece_plugin_search_dirs() {
    std::vector<std::string> dirs;
    auto add = [&](const std::string& dir) {
        if (dir.empty()) return;
        for (const auto& d : dirs)
            if (d == dir) return;
        dirs.push_back(dir);
    };
    if (const char* env = std::getenv("DS_PLUGIN_DIR"); env && *env) add(env);
    if (const std::string exe = executable_dir(); !exe.empty()) add(exe + "/lib");
    add(DS_PLUGIN_BUILD_DIR);
    return dirs;
}

std::string find_sentencepiece_plugin(const std::vector<std::string>& dirs) {
    std::string tried;
    for (const auto& dir : dirs) {
        const fs::path candidate = fs::path(dir) / kPluginFileName;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate.string();
        tried += (tried.empty() ? "" : ", ") + dir;
    }
    throw std::runtime_error(
        std::string("sentencepiece plugin ") + kPluginFileName +
        " not found; looked in: " + (tried.empty() ? "(no folder)" : tried) +
        " (set DS_PLUGIN_DIR to the folder holding it, or build ds_sentencepiece_plugin)");
}

std::string sentencepiece_plugin_path() { return plugin().path; }

bool sentencepiece_plugin_loaded() {
    std::lock_guard<std::mutex> lock(g_plugin_mutex);
    return g_plugin != nullptr;
}

// ---- SentencePieceTokenizer ----

struct SentencePieceTokenizer::Model {
    const DsSpmApi* api = nullptr;
    DsSpmModel* handle = nullptr;
    ~Model() {
        if (handle) api->free_model(handle);
    }
};

SentencePieceTokenizer SentencePieceTokenizer::load(const std::string& model_path) {
    const DsSpmApi* api = plugin().api;
    auto model = std::make_shared<Model>();
    model->api = api;
    char* error = nullptr;
    if (api->load(model_path.c_str(), &model->handle, &error) != 0)
        throw std::runtime_error(
            take_error(api, error, ("cannot load sentencepiece model " + model_path).c_str()));
    SentencePieceTokenizer tokenizer;
    api->special_ids(model->handle, tokenizer.special_);
    tokenizer.model_ = std::move(model);
    tokenizer.model_path_ = model_path;
    return tokenizer;
}

std::vector<int32_t> SentencePieceTokenizer::encode(const std::string& text) const {
    const DsSpmApi* api = model_->api;
    int32_t* ids = nullptr;
    size_t count = 0;
    char* error = nullptr;
    if (api->encode(model_->handle, text.data(), text.size(), &ids, &count, &error) != 0)
        throw std::runtime_error(take_error(api, error, "sentencepiece encode failed"));
    std::vector<int32_t> out(ids, ids + count);
    api->release(ids);
    return out;
}

std::string SentencePieceTokenizer::decode(const std::vector<int32_t>& ids) const {
    const DsSpmApi* api = model_->api;
    char* text = nullptr;
    size_t size = 0;
    char* error = nullptr;
    if (api->decode(model_->handle, ids.data(), ids.size(), &text, &size, &error) != 0)
        throw std::runtime_error(take_error(api, error, "sentencepiece decode failed"));
    std::string out(text, size);
    api->release(text);
    return out;
}

int32_t SentencePieceTokenizer::vocab_size() const { return model_->api->vocab_size(model_->handle); }

std::string SentencePieceTokenizer::id_to_piece(int32_t id) const {
    const DsSpmApi* api = model_->api;
    char* piece = nullptr;
    size_t size = 0;
    char* error = nullptr;
    if (api->id_to_piece(model_->handle, id, &piece, &size, &error) != 0)
        throw std::runtime_error(take_error(api, error, "sentencepiece id_to_piece failed"));
    std::string out(piece, size);
    api->release(piece);
    return out;
}

int32_t SentencePieceTokenizer::piece_to_id(const std::string& piece) const {
    return model_->api->piece_to_id(model_->handle, piece.data(), piece.size());
}

float SentencePieceTokenizer::score(int32_t id) const { return model_->api->score(model_->handle, id); }

// ---- training ----

std::string train_sentencepiece(const SentencePieceTrainOptions& options) {
    if (options.input_files.empty()) throw std::runtime_error("sentencepiece training: no input file given");
    for (const auto& input : options.input_files) {
        if (input.find(',') != std::string::npos)
            throw std::runtime_error("sentencepiece training: input path '" + input +
                                     "' contains a comma, which the trainer takes as a separator");
        std::ifstream probe(input);
        if (!probe)
            throw std::runtime_error("sentencepiece training: cannot read input file '" + input + "'");
    }
    if (options.model_prefix.empty())
        throw std::runtime_error("sentencepiece training: model_prefix is empty");
    if (options.vocab_size <= 0)
        throw std::runtime_error("sentencepiece training: vocab_size must be positive, got " +
                                 std::to_string(options.vocab_size));

    auto join = [](const std::vector<std::string>& parts) {
        std::string out;
        for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
        return out;
    };
    for (const auto& symbol : options.user_defined_symbols)
        if (symbol.empty() || symbol.find(',') != std::string::npos)
            throw std::runtime_error("sentencepiece training: user-defined symbol '" + symbol +
                                     "' is empty or contains a comma");
    std::ostringstream coverage;
    coverage.precision(17);
    coverage << options.character_coverage;

    std::map<std::string, std::string> flags = {
        {"input", join(options.input_files)},
        {"vocab_size", std::to_string(options.vocab_size)},
        {"model_type", options.model_type == SentencePieceModelType::Bpe ? "bpe" : "unigram"},
        {"character_coverage", coverage.str()},
        {"unk_id", std::to_string(options.unk_id)},
        {"bos_id", std::to_string(options.bos_id)},
        {"eos_id", std::to_string(options.eos_id)},
        {"pad_id", std::to_string(options.pad_id)},
        {"hard_vocab_limit", options.hard_vocab_limit ? "true" : "false"},
        {"minloglevel",
         options.quiet ? "2" : "0"},  // a process-wide setting inside the plugin: always set it
    };
    if (!options.user_defined_symbols.empty())
        flags["user_defined_symbols"] = join(options.user_defined_symbols);
    for (const auto& [key, value] : options.extra_flags) flags[key] = value;

    std::vector<const char*> keys;
    std::vector<const char*> values;
    for (const auto& [key, value] : flags) {
        keys.push_back(key.c_str());
        values.push_back(value.c_str());
    }
    const DsSpmApi* api = plugin().api;
    char* bytes = nullptr;
    size_t size = 0;
    char* error = nullptr;
    if (api->train(keys.data(), values.data(), keys.size(), &bytes, &size, &error) != 0)
        throw std::runtime_error(take_error(api, error, "sentencepiece training failed"));
    const std::string model(bytes, size);
    api->release(bytes);

    const std::string model_path = options.model_prefix + ".model";
    write_atomically(model_path, model);
    // The .vocab file is for people (spm_train writes one too): one "piece<TAB>score" line per id.
    const SentencePieceTokenizer tokenizer = SentencePieceTokenizer::load(model_path);
    std::ostringstream vocab;
    for (int32_t id = 0; id < tokenizer.vocab_size(); ++id)
        vocab << tokenizer.id_to_piece(id) << '\t' << tokenizer.score(id) << '\n';
    write_atomically(options.model_prefix + ".vocab", vocab.str());
    return model_path;
}

}  // namespace ds
