#include "core/model/winograd_conv_cpu.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/record_function.h>

#include "core/model/avx2_math.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace ds {

namespace {

// Every buffer of one call stays under glibc's largest mmap threshold (32 MiB), so that its pages
// are reused from the heap on the next call instead of being faulted in afresh (which cost more
// than the transform itself for SD 1.5's 1280-channel filters).
constexpr int64_t kBufferBytes = 16 << 20;
// Tiles per block: never fewer than this, or the 16 products get too thin for the sgemm rate.
constexpr int64_t kMinBlockTiles = 256;

struct Geometry {
    int64_t n, c, k, h, w, tiles_y, tiles_x;  // h, w: the convolution's input (and output) size
    int64_t source_h, source_w;                // the tensor read: h x w, or h/2 x w/2 when upsampling
    int64_t tiles_per_image() const { return tiles_y * tiles_x; }
};

// Calls fn(n, ty, tx_begin, tx_end, offset) for each row of tiles that meets the tiles
// [first, first + count) (numbered image by image, row by row), offset being the position of
// (n, ty, tx_begin) within the block.
template <typename Fn>
void for_each_tile_row(const Geometry& g, int64_t first, int64_t count, Fn fn) {
    for (int64_t t = first; t < first + count;) {
        const int64_t n = t / g.tiles_per_image(), rem = t % g.tiles_per_image();
        const int64_t ty = rem / g.tiles_x, tx = rem % g.tiles_x;
        const int64_t tx_end = std::min(g.tiles_x, tx + (first + count - t));
        fn(n, ty, tx, tx_end, t - first);
        t += tx_end - tx;
    }
}

// U = G g Gᵀ for output channels [k0, k0 + kn): u[16][kn][C] from g[K][C][3][3], with
// G = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]].
void transform_filters(const float* g, int64_t k0, int64_t kn, int64_t c_count, float* u, int64_t plane) {
    at::parallel_for(0, kn, 1, [&](int64_t begin, int64_t end) {
        std::vector<float> staged(static_cast<size_t>(16 * c_count));  // [16][C]: one k, written as 16 runs
        for (int64_t k = begin; k < end; ++k) {
            for (int64_t c = 0; c < c_count; ++c) {
                const float* f = g + ((k0 + k) * c_count + c) * 9;
                float t[4][3];  // G g
                for (int j = 0; j < 3; ++j) {
                    t[0][j] = f[j];
                    t[1][j] = 0.5f * (f[j] + f[3 + j] + f[6 + j]);
                    t[2][j] = 0.5f * (f[j] - f[3 + j] + f[6 + j]);
                    t[3][j] = f[6 + j];
                }
                for (int i = 0; i < 4; ++i) {  // (G g) Gᵀ
                    staged[(i * 4 + 0) * c_count + c] = t[i][0];
                    staged[(i * 4 + 1) * c_count + c] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
                    staged[(i * 4 + 2) * c_count + c] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
                    staged[(i * 4 + 3) * c_count + c] = t[i][2];
                }
            }
            for (int xi = 0; xi < 16; ++xi)
                std::copy(staged.begin() + xi * c_count, staged.begin() + (xi + 1) * c_count,
                          u + xi * plane + k * c_count);
        }
    });
}

// V = Bᵀ d B for the 4x4 input tile d of every channel and every tile of the block:
// v[16][C][count], with Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]. Tile
// (ty, tx) reads input rows 2ty-1 .. 2ty+2 and columns 2tx-1 .. 2tx+2; outside the image is the
// zero padding. Done a row of tiles at a time: d B along the four rows, then Bᵀ down them.
// silu(v * scale + shift) on a row in place.
void affine_silu(float* v, int64_t n, float scale, float shift) {
#if DS_HAVE_X86_KERNELS
    if (cpu_has_avx2_fma()) return affine_silu_avx2(v, n, scale, shift);
#endif
    for (int64_t i = 0; i < n; ++i) v[i] = affine_silu_scalar(v[i], scale, shift);
}

// scale/shift: the activation's [N, C] maps, or null for none.
void transform_inputs(const float* x, const Geometry& g, int64_t first, int64_t count, float* v, int64_t plane,
                      const float* scale, const float* shift) {
    at::parallel_for(0, g.c, 1, [&](int64_t begin, int64_t end) {
        std::vector<float> rows(static_cast<size_t>(4 * (g.w + 4)), 0.0f);  // [4][W + 4], x at 1..W
        std::vector<float> cols(static_cast<size_t>(16 * g.tiles_x));        // [row i][j][tile]
        for (int64_t c = begin; c < end; ++c)
            for_each_tile_row(g, first, count, [&](int64_t n, int64_t ty, int64_t tx0, int64_t tx1, int64_t offset) {
                const float* plane_in = x + (n * g.c + c) * g.source_h * g.source_w;
                const bool upsampling = g.source_w != g.w;
                const int64_t tiles = tx1 - tx0;
                for (int i = 0; i < 4; ++i) {
                    float* row = rows.data() + i * (g.w + 4);
                    const int64_t iy = 2 * ty - 1 + i;
                    if (iy >= 0 && iy < g.h) {
                        if (upsampling) {  // nearest neighbour: source pixel (iy/2, ix/2)
                            const float* src = plane_in + (iy / 2) * g.source_w;
                            for (int64_t j = 0; j < g.source_w; ++j) row[1 + 2 * j] = row[2 + 2 * j] = src[j];
                        } else {
                            std::copy(plane_in + iy * g.w, plane_in + (iy + 1) * g.w, row + 1);
                        }
                        if (scale != nullptr) affine_silu(row + 1, g.w, scale[n * g.c + c], shift[n * g.c + c]);
                    } else {
                        std::fill(row + 1, row + 1 + g.w, 0.0f);
                    }
                    const float* b = row + 2 * tx0;
                    float* a = cols.data() + i * 4 * g.tiles_x;
                    for (int64_t t = 0; t < tiles; ++t) {
                        const float b0 = b[2 * t], b1 = b[2 * t + 1], b2 = b[2 * t + 2], b3 = b[2 * t + 3];
                        a[t] = b0 - b2;
                        a[g.tiles_x + t] = b1 + b2;
                        a[2 * g.tiles_x + t] = b2 - b1;
                        a[3 * g.tiles_x + t] = b1 - b3;
                    }
                }
                for (int j = 0; j < 4; ++j) {
                    const float* r0 = cols.data() + (0 * 4 + j) * g.tiles_x;
                    const float* r1 = cols.data() + (1 * 4 + j) * g.tiles_x;
                    const float* r2 = cols.data() + (2 * 4 + j) * g.tiles_x;
                    const float* r3 = cols.data() + (3 * 4 + j) * g.tiles_x;
                    float* out = v + c * count + offset;
                    float* v0 = out + (0 * 4 + j) * plane;
                    float* v1 = out + (1 * 4 + j) * plane;
                    float* v2 = out + (2 * 4 + j) * plane;
                    float* v3 = out + (3 * 4 + j) * plane;
                    for (int64_t t = 0; t < tiles; ++t) {
                        v0[t] = r0[t] - r2[t];
                        v1[t] = r1[t] + r2[t];
                        v2[t] = r2[t] - r1[t];
                        v3[t] = r1[t] - r3[t];
                    }
                }
            });
    });
}

// Y = Aᵀ m A + bias for output channels [k0, k0 + kn) and every tile of the block, written into
// (or, with accumulate, added to) the output's 2x2 tiles (clipped at odd borders), with
// Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]. Image n of y starts at y + n * y_image_stride.
void transform_outputs(const float* m, int64_t plane, const float* bias, const Geometry& g, int64_t first,
                       int64_t count, int64_t k0, int64_t kn, float* y, int64_t y_image_stride, bool accumulate) {
    at::parallel_for(0, kn, 1, [&](int64_t begin, int64_t end) {
        std::vector<float> rows(static_cast<size_t>(2 * 2 * g.tiles_x));  // two output rows of a tile row
        for (int64_t k = begin; k < end; ++k) {
            const float b = bias != nullptr ? bias[k0 + k] : 0.0f;
            for_each_tile_row(g, first, count, [&](int64_t n, int64_t ty, int64_t tx0, int64_t tx1, int64_t offset) {
                const int64_t tiles = tx1 - tx0;
                const float* e = m + k * count + offset;
                float* top = rows.data();
                float* bottom = rows.data() + 2 * g.tiles_x;
                for (int64_t t = 0; t < tiles; ++t) {
                    float s[2][4];  // Aᵀ m
                    for (int j = 0; j < 4; ++j) {
                        const float e0 = e[j * plane + t], e1 = e[(4 + j) * plane + t];
                        const float e2 = e[(8 + j) * plane + t], e3 = e[(12 + j) * plane + t];
                        s[0][j] = e0 + e1 + e2;
                        s[1][j] = e1 - e2 - e3;
                    }
                    top[2 * t] = s[0][0] + s[0][1] + s[0][2] + b;  // (Aᵀ m) A
                    top[2 * t + 1] = s[0][1] - s[0][2] - s[0][3] + b;
                    bottom[2 * t] = s[1][0] + s[1][1] + s[1][2] + b;
                    bottom[2 * t + 1] = s[1][1] - s[1][2] - s[1][3] + b;
                }
                float* dst = y + n * y_image_stride + (k0 + k) * g.h * g.w;
                const int64_t x_begin = 2 * tx0, x_end = std::min(g.w, 2 * tx1);
                auto store = [&](const float* row, float* out) {
                    if (!accumulate) {
                        std::copy(row, row + (x_end - x_begin), out);
                        return;
                    }
                    for (int64_t i = 0; i < x_end - x_begin; ++i) out[i] += row[i];
                };
                store(top, dst + 2 * ty * g.w + x_begin);
                if (2 * ty + 1 < g.h) store(bottom, dst + (2 * ty + 1) * g.w + x_begin);
            });
        }
    });
}

// The output can go into add_to: the right shape, each image's [K, H, W] contiguous (images may be
// further apart, as in a channel slice of a wider tensor), and no memory shared with the input,
// which is still being read while outputs are written.
bool can_add_to(const at::Tensor& add_to, const at::Tensor& x, const Geometry& g) {
    return add_to.device().is_cpu() && add_to.scalar_type() == at::kFloat &&
           add_to.sizes().equals({g.n, g.k, g.h, g.w}) && add_to.stride(3) == 1 && add_to.stride(2) == g.w &&
           add_to.stride(1) == g.h * g.w && (g.n == 1 || add_to.stride(0) >= g.k * g.h * g.w) &&
           !add_to.storage().is_alias_of(x.storage());
}

}  // namespace

bool winograd_conv3x3_applies(const at::Tensor& x, const at::Tensor& weight) {
    const bool needs_grad = at::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad());
    return !needs_grad && x.defined() && weight.defined() && x.device().is_cpu() && weight.device().is_cpu() &&
           x.scalar_type() == at::kFloat && weight.scalar_type() == at::kFloat && x.dim() == 4 && weight.dim() == 4 &&
           weight.size(2) == 3 && weight.size(3) == 3 && weight.size(1) == x.size(1) && x.numel() > 0;
}

at::Tensor winograd_conv3x3(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                            const ConvInputActivation* activation, bool upsample_2x, const at::Tensor& add_to) {
    RECORD_USER_SCOPE("ds::conv2d_winograd");  // core/perf's profiler charges it to convolution
    const at::Tensor x = input.contiguous();
    const at::Tensor w = weight.contiguous();
    const at::Tensor b = bias.defined() ? bias.contiguous() : bias;
    const int64_t factor = upsample_2x ? 2 : 1;
    const int64_t h = factor * x.size(2), width = factor * x.size(3);
    const Geometry g{x.size(0), x.size(1), w.size(0), h, width, (h + 1) / 2, (width + 1) / 2, x.size(2), x.size(3)};
    if (add_to.defined() && !can_add_to(add_to, x, g))
        throw std::invalid_argument("winograd_conv3x3: add_to must be a float32 CPU [N, K, H, W] tensor with each "
                                    "image contiguous, apart from the input");
    const int64_t tiles = g.n * g.tiles_per_image();
    const int64_t floats = kBufferBytes / static_cast<int64_t>(sizeof(float));
    const int64_t block = std::min(tiles, std::max(kMinBlockTiles, floats / (16 * g.c)));
    const int64_t k_chunk = std::min(g.k, std::max<int64_t>(16, std::min(floats / (16 * g.c), floats / (16 * block))));
    // The 16 planes of each buffer sit one cache line off a multiple of 4 KiB apart: the transforms
    // touch all 16 at once, and planes that alias in L1 thrashed it (output transform 3x slower).
    auto plane_stride = [](int64_t floats_per_plane) { return (floats_per_plane + 1023) / 1024 * 1024 + 16; };
    const int64_t v_plane = plane_stride(g.c * block), u_plane = plane_stride(k_chunk * g.c);
    const int64_t m_plane = plane_stride(k_chunk * block);
    at::Tensor v_buffer = at::empty({16 * v_plane}, x.options());
    at::Tensor u_buffer = at::empty({16 * u_plane}, x.options());
    at::Tensor m_buffer = at::empty({16 * m_plane}, x.options());
    at::Tensor y = add_to.defined() ? add_to : at::empty({g.n, g.k, g.h, g.w}, x.options());
    const float* bias_data = b.defined() ? b.data_ptr<float>() : nullptr;
    at::Tensor scale, shift;
    if (activation != nullptr) {
        scale = activation->scale.to(at::kFloat).contiguous();
        shift = activation->shift.to(at::kFloat).contiguous();
        if (scale.numel() != g.n * g.c || shift.numel() != g.n * g.c)
            throw std::invalid_argument("winograd_conv3x3: the activation needs one scale and shift per image and channel");
    }
    const float* scale_data = scale.defined() ? scale.data_ptr<float>() : nullptr;
    const float* shift_data = shift.defined() ? shift.data_ptr<float>() : nullptr;
    // With every output channel in one chunk, the filters are transformed once for all the blocks.
    const bool filters_once = k_chunk == g.k;
    if (filters_once) transform_filters(w.data_ptr<float>(), 0, g.k, g.c, u_buffer.data_ptr<float>(), u_plane);
    for (int64_t first = 0; first < tiles; first += block) {
        const int64_t count = std::min(block, tiles - first);
        const at::Tensor v = v_buffer.as_strided({16, g.c, count}, {v_plane, count, 1});
        transform_inputs(x.data_ptr<float>(), g, first, count, v_buffer.data_ptr<float>(), v_plane, scale_data,
                         shift_data);
        for (int64_t k0 = 0; k0 < g.k; k0 += k_chunk) {
            const int64_t kn = std::min(k_chunk, g.k - k0);
            const at::Tensor u = u_buffer.as_strided({16, kn, g.c}, {u_plane, g.c, 1});
            const at::Tensor m = m_buffer.as_strided({16, kn, count}, {m_plane, count, 1});
            if (!filters_once) transform_filters(w.data_ptr<float>(), k0, kn, g.c, u_buffer.data_ptr<float>(), u_plane);
            // The 16 products M_ξ = U_ξ V_ξ, one per thread at a time: single-threaded sgemm calls side
            // by side ran at 120-150 GFLOP/s here against 85-135 for bmm's multithreaded ones.
            at::parallel_for(0, 16, 1, [&](int64_t begin, int64_t end) {
                for (int64_t xi = begin; xi < end; ++xi) {
                    at::Tensor mx = m[xi];
                    at::mm_out(mx, u[xi], v[xi]);
                }
            });
            transform_outputs(m_buffer.data_ptr<float>(), m_plane, bias_data, g, first, count, k0, kn, y.data_ptr<float>(),
                              y.stride(0), add_to.defined());
        }
    }
    return y;
}

}  // namespace ds
