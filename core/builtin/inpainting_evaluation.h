#pragma once
// The inpainting part of the built-in model's evaluation (`eval`, builtin_evaluation.h): a hole in
// the middle of held-out pictures is repainted from each picture's caption, and the error inside
// the hole against the original art says how well a method continues what it sees around it.
// Three methods are compared: the inpainting UNet (9 input channels), a text-to-image UNet with
// latent blending (inpaint.h), and, as the floor any model must beat, the hole filled with the mean
// colour around it. The inpainting UNet's denoising loss in and around the hole, seeing the picture
// or not, says whether it uses what it sees at all.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/builtin/builtin_evaluation.h"

namespace ds {

struct StableDiffusionModel;
struct GenerationParams;

// The hole on the latent grid, [1, 1, L, L], 1 = repaint: the centre square, round(3L/8) cells a side
// (6 of 16: 24 x 24 pixels of a 64-pixel picture; latent_mask_to_pixels in inpaint.h puts it on the
// pixel grid). Throws std::invalid_argument for L < 2.
at::Tensor centre_hole_latent_mask(int64_t latent_size);

// Mean absolute difference of a and b [N, 3, H, W] in [0, 1] over the pixels where pixel_mask
// [1, 1, H, W] is 1 and every channel, in units of 1/255. Throws std::invalid_argument for shapes
// that differ or an empty mask.
double mean_error_inside(const at::Tensor& a, const at::Tensor& b, const at::Tensor& pixel_mask);

// The pictures [N, 3, H, W] with the masked pixels set to the mean colour of each picture's pixels
// within `ring` pixels outside the mask (square distance). Throws std::invalid_argument for a bad
// shape, ring < 1, or a mask with no such pixels.
at::Tensor fill_with_surrounding_mean(const at::Tensor& pictures, const at::Tensor& pixel_mask, int64_t ring);

// Each picture [N, 3, S, S] in [0, 1] with the hole repainted from captions[i] with seeds[i] (from
// pure noise, strength 1): by the model's inpainting UNet when it has one, otherwise by latent
// blending. `params` gives the sampler, steps and CFG; prompt, seed and size are set per picture.
// Outside the hole the result is the picture itself, bit for bit. Throws std::invalid_argument for
// sizes that do not match.
at::Tensor repaint_holes(const StableDiffusionModel& model, const at::Tensor& pictures,
                         const std::vector<std::string>& captions, const std::vector<uint64_t>& seeds,
                         const at::Tensor& latent_mask, const GenerationParams& params);

// The inpainting UNet's held-out epsilon MSE per band (InpaintingBandLoss, builtin_evaluation.h)
// for pictures [N, 3, S, S] in [0, 1] with their captions, the hole `latent_mask` [1, 1, S/f, S/f]
// and, per band, the same t and eps as denoising_loss_by_band (from `seed` and the band's index).
// Throws std::invalid_argument for a model without an inpainting UNet, sizes that do not match, or
// a mask with no cell inside or none outside.
std::vector<InpaintingBandLoss> inpainting_loss_by_band(const StableDiffusionModel& model, const at::Tensor& pictures,
                                                        const std::vector<std::string>& captions,
                                                        const at::Tensor& latent_mask,
                                                        const std::vector<TimestepBand>& bands, uint64_t seed,
                                                        int64_t batch = 32);

}  // namespace ds
