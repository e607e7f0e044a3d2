// `outpaint`: extends an image past its borders. The new area gets an initial fill and is inpainted
// with a feathered band overlapping the original; the original outside that band is kept exactly.
#include <chrono>
#include <stdexcept>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/image_command.h"
#include "core/pipeline/canvas_pipelines.h"
#include "core/pipeline/generation_metadata.h"
#include "core/pipeline/img2img.h"
#include "core/pipeline/outpaint_canvas.h"

namespace ds::cli {

ArgParser outpaint_parser() {
    ArgParser p("outpaint --image IN --extend LEFT,TOP,RIGHT,BOTTOM --prompt TEXT --out FILE [options]",
                "Extends IN by the given pixels on each side (0 leaves a side alone) and paints the new area,\n"
                "blending a band of --overlap pixels across the seam. The original outside that band is kept\n"
                "exactly (--overlap 0 keeps all of it).");
    p.option("image", "IN", "the input image")
        .option("extend", "L,T,R,B", "pixels to add on the left, top, right and bottom, each 0..2048 (canvas at most 4096)")
        .option("fill", "KIND", "the new area's starting colours: stretch (edge pixels), blur or noise", "blur")
        .option("overlap", "PX", "pixels of the original blended across the seam, 0..512", "8")
        .option("strength", "S", "how much to change the new area, in (0, 1] (1: from pure noise)", "1")
        .option("method", "M", "auto (the inpainting UNet when there is one), unet or blend", "auto");
    add_generation_options(p);
    return p;
}

int run_outpaint(const std::vector<std::string>& args) {
    ArgParser p = outpaint_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    ImageCommand c = parse_generation_options(p, args);
    OutpaintOptions o;
    const std::vector<int> sides = parse_int_list(p.value("extend"), "--extend");
    if (sides.size() != 4) throw UsageError("--extend needs four numbers LEFT,TOP,RIGHT,BOTTOM, got '" + p.value("extend") + "'");
    o.extension = {sides[0], sides[1], sides[2], sides[3]};
    try {
        o.fill = parse_outpaint_fill(p.value("fill"));
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--fill: ") + e.what());
    }
    o.overlap = parse_int_in(p.value("overlap"), "--overlap", 0, 512);
    o.strength = parse_number(p.value("strength"), "--strength");
    try {
        validate_strength(o.strength, c.params.steps);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--strength: ") + e.what());
    }
    o.method = parse_inpaint_method(p.value("method"));
    const Image image = read_input_image(p.value("image"), "--image");
    try {
        validate_extension(o.extension, image.width, image.height);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--extend: ") + e.what());
    }
    // Latent blending needs a text-to-image UNet: only the other methods take the inpainting one.
    const StableDiffusionModel model = load_command_model(c, o.method != InpaintMethod::LatentBlend);
    auto progress = make_progress(c);
    const auto start = std::chrono::steady_clock::now();
    const CanvasResult result = outpaint_image(model, image, o, c.params, progress->callbacks);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string extend = std::to_string(sides[0]) + "," + std::to_string(sides[1]) + "," +
                               std::to_string(sides[2]) + "," + std::to_string(sides[3]);
    write_command_result(c, model, result.image,
                         {{"Denoising strength", format_number(o.strength)},
                          {"Outpaint extend", extend},
                          {"Outpaint fill", outpaint_fill_name(o.fill)},
                          {"Outpaint overlap", std::to_string(o.overlap)},
                          {"Inpaint method", inpaint_method_label(result.used_inpainting_unet)}},
                         *progress, seconds);
    return 0;
}

}  // namespace ds::cli
