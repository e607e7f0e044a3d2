#pragma once
// `generate --trace DIR`: what every denoising step looked like. Per model call k (1-based) it writes
// DIR/xt_NNN.png and DIR/x0_NNN.png, the cheap latent->RGB previews of the current latent and of the
// x0 prediction (nearest-upscaled to at least kMinPreviewSide px), and finish() writes DIR/trace.csv:
//     step,t,sigma,latent_std,eps_norm,x0_std,ms
// latent_std / x0_std: standard deviations of x_t and the x0 prediction; eps_norm: the L2 norm of the
// guided noise estimate; ms: wall time of the step.
#include <string>

#include "core/pipeline/txt2img.h"

namespace ds::cli {

class TraceWriter {
public:
    static constexpr int kMinPreviewSide = 128;
    static constexpr const char* kCsvHeader = "step,t,sigma,latent_std,eps_norm,x0_std,ms";

    // Creates DIR (and its parents) or throws std::runtime_error naming it.
    explicit TraceWriter(std::string dir);

    void record(const GenerationStep& step);  // writes the two previews, keeps the CSV row
    void finish();                            // writes trace.csv atomically
    int steps() const { return steps_; }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
    std::string csv_;
    int steps_ = 0;
};

}  // namespace ds::cli
