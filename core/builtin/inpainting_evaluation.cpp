#include "core/builtin/inpainting_evaluation.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "core/checkpoint/stable_diffusion_model.h"
#include "core/pipeline/inpaint.h"
#include "core/pipeline/inpaint_unet.h"
#include "core/pipeline/txt2img.h"

namespace ds {

at::Tensor centre_hole_latent_mask(int64_t latent_size) {
    if (latent_size < 2) throw std::invalid_argument("the hole needs a latent grid of at least 2 cells a side");
    const int64_t side = std::max<int64_t>(1, static_cast<int64_t>(std::lround(3.0 * static_cast<double>(latent_size) / 8.0)));
    const int64_t start = (latent_size - side) / 2;
    at::Tensor m = at::zeros({1, 1, latent_size, latent_size});
    m.narrow(2, start, side).narrow(3, start, side).fill_(1.0);
    return m;
}

double mean_error_inside(const at::Tensor& a, const at::Tensor& b, const at::Tensor& pixel_mask) {
    if (a.sizes() != b.sizes() || a.dim() != 4 || a.size(1) != 3)
        throw std::invalid_argument("mean_error_inside: the images must both be [N, 3, H, W]");
    if (pixel_mask.dim() != 4 || pixel_mask.size(0) != 1 || pixel_mask.size(1) != 1 || pixel_mask.size(2) != a.size(2) ||
        pixel_mask.size(3) != a.size(3))
        throw std::invalid_argument("mean_error_inside: the mask must be [1, 1, H, W] of the images");
    const double inside = pixel_mask.sum().item<double>();
    if (inside <= 0) throw std::invalid_argument("mean_error_inside: the mask is empty");
    const at::Tensor m = pixel_mask.to(at::kFloat);
    const double total = ((a.to(at::kFloat) - b.to(at::kFloat)).abs() * m).sum().item<double>();
    return 255.0 * total / (inside * 3.0 * static_cast<double>(a.size(0)));
}

at::Tensor fill_with_surrounding_mean(const at::Tensor& pictures, const at::Tensor& pixel_mask, int64_t ring) {
    if (pictures.dim() != 4 || pictures.size(1) != 3 || pixel_mask.dim() != 4 || pixel_mask.size(2) != pictures.size(2) ||
        pixel_mask.size(3) != pictures.size(3))
        throw std::invalid_argument("fill_with_surrounding_mean: pictures [N, 3, H, W] and a [1, 1, H, W] mask");
    if (ring < 1) throw std::invalid_argument("fill_with_surrounding_mean: the ring must be at least 1 pixel");
    const at::Tensor m = pixel_mask.to(at::kFloat);
    // Pixels within `ring` of the mask (a max-pool grows it by a square), less the mask itself.
    const at::Tensor grown = at::max_pool2d(m, {2 * ring + 1, 2 * ring + 1}, {1, 1}, {ring, ring});
    const at::Tensor band = grown - m;
    const double count = band.sum().item<double>();
    if (count <= 0) throw std::invalid_argument("fill_with_surrounding_mean: nothing around the mask");
    const at::Tensor p = pictures.to(at::kFloat);
    const at::Tensor mean = (p * band).sum({2, 3}, /*keepdim=*/true) / count;  // [N, 3, 1, 1]
    return at::where(m > 0.5f, mean.expand_as(p), p);
}

at::Tensor repaint_holes(const StableDiffusionModel& model, const at::Tensor& pictures,
                         const std::vector<std::string>& captions, const std::vector<uint64_t>& seeds,
                         const at::Tensor& latent_mask, const GenerationParams& params) {
    const int64_t n = pictures.dim() == 4 ? pictures.size(0) : 0;
    if (n == 0 || pictures.size(1) != 3 || static_cast<int64_t>(captions.size()) != n ||
        static_cast<int64_t>(seeds.size()) != n)
        throw std::invalid_argument("repaint_holes: N pictures [N, 3, S, S] with N captions and N seeds");
    if (latent_mask.dim() != 4 || latent_mask.size(2) < 1 || pictures.size(2) % latent_mask.size(2) != 0)
        throw std::invalid_argument("repaint_holes: the latent mask must be [1, 1, h, w] with S a multiple of h");
    const int64_t factor = pictures.size(2) / latent_mask.size(2);
    const at::Tensor pixel_mask = latent_mask_to_pixels(latent_mask, factor);
    const bool unet = has_inpainting_unet(model);
    std::vector<at::Tensor> out;
    for (int64_t i = 0; i < n; ++i) {
        GenerationParams p = params;
        p.prompt = captions[static_cast<size_t>(i)];
        p.seed = seeds[static_cast<size_t>(i)];
        p.height = static_cast<int>(pictures.size(2));
        p.width = static_cast<int>(pictures.size(3));
        const at::Tensor picture = pictures.narrow(0, i, 1).to(at::kFloat);
        const at::Tensor image = picture * 2.0 - 1.0;
        const GenerationResult r = unet ? inpaint_with_unet(model, image, latent_mask, 1.0, p)
                                        : inpaint_latent_mask(model, image, latent_mask, 1.0, InpaintMode::Blend, p);
        const at::Tensor drawn = ((r.image.to(at::kCPU, at::kFloat) + 1.0) / 2.0).clamp(0, 1);
        out.push_back(at::where(pixel_mask > 0.5f, drawn, picture));
    }
    return at::cat(out);
}

}  // namespace ds
