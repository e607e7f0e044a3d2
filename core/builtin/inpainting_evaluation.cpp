#include "core/builtin/inpainting_evaluation.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "core/checkpoint/stable_diffusion_model.h"
#include "core/diffusion/forward_process.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/unet2d_condition.h"
#include "core/pipeline/inpaint.h"
#include "core/pipeline/inpaint_unet.h"
#include "core/pipeline/txt2img.h"
#include "core/schedule/noise_schedule.h"

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

std::vector<InpaintingBandLoss> inpainting_loss_by_band(const StableDiffusionModel& model, const at::Tensor& pictures,
                                                        const std::vector<std::string>& captions,
                                                        const at::Tensor& latent_mask,
                                                        const std::vector<TimestepBand>& bands, uint64_t seed,
                                                        int64_t batch) {
    if (!has_inpainting_unet(model)) throw std::invalid_argument("inpainting loss: the model has no inpainting UNet");
    const int64_t n = pictures.dim() == 4 ? pictures.size(0) : 0;
    if (n == 0 || pictures.size(1) != 3 || static_cast<int64_t>(captions.size()) != n)
        throw std::invalid_argument("inpainting loss: N pictures [N, 3, S, S] with N captions");
    const int64_t factor = model.vae->config().downsample_factor();
    const int64_t h = pictures.size(2) / factor, w = pictures.size(3) / factor;
    if (latent_mask.dim() != 4 || latent_mask.size(0) != 1 || latent_mask.size(1) != 1 || latent_mask.size(2) != h ||
        latent_mask.size(3) != w || pictures.size(2) % factor != 0 || pictures.size(3) % factor != 0)
        throw std::invalid_argument("inpainting loss: the latent mask must be [1, 1, " + std::to_string(h) + ", " +
                                    std::to_string(w) + "] for these pictures");
    if (batch < 1) throw std::invalid_argument("inpainting loss: batch must be at least 1");
    at::NoGradGuard no_grad;
    const at::Tensor m = (latent_mask.to(at::kFloat) > 0.5f).to(at::kFloat);
    const double hole_cells = m.sum().item<double>(), around_cells = static_cast<double>(h * w) - hole_cells;
    if (hole_cells <= 0 || around_cells <= 0)
        throw std::invalid_argument("inpainting loss: the mask must have cells both inside and outside the hole");

    const at::Tensor images = pictures.to(at::kFloat) * 2.0 - 1.0;
    const at::Tensor x0_all = encode_latents(model, images, batch);
    // The conditioning as inpaint_with_unet builds it, and as training's whole-picture masks do.
    const at::Tensor masked = encode_latents(model, images * (1 - latent_mask_to_pixels(m, factor)), batch);
    const at::Tensor seen = at::cat({m.expand({n, 1, h, w}), masked}, 1);
    const at::Tensor blank = encode_latents(model, at::zeros_like(images.narrow(0, 0, 1)), 1);
    const at::Tensor unseen = at::cat({at::ones({n, 1, h, w}), blank.expand({n, -1, -1, -1})}, 1);
    const at::Tensor context = caption_contexts(model, captions, batch);
    const NoiseSchedule schedule(model.sampler.schedule);

    std::vector<InpaintingBandLoss> out;
    for (size_t k = 0; k < bands.size(); ++k) {
        const TimestepBand& band = bands[k];
        const BandDraw draw = draw_band(schedule, band, k, n, seed, x0_all.sizes());
        const at::Tensor& t_all = draw.t;
        const at::Tensor& noise_all = draw.noise;
        double sums[4] = {0, 0, 0, 0};  // hole, around, hole unseen, around unseen
        for (int64_t s = 0; s < n; s += batch) {
            const int64_t b = std::min(batch, n - s);
            const at::Tensor eps = noise_all.narrow(0, s, b), t = t_all.narrow(0, s, b);
            const at::Tensor xt = q_sample(schedule, x0_all.narrow(0, s, b), t, eps).to(model.device);
            const at::Tensor td = t.to(model.device);
            const at::Tensor ctx = context.narrow(0, s, b);
            for (int u = 0; u < 2; ++u) {
                const at::Tensor cond = (u == 0 ? seen : unseen).narrow(0, s, b).to(model.device);
                const at::Tensor pred = model.unet->forward(at::cat({xt, cond}, 1), td, ctx);
                const at::Tensor err = (pred.to(at::kCPU) - eps).pow(2);
                sums[2 * u] += (err * m).sum().item<double>();
                sums[2 * u + 1] += (err * (1 - m)).sum().item<double>();
            }
        }
        const double channels = static_cast<double>(x0_all.size(1)) * static_cast<double>(n);
        InpaintingBandLoss r;
        r.band = band;
        r.hole = sums[0] / (channels * hole_cells);
        r.around = sums[1] / (channels * around_cells);
        r.hole_unseen = sums[2] / (channels * hole_cells);
        r.around_unseen = sums[3] / (channels * around_cells);
        out.push_back(r);
    }
    return out;
}

}  // namespace ds
