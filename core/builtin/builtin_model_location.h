#pragma once
// Where the shipped built-in model lives: $DS_BUILTIN_MODEL_DIR, else models/builtin under the
// resource roots (DS_RESOURCE_DIR, <exe folder>/resources, <exe folder>/../share/diffusion-studio/
// resources, and the source tree's resources/ for builds that are run in place).
#include <string>
#include <vector>

namespace ds {

std::vector<std::string> builtin_model_search_dirs();
// The first search folder holding a model.json; throws std::runtime_error listing the folders tried.
std::string find_builtin_model_dir();

}  // namespace ds
