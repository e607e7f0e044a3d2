#pragma once
// Recognising what the user pointed at: a diffusers folder, a single-file safetensors checkpoint,
// or something refused (pickles: unpickling runs arbitrary code).
#include <stdexcept>
#include <string>

namespace ds {

struct ModelError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class ModelLayout { DiffusersFolder, SingleFile };

struct ModelSource {
    ModelLayout layout;
    std::string path;  // the folder, or the .safetensors file
};

// Throws ModelError with one line naming the problem: missing path, a pickle checkpoint (.ckpt,
// .pt, .pth, .bin, or any file that starts like a pickle or a zip archive), a folder without
// model_index.json, an unknown file type.
ModelSource identify_model(const std::string& path);

std::string layout_name(ModelLayout layout);

// The whole of a model's text file (a config); throws ModelError naming it when it cannot be read.
std::string read_model_text(const std::string& path);

}  // namespace ds
