#include "core/builtin/builtin_model_location.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace ds {

std::vector<std::string> builtin_model_search_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("DS_BUILTIN_MODEL_DIR"); env && *env) dirs.emplace_back(env);
    const fs::path relative = fs::path("models") / "builtin";
    if (const char* env = std::getenv("DS_RESOURCE_DIR"); env && *env) dirs.push_back((fs::path(env) / relative).string());
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back((exe.parent_path() / "resources" / relative).string());
        dirs.push_back((exe.parent_path().parent_path() / "share" / "diffusion-studio" / "resources" / relative).string());
    }
#ifdef DS_SOURCE_RESOURCE_DIR
    dirs.push_back((fs::path(DS_SOURCE_RESOURCE_DIR) / relative).string());
#endif
    return dirs;
}

std::string find_builtin_model_dir() {
    std::string tried;
    for (const std::string& dir : builtin_model_search_dirs()) {
        std::error_code ec;
        if (fs::is_regular_file(fs::path(dir) / "model.json", ec)) return dir;
        tried += (tried.empty() ? "" : ", ") + dir;
    }
    throw std::runtime_error("the built-in model was not found (looked in " + tried +
                             "); set DS_BUILTIN_MODEL_DIR or give --model");
}

}  // namespace ds
