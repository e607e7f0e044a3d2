#include "core/checkpoint/model_source.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ds {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

[[noreturn]] void refuse_pickle(const std::string& path) {
    throw ModelError("'" + path +
                     "' is a pickle checkpoint: loading one can run arbitrary code, so it is refused. Convert it "
                     "to .safetensors (e.g. with the safetensors 'convert' tool or diffusers' conversion scripts) "
                     "and open that file instead");
}

// Pickle protocol 2+ starts with 0x80 <proto>; torch.save's zip format starts with "PK\3\4".
bool looks_like_pickle_or_zip(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<unsigned char, 4> head{};
    in.read(reinterpret_cast<char*>(head.data()), head.size());
    if (in.gcount() < 2) return false;
    if (head[0] == 0x80 && head[1] >= 2 && head[1] <= 5) return true;
    return in.gcount() == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
}

}  // namespace

std::string read_model_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelError("cannot read '" + path + "'");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string layout_name(ModelLayout layout) {
    return layout == ModelLayout::DiffusersFolder ? "diffusers folder" : "single-file checkpoint";
}

ModelSource identify_model(const std::string& path) {
    std::error_code ec;
    const fs::path p(path);
    if (!fs::exists(p, ec)) throw ModelError("model '" + path + "' does not exist");
    if (fs::is_directory(p, ec)) {
        if (fs::exists(p / "model_index.json", ec)) return {ModelLayout::DiffusersFolder, path};
        throw ModelError("folder '" + path + "' is not a diffusers model: it has no model_index.json");
    }
    const std::string ext = lower_extension(p);
    if (ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".bin" || ext == ".pkl") refuse_pickle(path);
    if (looks_like_pickle_or_zip(path)) refuse_pickle(path);
    if (ext == ".safetensors") return {ModelLayout::SingleFile, path};
    throw ModelError("'" + path + "' is not a model this program reads (expected a .safetensors file or a diffusers folder)");
}

}  // namespace ds
