#include "app/cli/trace_writer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "app/cli/cli_output.h"
#include "core/image/image_tensor.h"
#include "core/io/image_io.h"

namespace ds::cli {
namespace {

// Nearest-neighbour upscale by the smallest integer factor that makes the shorter side at least
// `min_side` (a 16x16 latent preview becomes 128x128): the latent pixels stay visible as blocks.
Image upscale_nearest(const Image& in, int min_side) {
    const int shorter = std::max(1, std::min(in.width, in.height));
    const int f = std::max(1, (min_side + shorter - 1) / shorter);
    if (f == 1) return in;
    Image out(in.width * f, in.height * f, in.channels);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            for (int c = 0; c < in.channels; ++c) out.at(x, y, c) = in.at(x / f, y / f, c);
    return out;
}

std::string numbered(const std::string& dir, const char* prefix, int step) {
    char name[32];
    std::snprintf(name, sizeof name, "%s_%03d.png", prefix, step);
    return (std::filesystem::path(dir) / name).string();
}

double std_of(const at::Tensor& t) { return t.defined() ? t.to(at::kDouble).std().item<double>() : 0.0; }
double norm_of(const at::Tensor& t) { return t.defined() ? t.to(at::kDouble).norm().item<double>() : 0.0; }

}  // namespace

TraceWriter::TraceWriter(std::string dir) : dir_(std::move(dir)), csv_(std::string(kCsvHeader) + "\n") {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_))
        throw std::runtime_error("--trace: cannot create folder '" + dir_ +
                                 "': " + (ec ? ec.message() : std::string("a file is in the way")));
}

void TraceWriter::record(const GenerationStep& step) {
    const int k = step.event.index + 1;
    write_image(numbered(dir_, "xt", k), upscale_nearest(tensor_to_image(step.preview_xt), kMinPreviewSide));
    write_image(numbered(dir_, "x0", k), upscale_nearest(tensor_to_image(step.preview_x0), kMinPreviewSide));
    char row[256];
    std::snprintf(row, sizeof row, "%d,%.9g,%.9g,%.6g,%.6g,%.6g,%.3f\n", k, step.event.timestep,
                  step.event.sigma, std_of(step.event.xt), norm_of(step.event.eps_pred),
                  std_of(step.event.x0_pred), step.event.ms);
    csv_ += row;
    ++steps_;
}

void TraceWriter::finish() { write_text_file((std::filesystem::path(dir_) / "trace.csv").string(), csv_); }

}  // namespace ds::cli
