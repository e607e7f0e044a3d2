// Loading SD 1.5's UNet (859.5M parameters) from a safetensors file the way the model loaders do
// (map the file, build the network from the named tensors): the seconds and the peak resident
// memory of the load against the float32 weights, for an F16 file (converted while loading) and an
// F32 one (used in place, zero-copy). Loading must not hold two copies of the weights. The random
// weights are written to a temporary folder first and deleted at the end. Asserts nothing.
//
//   ds-bench-load [--dir DIR]
#include <ATen/ATen.h>
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/io/safetensors.h"
#include "core/model/unet2d_condition.h"
#include "core/model/unet_config.h"
#include "core/model/weight_loading.h"
#include "core/perf/arch_walk.h"
#include "core/perf/process_memory.h"
#include "core/perf/random_weights.h"
#include "core/perf/sd15_config.h"
#include "core/runtime/threads.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using ds::perf::mib;
using ds::perf::proc_status_mib;

void write_random_unet(const std::string& path, const std::vector<ds::perf::WeightShape>& shapes,
                       at::ScalarType dtype) {
    const ds::WeightMap weights = ds::perf::random_weights(shapes);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& [name, t] : weights.tensors()) tensors.emplace_back(name, t.to(dtype));
    ds::write_safetensors(path, tensors);
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::string(argv[i]) == "--dir") dir = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: ds-bench-load [--dir DIR]\n");
            return 2;
        }
    }
    try {
        ds::configure_threads(ds::ThreadRole::Batch, 0);
        const ds::UNetConfig config = ds::perf::sd15_unet_config();
        const ds::perf::ArchWalk walk = ds::perf::walk_unet(config, 1, 64, 64, 77);
        const double f32_mib = mib(4.0 * static_cast<double>(walk.parameters()));
        const fs::path folder = dir.empty() ? fs::temp_directory_path() / ("ds-bench-load-" + std::to_string(getpid()))
                                            : fs::path(dir);
        fs::create_directories(folder);
        const std::vector<std::pair<std::string, at::ScalarType>> files{{"F16", at::kHalf}, {"F32", at::kFloat}};
        for (const auto& [name, dtype] : files) {
            write_random_unet((folder / ("unet-" + name + ".safetensors")).string(), walk.weights, dtype);
        }
        std::printf("SD 1.5 UNet: %lld parameters, %.0f MiB as float32; load average %.2f\n",
                    static_cast<long long>(walk.parameters()), f32_mib, ds::perf::load_average());
        std::printf("%-5s %10s %8s %16s %8s %16s %8s\n", "file", "size MiB", "load s", "peak extra MiB",
                    "x f32", "after load MiB", "x f32");
        for (const auto& [name, dtype] : files) {
            const fs::path path = folder / ("unet-" + name + ".safetensors");
            malloc_trim(0);
            const double before = proc_status_mib("VmRSS");
            ds::perf::reset_peak_rss();
            const auto start = Clock::now();
            std::optional<ds::UNet2DCondition> unet;
            {
                const ds::SafetensorsFile file = ds::SafetensorsFile::open(path.string());
                const ds::WeightMap weights = ds::weights_from_safetensors(file);
                unet = ds::UNet2DCondition::load(config, weights);
            }
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            const double peak = proc_status_mib("VmHWM") - before;
            const double after = proc_status_mib("VmRSS") - before;
            std::printf("%-5s %10.0f %8.2f %16.0f %8.2f %16.0f %8.2f\n", name.c_str(), mib(fs::file_size(path)),
                        seconds, peak, peak / f32_mib, after, after / f32_mib);
            unet.reset();
        }
        std::printf("F32 files are used in place: their pages become resident as the first step reads them, once.\n");
        if (dir.empty()) fs::remove_all(folder);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ds-bench-load: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
