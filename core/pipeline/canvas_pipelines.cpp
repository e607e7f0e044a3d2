#include "core/pipeline/canvas_pipelines.h"

#include <ATen/ATen.h>

#include <numeric>
#include <stdexcept>
#include <string>

#include "core/image/image_tensor.h"
#include "core/model/autoencoder_kl.h"
#include "core/pipeline/canvas_image.h"
#include "core/pipeline/img2img.h"
#include "core/pipeline/inpaint.h"
#include "core/pipeline/inpaint_unet.h"
#include "core/pipeline/mask_ops.h"
#include "core/pipeline/only_masked.h"

namespace ds {
namespace {

constexpr int kMinSide = 64;
constexpr int kMaxSide = 4096;
constexpr int kMaxFeather = 256;
constexpr int kMaxPadding = 1024;
constexpr int kMaxOverlap = 512;

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

// Processed sides are multiples of 8 (the pipelines' rule) and of the VAE's factor.
int side_multiple(const StableDiffusionModel& model) {
    return std::lcm(8, static_cast<int>(model.vae->config().downsample_factor()));
}

void check_whole_size(const Image& image, const char* what) {
    if (image.width > kMaxSide || image.height > kMaxSide)
        throw std::invalid_argument(std::string(what) + ": the image is " + size_text(image.width, image.height) +
                                    ", more than " + std::to_string(kMaxSide) +
                                    " px a side cannot be processed whole (inpaint only the masked area)");
}

bool choose_unet(const StableDiffusionModel& model, InpaintMethod method) {
    const bool has = has_inpainting_unet(model);
    switch (method) {
        case InpaintMethod::Auto: return has;
        case InpaintMethod::InpaintingUnet:
            if (!has) throw std::invalid_argument("this model has no inpainting UNet (use latent blending)");
            return true;
        case InpaintMethod::LatentBlend: break;
    }
    if (has)
        throw std::invalid_argument("latent blending needs a text-to-image UNet; this model's UNet is an inpainting one");
    return false;
}

at::Tensor cells_tensor(const LatentMask& cells) {
    at::Tensor t = at::empty({1, 1, cells.rows, cells.cols}, at::kFloat);
    float* dst = t.data_ptr<float>();
    for (size_t i = 0; i < cells.cells.size(); ++i) dst[i] = cells.cells[i] ? 1.0f : 0.0f;
    return t;
}

// `rgb` has sides that are multiples of side_multiple(); returns the generated RGB image of its size.
Image run_inpainting(const StableDiffusionModel& model, const Image& rgb, const LatentMask& cells, bool unet,
                     double strength, const GenerationParams& params, const GenerationCallbacks& callbacks) {
    const at::Tensor image = image_to_tensor(rgb);
    const at::Tensor mask = cells_tensor(cells);
    const GenerationResult result =
        unet ? inpaint_with_unet(model, image, mask, strength, params, callbacks)
             : inpaint_latent_mask(model, image, mask, strength, InpaintMode::Blend, params, callbacks);
    return tensor_to_image(result.image);
}

}  // namespace

void validate_canvas_mask(const Image& image, const Image& mask) {
    if (mask.channels != 1) throw std::invalid_argument("the mask must have one channel (use mask_from_image)");
    if (mask.width != image.width || mask.height != image.height)
        throw std::invalid_argument("the mask is " + size_text(mask.width, mask.height) + " but the image is " +
                                    size_text(image.width, image.height));
    if (mask_is_empty(mask)) throw std::invalid_argument("the mask is empty (no white pixel): nothing to repaint");
}

CanvasResult inpaint_image(const StableDiffusionModel& model, const Image& image, const Image& mask,
                           const GenerationParams& params, const CanvasInpaintOptions& options,
                           const GenerationCallbacks& callbacks) {
    if (image.empty()) throw std::invalid_argument("inpainting: the image is empty");
    validate_canvas_mask(image, mask);
    if (options.feather < 0 || options.feather > kMaxFeather)
        throw std::invalid_argument("the mask feather must be between 0 and " + std::to_string(kMaxFeather) + " px");
    if (options.only_masked_padding < 0 || options.only_masked_padding > kMaxPadding)
        throw std::invalid_argument("the only-masked padding must be between 0 and " + std::to_string(kMaxPadding) +
                                    " px");
    validate_strength(options.strength, params.steps);
    if (!options.only_masked) check_whole_size(image, "inpainting");
    const bool unet = choose_unet(model, options.method);
    const int factor = static_cast<int>(model.vae->config().downsample_factor());
    const int multiple = side_multiple(model);

    CanvasResult result;
    result.used_inpainting_unet = unet;
    result.mask = feather_mask(mask, options.feather);
    const Image rgb = to_rgb(image);
    Image generated;
    if (options.only_masked) {
        const OnlyMaskedPlan plan =
            plan_only_masked(result.mask, options.only_masked_padding, static_cast<int>(model.native_size), multiple);
        LatentGrid grid;
        grid.factor = factor;
        grid.cols = plan.width / factor;
        grid.rows = plan.height / factor;
        grid.scale_x = static_cast<double>(plan.width) / plan.crop.width;
        grid.scale_y = static_cast<double>(plan.height) / plan.crop.height;
        const LatentMask cells = latent_cells(crop_image(result.mask, plan.crop), grid, 1);
        const Image region = resize_image(crop_image(rgb, plan.crop), plan.width, plan.height);
        const Image painted = run_inpainting(model, region, cells, unet, options.strength, params, callbacks);
        generated = rgb;
        paste_image(generated, resize_image(painted, plan.crop.width, plan.crop.height), plan.crop.x, plan.crop.y);
        result.processed_width = plan.width;
        result.processed_height = plan.height;
    } else {
        const int w = round_up_to(image.width, multiple, kMinSide), h = round_up_to(image.height, multiple, kMinSide);
        LatentGrid grid;
        grid.factor = factor;
        grid.cols = w / factor;
        grid.rows = h / factor;
        const LatentMask cells = latent_cells(result.mask, grid, 1);
        const Image padded = pad_edge(rgb, 0, 0, w - image.width, h - image.height);
        const Image painted = run_inpainting(model, padded, cells, unet, options.strength, params, callbacks);
        generated = crop_image(painted, {0, 0, image.width, image.height});
        result.processed_width = w;
        result.processed_height = h;
    }
    result.image = composite_masked(image, generated, result.mask);
    return result;
}

Image img2img_image(const StableDiffusionModel& model, const Image& image, double strength,
                    const GenerationParams& params, const GenerationCallbacks& callbacks) {
    if (image.empty()) throw std::invalid_argument("img2img: the image is empty");
    check_whole_size(image, "img2img");
    const int multiple = side_multiple(model);
    const int w = round_up_to(image.width, multiple, kMinSide), h = round_up_to(image.height, multiple, kMinSide);
    const Image padded = pad_edge(to_rgb(image), 0, 0, w - image.width, h - image.height);
    const GenerationResult result = img2img(model, image_to_tensor(padded), strength, params, callbacks);
    return crop_image(tensor_to_image(result.image), {0, 0, image.width, image.height});
}

CanvasResult outpaint_image(const StableDiffusionModel& model, const Image& image, const OutpaintOptions& options,
                            const GenerationParams& params, const GenerationCallbacks& callbacks) {
    if (image.empty()) throw std::invalid_argument("outpainting: the image is empty");
    validate_extension(options.extension, image.width, image.height);
    if (options.overlap < 0 || options.overlap > kMaxOverlap)
        throw std::invalid_argument("the outpainting overlap must be between 0 and " + std::to_string(kMaxOverlap) +
                                    " px");
    const OutpaintCanvas canvas =
        make_outpaint_canvas(image, options.extension, options.fill, options.overlap, params.seed);
    CanvasInpaintOptions inpaint;
    inpaint.feather = 0;  // the canvas's mask is already feathered
    inpaint.strength = options.strength;
    inpaint.method = options.method;
    return inpaint_image(model, canvas.image, canvas.mask, params, inpaint, callbacks);
}

}  // namespace ds
