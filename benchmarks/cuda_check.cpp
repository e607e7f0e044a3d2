// The same generation on the CPU (fp32) and on CUDA in fp32, fp16 and bf16: for each, the normalised
// error of the final latents and image against the CPU run, ||a - b|| / ||a||, the largest pixel
// difference, and the seconds per image. This is the check a CUDA build of libtorch gets on a GPU
// machine (packaging/gpu-check.sh); it asserts nothing and prints a table.
//
//   ds-check-cuda [--model PATH] [--tokenizer DIR] [--steps 10] [--size 0] [--runs 3]
// No --model: the built-in model (fp32 only on every device).
#include <ATen/ATen.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/builtin/builtin_model.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/pipeline/txt2img.h"
#include "core/runtime/device.h"
#include "core/runtime/threads.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Run {
    ds::GenerationResult result;
    double seconds = 0;  // median over the timed runs
};

Run generate(const ds::StableDiffusionModel& model, const ds::GenerationParams& params, int runs) {
    Run out;
    std::vector<double> times;
    for (int r = 0; r < runs + 1; ++r) {  // run 0 warms up the kernels and the allocator
        const auto start = Clock::now();
        ds::GenerationResult g = ds::txt2img(model, params);
        g.image = g.image.cpu();  // waits for the device
        g.latents = g.latents.cpu();
        if (r > 0) times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        out.result = g;
    }
    std::sort(times.begin(), times.end());
    out.seconds = times.empty() ? 0 : times[times.size() / 2];
    return out;
}

double relative_error(const at::Tensor& reference, const at::Tensor& other) {
    const at::Tensor a = reference.to(at::kDouble), b = other.to(at::kDouble);
    return (a - b).norm().item<double>() / std::max(a.norm().item<double>(), 1e-30);
}

}  // namespace

int main(int argc, char** argv) {
    std::string model_path, tokenizer;
    int steps = 10, size = 0, runs = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--model") model_path = v;
        else if (a == "--tokenizer") tokenizer = v;
        else if (a == "--steps") steps = std::atoi(v.c_str());
        else if (a == "--size") size = std::atoi(v.c_str());
        else if (a == "--runs") runs = std::atoi(v.c_str());
        else {
            std::fprintf(stderr, "ds-check-cuda: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    try {
        ds::configure_threads(ds::ThreadRole::Batch, 0);
        std::printf("libtorch %s, CUDA %s\n", TORCH_VERSION, at::globalContext().hasCUDA() ? "available" : "absent");
        auto load = [&](const std::string& device, const std::string& dtype) {
            if (model_path.empty()) {
                ds::BuiltinModelOptions o;
                o.device = device;
                return ds::load_builtin_model(o);
            }
            ds::ModelLoadOptions o;
            o.tokenizer_dir = tokenizer;
            o.device = device;
            o.dtype = dtype;
            return ds::load_stable_diffusion(model_path, o);
        };
        const ds::StableDiffusionModel cpu = load("cpu", "fp32");
        ds::GenerationParams params;
        params.prompt = "a red apple on a wooden table, studio light";
        params.negative_prompt = "blurry";
        params.sampler = "ddim";
        params.steps = steps;
        params.cfg_scale = 7.5;
        params.seed = 42;
        params.width = params.height = size > 0 ? size : static_cast<int>(cpu.native_size);
        const Run reference = generate(cpu, params, runs);
        std::printf("%s, %dx%d, %d DDIM steps, CFG %.1f\n", cpu.name.c_str(), params.width, params.height, steps,
                    params.cfg_scale);
        std::printf("%-10s %-6s %14s %14s %12s %10s\n", "device", "dtype", "latents err", "image err", "max |dpx|",
                    "s/image");
        std::printf("%-10s %-6s %14s %14s %12s %10.3f\n", "cpu", "fp32", "-", "-", "-", reference.seconds);
        if (!at::globalContext().hasCUDA()) return 0;
        std::vector<std::string> dtypes{"fp32"};
        if (!model_path.empty()) dtypes = {"fp32", "fp16", "bf16"};
        for (const std::string& dtype : dtypes) {
            try {
                const ds::StableDiffusionModel gpu = load("cuda", dtype);
                const Run r = generate(gpu, params, runs);
                const double pixel = (reference.result.image - r.result.image).abs().max().item<double>() * 0.5 * 255;
                std::printf("%-10s %-6s %14.3e %14.3e %12.2f %10.3f\n", "cuda", dtype.c_str(),
                            relative_error(reference.result.latents, r.result.latents),
                            relative_error(reference.result.image, r.result.image), pixel, r.seconds);
            } catch (const std::exception& e) {
                std::printf("%-10s %-6s failed: %s\n", "cuda", dtype.c_str(), e.what());
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ds-check-cuda: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
