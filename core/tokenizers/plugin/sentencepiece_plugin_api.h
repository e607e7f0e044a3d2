/* The C ABI between the process and the isolated sentencepiece plugin (ds_sentencepiece_plugin.so).
 * Why a plugin at all: see core/tokenizers/sentencepiece_library.h.
 *
 * Plain C types only: no C++ object, exception or allocator crosses this boundary.
 * - Every function that can fail returns 0 on success and non-zero on failure; on failure it stores a
 *   NUL-terminated one-line message in *out_error (when out_error is not NULL).
 * - Every pointer the plugin hands out through an out-parameter (ids, text, bytes, error messages) is
 *   allocated by the plugin and must be given back with release(). Nothing else is ever released.
 * - A model handle comes from load() and goes back through free_model(); handles may be used from
 *   several threads at once for the const operations (encode/decode/lookup).
 * - Strings are UTF-8 with an explicit length where they may hold NUL bytes.
 *
 * Changing the layout of DsSpmApi (adding, removing or reordering members) means bumping
 * DS_SPM_API_VERSION; the loader refuses a plugin whose version differs. */
#ifndef DS_SENTENCEPIECE_PLUGIN_API_H
#define DS_SENTENCEPIECE_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DS_SPM_API_VERSION 1u
/* The one symbol the plugin exports: returns a pointer to a static table (never NULL, never freed). */
#define DS_SPM_API_ENTRY_POINT "ds_spm_api_v1"

typedef struct DsSpmModel DsSpmModel; /* opaque: a loaded sentencepiece model */

typedef struct DsSpmApi {
    uint32_t version;     /* DS_SPM_API_VERSION of the plugin */
    uint32_t struct_size; /* sizeof(DsSpmApi) as the plugin was compiled */

    /* Releases any pointer the plugin returned through an out-parameter. NULL is a no-op. */
    void (*release)(void* pointer);

    /* Loads a .model file. On success *out_model is a new handle. */
    int (*load)(const char* model_path, DsSpmModel** out_model, char** out_error);
    void (*free_model)(DsSpmModel* model);

    /* text -> ids. *out_ids holds *out_count ids (NULL when the count is 0). */
    int (*encode)(const DsSpmModel* model, const char* text, size_t text_size, int32_t** out_ids,
                  size_t* out_count, char** out_error);
    /* ids -> text. Fails on an id outside [0, vocab_size). *out_text is NUL-terminated. */
    int (*decode)(const DsSpmModel* model, const int32_t* ids, size_t count, char** out_text,
                  size_t* out_size, char** out_error);

    int32_t (*vocab_size)(const DsSpmModel* model);
    /* Fails on an id outside [0, vocab_size). */
    int (*id_to_piece)(const DsSpmModel* model, int32_t id, char** out_piece, size_t* out_size,
                       char** out_error);
    /* The id of a piece, or -1 when the piece is not in the vocabulary (unlike sentencepiece's own
     * PieceToId, which answers unk_id). */
    int32_t (*piece_to_id)(const DsSpmModel* model, const char* piece, size_t piece_size);
    float (*score)(const DsSpmModel* model, int32_t id); /* 0 for an id out of range */
    /* unk, bos, eos, pad ids in that order (-1 where the model has none). */
    void (*special_ids)(const DsSpmModel* model, int32_t out_ids[4]);

    /* Trains a model with SentencePieceTrainer from `count` trainer flags given as key/value pairs
     * (the flags of spm_train without the dashes: "input", "vocab_size", "model_type", ...; a
     * repeated flag takes a comma-separated value). Pairs rather than one "--a=b --c=d" string so that
     * paths with spaces survive. "model_prefix" must not be given: the trained model comes back as the
     * serialized ModelProto bytes in *out_model (the caller writes it to disk atomically). */
    int (*train)(const char* const* keys, const char* const* values, size_t count, char** out_model,
                 size_t* out_model_size, char** out_error);
} DsSpmApi;

typedef const DsSpmApi* (*DsSpmApiEntryPoint)(void);

#ifdef __cplusplus
}
#endif

#endif /* DS_SENTENCEPIECE_PLUGIN_API_H */
