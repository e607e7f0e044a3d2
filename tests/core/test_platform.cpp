// Asserts the platform fixes that DEVELOPERS.md lists: an optimised BLAS is what libtorch's
// matmuls load, and ds::configure_threads sets the intra-op pool. To add a case: add the trap to
// DEVELOPERS.md's table and a TEST here that fails when its fix regresses.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <fstream>
#include <string>

#include "core/runtime/threads.h"

namespace {

std::string loaded_libraries() {
    std::ifstream maps("/proc/self/maps");
    return std::string((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
}

TEST(Platform, OpenBlasIsLoaded) {
    // Debian's libtorch calls whatever libblas.so.3 is active; the reference BLAS is ~35x slower.
    const at::Tensor a = at::randn({128, 128});
    (void)at::mm(a, a).sum().item<float>();
    const std::string maps = loaded_libraries();
    EXPECT_NE(maps.find("openblas"), std::string::npos)
        << "libblas.so.3 is not OpenBLAS: install libopenblas0-openmp (packaging/setup-debian.sh)";
}

TEST(Platform, ThreadsConfigured) {
    const int before = at::get_num_threads();
    EXPECT_EQ(ds::configure_threads(ds::ThreadRole::Batch), ds::hardware_cores());
    EXPECT_EQ(at::get_num_threads(), ds::hardware_cores());
    EXPECT_EQ(ds::configure_threads(ds::ThreadRole::Batch, 1), 1);
    EXPECT_EQ(at::get_num_threads(), 1);
    at::set_num_threads(before);
}

}  // namespace
