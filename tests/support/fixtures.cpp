#include "tests/support/fixtures.h"

#include <cstdlib>
#include <filesystem>

namespace ds::test {

std::string shared_dir() {
    if (const char* env = std::getenv("DS_SHARED_DIR"); env && *env) return env;
    return DS_SHARED_DIR;
}

std::string sd_tiny_dir() { return shared_dir() + "/fixtures/sd-tiny"; }

std::string sd_tiny_path(const std::string& relative) { return sd_tiny_dir() + "/" + relative; }

bool running_in_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) != "" && std::string(ci) != "0" && std::string(ci) != "false";
}

std::string missing_fixture_message(const std::string& path) {
    if (std::filesystem::exists(path)) return {};
    return "fixture not found: " + path +
           " (the shared fixtures are expected in ../shared beside the checkout; set DS_SHARED_DIR)";
}

}  // namespace ds::test
