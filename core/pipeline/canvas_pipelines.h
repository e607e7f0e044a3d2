#pragma once
// The canvas's pipelines on plain images of any size (the studio's canvas and the CLI's img2img,
// inpaint and outpaint): sides that are not multiples of 8 are padded internally and cropped back,
// and the final composite copies every pixel the (feathered) mask does not cover from the input,
// bit for bit, so the VAE round trip never alters what the user did not mask.
#include <string>

#include "core/image/image.h"
#include "core/pipeline/outpaint_canvas.h"
#include "core/pipeline/txt2img.h"

namespace ds {

enum class InpaintMethod {
    Auto,            // the inpainting UNet when the model has one, else latent blending
    InpaintingUnet,  // 9-channel UNet conditioning (inpaint_unet.h)
    LatentBlend,     // any UNet: the known latents replaced after every step (inpaint.h, Blend)
};

struct CanvasInpaintOptions {
    int feather = 0;               // px: feather_mask radius applied to the mask first
    double strength = 1.0;         // 1: the masked area starts from pure noise
    bool only_masked = false;      // process the mask's bounding box at the model's resolution
    int only_masked_padding = 32;  // px of context around the mask's bounding box
    InpaintMethod method = InpaintMethod::Auto;
};

struct CanvasResult {
    Image image;           // the input's size and channels (grey becomes RGB)
    Image mask;            // the feathered weights the composite used
    bool used_inpainting_unet = false;
    int processed_width = 0;   // the size the model ran at
    int processed_height = 0;
};

// Throws std::invalid_argument when the mask is not one channel of the image's size or covers no
// pixel ("nothing to repaint").
void validate_canvas_mask(const Image& image, const Image& mask);

// `mask`: one channel, 1 = repaint (mask_from_image makes one). params.width/height are ignored.
// Throws std::invalid_argument for a bad mask, option or parameter, or an image too large to
// process whole (over 4096 px a side: use only_masked).
CanvasResult inpaint_image(const StableDiffusionModel& model, const Image& image, const Image& mask,
                           const GenerationParams& params, const CanvasInpaintOptions& options = {},
                           const GenerationCallbacks& callbacks = {});

// img2img on an image of any size up to 4096 px a side (edge-padded to multiples of 8, at least
// 64, and cropped back). Returns RGB of the input's size.
Image img2img_image(const StableDiffusionModel& model, const Image& image, double strength,
                    const GenerationParams& params, const GenerationCallbacks& callbacks = {});

struct OutpaintOptions {
    CanvasExtension extension;
    OutpaintFill fill = OutpaintFill::Blur;
    int overlap = 8;        // px of the original blended across the seam (0: the original is untouched)
    double strength = 1.0;
    InpaintMethod method = InpaintMethod::Auto;
};

// Inpainting of make_outpaint_canvas's canvas with its mask (params.seed also seeds the noise fill).
// The result is the canvas's size; the original's pixels outside the overlap band are exact.
CanvasResult outpaint_image(const StableDiffusionModel& model, const Image& image, const OutpaintOptions& options,
                            const GenerationParams& params, const GenerationCallbacks& callbacks = {});

}  // namespace ds
