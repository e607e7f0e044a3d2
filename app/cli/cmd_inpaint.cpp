// `inpaint`: repaints the white part of a mask. Uses the model's inpainting UNet when it has one,
// else latent blending; every pixel the (feathered) mask does not cover is the input's, exactly.
#include <chrono>
#include <stdexcept>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/image_command.h"
#include "core/pipeline/canvas_pipelines.h"
#include "core/pipeline/generation_metadata.h"
#include "core/pipeline/img2img.h"
#include "core/pipeline/mask_ops.h"

namespace ds::cli {

ArgParser inpaint_parser() {
    ArgParser p("inpaint --image IN --mask MASK --prompt TEXT --out FILE [options]",
                "Repaints the white part of MASK (same size as IN; grey levels are partial, transparent is\n"
                "kept). With a model that has an inpainting UNet (SD inpainting checkpoints, the built-in\n"
                "model's inpaint variant) that UNet is used, otherwise latent blending. Every pixel outside\n"
                "the feathered mask is written exactly as it is in IN.");
    p.option("image", "IN", "the input image")
        .option("mask", "MASK", "the mask image, IN's size: white = repaint, black = keep")
        .option("strength", "S", "how much to change the masked area, in (0, 1] (1: from pure noise)", "1")
        .option("feather", "PX", "soften the mask's edge outwards over PX pixels, 0..256", "4")
        .flag("only-masked", "process only the mask's bounding box (plus --padding) at the model's resolution")
        .option("padding", "PX", "context around the mask with --only-masked, 0..1024", "32")
        .option("method", "M", "auto (the inpainting UNet when there is one), unet or blend", "auto");
    add_generation_options(p);
    return p;
}

int run_inpaint(const std::vector<std::string>& args) {
    ArgParser p = inpaint_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    ImageCommand c = parse_generation_options(p, args);
    CanvasInpaintOptions o;
    o.strength = parse_number(p.value("strength"), "--strength");
    try {
        validate_strength(o.strength, c.params.steps);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--strength: ") + e.what());
    }
    o.feather = parse_int_in(p.value("feather"), "--feather", 0, 256);
    o.only_masked = p.flag_set("only-masked");
    o.only_masked_padding = parse_int_in(p.value("padding"), "--padding", 0, 1024);
    o.method = parse_inpaint_method(p.value("method"));
    const Image image = read_input_image(p.value("image"), "--image");
    const Image mask = mask_from_image(read_input_image(p.value("mask"), "--mask"));
    try {
        validate_canvas_mask(image, mask);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--mask: ") + e.what());
    }
    if (!o.only_masked && (image.width > 4096 || image.height > 4096))
        throw UsageError("--image: " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                         " is larger than 4096 px a side (use --only-masked)");
    // Latent blending needs a text-to-image UNet: only the other methods take the inpainting one.
    const StableDiffusionModel model = load_command_model(c, o.method != InpaintMethod::LatentBlend);
    auto progress = make_progress(c);
    const auto start = std::chrono::steady_clock::now();
    const CanvasResult result = inpaint_image(model, image, mask, c.params, o, progress->callbacks);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<std::pair<std::string, std::string>> extra{{"Denoising strength", format_number(o.strength)},
                                                           {"Mask blur", std::to_string(o.feather)}};
    if (o.only_masked) {
        extra.emplace_back("Inpaint area", "Only masked");
        extra.emplace_back("Masked area padding", std::to_string(o.only_masked_padding));
    }
    extra.emplace_back("Inpaint method", inpaint_method_label(result.used_inpainting_unet));
    write_command_result(c, model, result.image, extra, *progress, seconds);
    return 0;
}

}  // namespace ds::cli
