// The isolated sentencepiece plugin: the only code that links libsentencepiece. It exports one C
// symbol (ds_spm_api_v1, see sentencepiece_plugin_api.h) and is loaded by
// core/tokenizers/sentencepiece_library.cpp, which explains why the isolation exists.
// No C++ exception may leave this file: each entry point catches everything and reports a string.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenizers/plugin/sentencepiece_plugin_api.h"

struct DsSpmModel {
    sentencepiece::SentencePieceProcessor processor;
};

namespace {

// Copies bytes into a malloc'd, NUL-terminated block the caller gives back through release().
char* copy_out(std::string_view bytes) {
    char* out = static_cast<char*>(std::malloc(bytes.size() + 1));
    if (!out) throw std::bad_alloc();
    if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
    out[bytes.size()] = '\0';
    return out;
}

// Stores a one-line error message; never throws (an out-of-memory message is simply dropped).
int fail(char** out_error, const std::string& message) {
    if (out_error) {
        *out_error = static_cast<char*>(std::malloc(message.size() + 1));
        if (*out_error) std::memcpy(*out_error, message.c_str(), message.size() + 1);
    }
    return 1;
}

// Runs `body`, turning any C++ exception into an error string.
template <typename Body>
int guarded(char** out_error, Body&& body) {
    if (out_error) *out_error = nullptr;
    try {
        return body();
    } catch (const std::exception& e) {
        return fail(out_error, std::string("sentencepiece plugin: ") + e.what());
    } catch (...) {
        return fail(out_error, "sentencepiece plugin: unknown C++ exception");
    }
}

bool valid_id(const DsSpmModel* model, int32_t id) { return id >= 0 && id < model->processor.GetPieceSize(); }

void release(void* pointer) { std::free(pointer); }

int load(const char* model_path, DsSpmModel** out_model, char** out_error) {
    return guarded(out_error, [&] {
        if (!model_path || !out_model) return fail(out_error, "load: null argument");
        *out_model = nullptr;
        auto model = std::make_unique<DsSpmModel>();
        const auto status = model->processor.Load(model_path);
        if (!status.ok())
            return fail(out_error, "cannot load sentencepiece model '" + std::string(model_path) +
                                       "': " + status.ToString());
        *out_model = model.release();
        return 0;
    });
}

void free_model(DsSpmModel* model) { delete model; }

int encode(const DsSpmModel* model, const char* text, size_t text_size, int32_t** out_ids, size_t* out_count,
           char** out_error) {
    return guarded(out_error, [&] {
        if (!model || (!text && text_size > 0) || !out_ids || !out_count)
            return fail(out_error, "encode: null argument");
        *out_ids = nullptr;
        *out_count = 0;
        std::vector<int> ids;
        const auto status = model->processor.Encode(std::string_view(text ? text : "", text_size), &ids);
        if (!status.ok()) return fail(out_error, "encode: " + status.ToString());
        if (ids.empty()) return 0;
        auto* out = static_cast<int32_t*>(std::malloc(ids.size() * sizeof(int32_t)));
        if (!out) throw std::bad_alloc();
        for (size_t i = 0; i < ids.size(); ++i) out[i] = static_cast<int32_t>(ids[i]);
        *out_ids = out;
        *out_count = ids.size();
        return 0;
    });
}

int decode(const DsSpmModel* model, const int32_t* ids, size_t count, char** out_text, size_t* out_size,
           char** out_error) {
    return guarded(out_error, [&] {
        if (!model || (!ids && count > 0) || !out_text || !out_size)
            return fail(out_error, "decode: null argument");
        *out_text = nullptr;
        *out_size = 0;
        std::vector<int> in(count);
        for (size_t i = 0; i < count; ++i) {
            // sentencepiece does not range-check ids itself.
            if (!valid_id(model, ids[i]))
                return fail(out_error, "decode: id " + std::to_string(ids[i]) + " at position " +
                                           std::to_string(i) + " is outside the vocabulary [0, " +
                                           std::to_string(model->processor.GetPieceSize()) + ")");
            in[i] = ids[i];
        }
        std::string text;
        const auto status = model->processor.Decode(in, &text);
        if (!status.ok()) return fail(out_error, "decode: " + status.ToString());
        *out_text = copy_out(text);
        *out_size = text.size();
        return 0;
    });
}

int32_t vocab_size(const DsSpmModel* model) { return model ? model->processor.GetPieceSize() : 0; }

int id_to_piece(const DsSpmModel* model, int32_t id, char** out_piece, size_t* out_size, char** out_error) {
    return guarded(out_error, [&] {
        if (!model || !out_piece || !out_size) return fail(out_error, "id_to_piece: null argument");
        *out_piece = nullptr;
        *out_size = 0;
        if (!valid_id(model, id))
            return fail(out_error, "id " + std::to_string(id) + " is outside the vocabulary [0, " +
                                       std::to_string(model->processor.GetPieceSize()) + ")");
        const std::string& piece = model->processor.IdToPiece(id);
        *out_piece = copy_out(piece);
        *out_size = piece.size();
        return 0;
    });
}

int32_t piece_to_id(const DsSpmModel* model, const char* piece, size_t piece_size) {
    if (!model || (!piece && piece_size > 0)) return -1;
    try {
        const std::string_view wanted(piece ? piece : "", piece_size);
        const int id = model->processor.PieceToId(wanted);
        // PieceToId answers unk_id for anything unknown: only a piece that maps back to itself exists.
        if (!valid_id(model, id) || model->processor.IdToPiece(id) != wanted) return -1;
        return id;
    } catch (...) {
        return -1;
    }
}

float score(const DsSpmModel* model, int32_t id) {
    if (!model || !valid_id(model, id)) return 0.0f;
    return model->processor.GetScore(id);
}

void special_ids(const DsSpmModel* model, int32_t out_ids[4]) {
    if (!model || !out_ids) return;
    const auto& p = model->processor;
    out_ids[0] = p.unk_id();
    out_ids[1] = p.bos_id();
    out_ids[2] = p.eos_id();
    out_ids[3] = p.pad_id();
}

int train(const char* const* keys, const char* const* values, size_t count, char** out_model,
          size_t* out_model_size, char** out_error) {
    return guarded(out_error, [&] {
        if ((!keys || !values) && count > 0) return fail(out_error, "train: null argument");
        if (!out_model || !out_model_size) return fail(out_error, "train: null argument");
        *out_model = nullptr;
        *out_model_size = 0;
        std::unordered_map<std::string, std::string> flags;
        for (size_t i = 0; i < count; ++i) {
            if (!keys[i] || !values[i]) return fail(out_error, "train: null flag");
            if (std::string_view(keys[i]) == "model_prefix")
                return fail(out_error, "train: model_prefix is not accepted, the model is returned as bytes");
            flags[keys[i]] = values[i];
        }
        std::string model;
        const auto status = sentencepiece::SentencePieceTrainer::Train(flags, nullptr, &model);
        if (!status.ok()) return fail(out_error, "sentencepiece training failed: " + status.ToString());
        if (model.empty()) return fail(out_error, "sentencepiece training produced an empty model");
        *out_model = copy_out(model);
        *out_model_size = model.size();
        return 0;
    });
}

const DsSpmApi kApi = {
    DS_SPM_API_VERSION, sizeof(DsSpmApi), release,     load,  free_model,  encode, decode,
    vocab_size,         id_to_piece,      piece_to_id, score, special_ids, train,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const DsSpmApi* ds_spm_api_v1(void) { return &kApi; }
