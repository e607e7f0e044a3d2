#pragma once
// What img2img, inpaint and outpaint share: generate's options (less --width/--height: the input
// image fixes the size), reading the input, loading the model, progress and --trace, and writing
// the result with the A1111 "parameters" text.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/arg_parser.h"
#include "app/cli/trace_writer.h"
#include "core/checkpoint/stable_diffusion_model.h"
#include "core/image/image.h"
#include "core/pipeline/canvas_pipelines.h"
#include "core/pipeline/txt2img.h"

namespace ds::cli {

// Adds --model, --schedule, --prompt, --negative, --sampler, --karras, --steps, --cfg, --seed,
// --tokenizer, --clip-skip, --vae-tile, --device, --dtype, --out, --trace.
void add_generation_options(ArgParser& parser);

struct ImageCommand {
    GenerationParams params;   // width/height left 0: the pipeline takes them from the image
    bool seed_given = false;
    std::string model_path;    // "builtin" for the built-in model
    bool builtin = true;
    std::string builtin_dir;   // a built-in model folder given with --model; "" = the shipped one
    std::string schedule;      // the built-in text-to-image UNet
    bool schedule_given = false;
    ModelLoadOptions load;
    std::string out;
    std::string trace_dir;     // empty: no trace
};

// Parses and checks everything generate checks before a model loads (UsageError otherwise),
// including that --out can be written.
ImageCommand parse_generation_options(const ArgParser& parser, const std::vector<std::string>& args);

// An integer in [lo, hi] for `what` (UsageError otherwise).
int parse_int_in(const std::string& text, const std::string& what, int lo, int hi);

// --method: auto, unet or blend (UsageError otherwise); the label the parameters text shows.
InpaintMethod parse_inpaint_method(const std::string& name);
std::string inpaint_method_label(bool used_inpainting_unet);

// read_image with the option's name in a failure ("--image: ...").
Image read_input_image(const std::string& path, const std::string& option);

// The model; for inpainting the built-in model's "inpaint" variant when it has one and no
// --schedule was given. Prints the load line and the seed.
StableDiffusionModel load_command_model(const ImageCommand& command, bool inpainting);

// Progress lines per step and, with --trace, the trace writer (finish() after the run).
struct RunProgress {
    std::unique_ptr<TraceWriter> trace;
    GenerationCallbacks callbacks;
};
std::unique_ptr<RunProgress> make_progress(const ImageCommand& command);

// Writes `image` to --out with the parameters text (`extra` appended as further "Key: value"
// pairs) and prints what was written. `seconds`: the run's time.
void write_command_result(const ImageCommand& command, const StableDiffusionModel& model, const Image& image,
                          const std::vector<std::pair<std::string, std::string>>& extra, const RunProgress& progress,
                          double seconds);

}  // namespace ds::cli
