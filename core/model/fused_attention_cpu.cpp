#include "core/model/fused_attention_cpu.h"

#include "core/model/avx2_math.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>


namespace ds {

#if DS_HAVE_X86_KERNELS

namespace {

constexpr int kTileRows = 6;          // 6 rows x 16 columns = 12 accumulators: the classic AVX2 tile
// Block sizes measured best here (2 threads, SD 1.5's 4096- and 1024-token layers and its 77-token
// cross-attention, 48/96/144 x 256/512 tried): ~100 GFLOP/s at 4096 tokens against ~45 before.
constexpr int64_t kQueryBlock = 96;   // rows of one work item (16 tiles); its q block stays in L1/L2
constexpr int64_t kKeyBlock = 256;    // keys per step: a 96 x 256 score block (96 KiB) stays in L2

// C[rows x 8*NV] = (accumulate ? C : 0) + A[rows x depth] B[depth x 8*NV], A with row stride lda,
// B with row stride ldb, all in registers across the depth loop.
template <int Rows, int NV>
DS_AVX2 void tile_gemm(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, float* c,
                       int64_t ldc, bool accumulate) {
    __m256 acc[Rows][NV];
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r)
#pragma GCC unroll 2
        for (int j = 0; j < NV; ++j) acc[r][j] = accumulate ? _mm256_loadu_ps(c + r * ldc + 8 * j) : _mm256_setzero_ps();
    for (int64_t p = 0; p < depth; ++p) {
        __m256 bv[NV];
#pragma GCC unroll 2
        for (int j = 0; j < NV; ++j) bv[j] = _mm256_loadu_ps(b + p * ldb + 8 * j);
#pragma GCC unroll 8
        for (int r = 0; r < Rows; ++r) {
            const __m256 av = _mm256_broadcast_ss(a + r * lda + p);
#pragma GCC unroll 2
            for (int j = 0; j < NV; ++j) acc[r][j] = _mm256_fmadd_ps(av, bv[j], acc[r][j]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r)
#pragma GCC unroll 2
        for (int j = 0; j < NV; ++j) _mm256_storeu_ps(c + r * ldc + 8 * j, acc[r][j]);
}

template <int NV>
DS_AVX2 void tile_gemm_rows(int rows, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth,
                            float* c, int64_t ldc, bool accumulate) {
    switch (rows) {
    case 1: tile_gemm<1, NV>(a, lda, b, ldb, depth, c, ldc, accumulate); break;
    case 2: tile_gemm<2, NV>(a, lda, b, ldb, depth, c, ldc, accumulate); break;
    case 3: tile_gemm<3, NV>(a, lda, b, ldb, depth, c, ldc, accumulate); break;
    case 4: tile_gemm<4, NV>(a, lda, b, ldb, depth, c, ldc, accumulate); break;
    case 5: tile_gemm<5, NV>(a, lda, b, ldb, depth, c, ldc, accumulate); break;
    default: tile_gemm<6, NV>(a, lda, b, ldb, depth, c, ldc, accumulate); break;
    }
}

// C[rows x cols] (+)= A[rows x depth] B[depth x cols] for cols a multiple of 8. Column group g of
// 16 starts at b + g * group_step (16 for a plain row-major B, depth * 16 for packed panels). Column
// groups outside, row tiles inside: one B panel serves every row tile from L1.
DS_AVX2 void block_gemm(const float* a, int64_t lda, int64_t rows, const float* b, int64_t group_step, int64_t ldb,
                        int64_t depth, int64_t cols, float* c, int64_t ldc, bool accumulate) {
    int64_t col = 0;
    for (; col + 16 <= cols; col += 16) {
        const float* bg = b + (col / 16) * group_step;
        for (int64_t r = 0; r < rows; r += kTileRows)
            tile_gemm_rows<2>(static_cast<int>(std::min<int64_t>(kTileRows, rows - r)), a + r * lda, lda, bg, ldb,
                              depth, c + r * ldc + col, ldc, accumulate);
    }
    if (col < cols) {
        const float* bg = b + (col / 16) * group_step;
        for (int64_t r = 0; r < rows; r += kTileRows)
            tile_gemm_rows<1>(static_cast<int>(std::min<int64_t>(kTileRows, rows - r)), a + r * lda, lda, bg, ldb,
                              depth, c + r * ldc + col, ldc, accumulate);
    }
}

DS_AVX2 float row_max(const float* row, int64_t n) {
    __m256 m = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(_mm256_loadu_ps(row + i), m);  // NaN in the row survives
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, m);
    float best = lanes[0];
    for (int j = 1; j < 8; ++j) best = std::isnan(lanes[j]) || lanes[j] > best ? lanes[j] : best;
    for (; i < n; ++i) best = std::isnan(row[i]) || row[i] > best ? row[i] : best;
    return best;
}

// row[i] = exp(scale * (row[i] - max)) in place, scale > 0; returns their sum.
DS_AVX2 float exp_shifted_in_place(float* row, int64_t n, float max, float scale) {
    const __m256 f = _mm256_set1_ps(scale);
    const __m256 shift = _mm256_set1_ps(-scale * max);
    __m256 sum = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = exp_nonpositive(_mm256_fmadd_ps(_mm256_loadu_ps(row + i), f, shift));
        _mm256_storeu_ps(row + i, e);
        sum = _mm256_add_ps(sum, e);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, sum);
    float total = lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
    for (; i < n; ++i) {
        row[i] = std::exp(scale * (row[i] - max));
        total += row[i];
    }
    return total;
}

DS_AVX2 void scale_row(float* row, int64_t n, float factor) {
    const __m256 f = _mm256_set1_ps(factor);
    for (int64_t i = 0; i < n; i += 8) _mm256_storeu_ps(row + i, _mm256_mul_ps(_mm256_loadu_ps(row + i), f));
}

// k [lk, d] (row stride ldk) -> panels [ceil(lk/16)][d][16], keys past lk zero: the B operand of
// q kᵀ, 16 keys of one depth index next to each other.
void pack_keys(const float* k, int64_t ldk, int64_t lk, int64_t d, float* panels) {
    const int64_t groups = (lk + 15) / 16;
    for (int64_t g = 0; g < groups; ++g)
        for (int64_t p = 0; p < d; ++p)
            for (int64_t j = 0; j < 16; ++j) {
                const int64_t key = g * 16 + j;
                panels[(g * d + p) * 16 + j] = key < lk ? k[key * ldk + p] : 0.0f;
            }
}

// One work item: `rows` query rows of one (batch, head). The online softmax keeps, per row, the
// running maximum m of the raw scores and the denominator l; each key block rescales the partial
// output by exp(scale (m_old - m_new)). The scale is applied inside the exponential.
DS_AVX2 void attend_query_block(const float* q, int64_t ldq, const float* key_panels, const float* v, int64_t ldv,
                                float* out, int64_t ldo, int64_t rows, int64_t lk, int64_t d, int64_t dv, float scale,
                                float* scores) {
    float running_max[kQueryBlock];
    float denominator[kQueryBlock];
    std::fill(running_max, running_max + rows, -std::numeric_limits<float>::infinity());
    std::fill(denominator, denominator + rows, 0.0f);
    for (int64_t k0 = 0; k0 < lk; k0 += kKeyBlock) {
        const int64_t n = std::min(kKeyBlock, lk - k0);
        const int64_t padded = (n + 15) / 16 * 16;
        block_gemm(q, ldq, rows, key_panels + (k0 / 16) * d * 16, d * 16, 16, d, padded, scores, kKeyBlock, false);
        const bool first = k0 == 0;
        for (int64_t r = 0; r < rows; ++r) {
            float* row = scores + r * kKeyBlock;
            const float new_max = std::max(running_max[r], row_max(row, n));
            const float kept = first ? 0.0f : std::exp(scale * (running_max[r] - new_max));
            denominator[r] = denominator[r] * kept + exp_shifted_in_place(row, n, new_max, scale);
            if (!first && kept != 1.0f) scale_row(out + r * ldo, dv, kept);
            running_max[r] = new_max;
        }
        block_gemm(scores, kKeyBlock, rows, v + k0 * ldv, 16, ldv, n, dv, out, ldo, !first);
    }
    for (int64_t r = 0; r < rows; ++r) scale_row(out + r * ldo, dv, 1.0f / denominator[r]);
}

}  // namespace

bool fused_attention_cpu_available(int64_t qk_dim, int64_t v_dim) {
    return cpu_has_avx2_fma() && qk_dim > 0 && v_dim > 0 && qk_dim % 8 == 0 && v_dim % 8 == 0;
}

void fused_attention_cpu(const AttentionSizes& n, const AttentionOperand& q, const AttentionOperand& k,
                         const AttentionOperand& v, const AttentionOperand& out, float scale) {
    if (!fused_attention_cpu_available(n.qk_dim, n.v_dim) || n.key_rows < 1 || !(scale > 0.0f))
        throw std::invalid_argument(
            "fused_attention_cpu: needs AVX2/FMA, head widths that are multiples of 8, keys and a positive scale");
    const int64_t slices = n.batch * n.heads;
    const int64_t panel_floats = (n.key_rows + 15) / 16 * 16 * n.qk_dim;
    std::vector<float> panels(static_cast<size_t>(slices * panel_floats));
    at::parallel_for(0, slices, 1, [&](int64_t begin, int64_t end) {
        for (int64_t s = begin; s < end; ++s) {
            const float* ks = k.data + (s / n.heads) * k.batch_stride + (s % n.heads) * k.head_stride;
            pack_keys(ks, k.row_stride, n.key_rows, n.qk_dim, panels.data() + s * panel_floats);
        }
    });
    const int64_t blocks = (n.query_rows + kQueryBlock - 1) / kQueryBlock;
    at::parallel_for(0, slices * blocks, 1, [&](int64_t begin, int64_t end) {
        std::vector<float> scores(static_cast<size_t>(kQueryBlock * kKeyBlock));
        for (int64_t item = begin; item < end; ++item) {
            const int64_t s = item / blocks, b = s / n.heads, h = s % n.heads;
            const int64_t q0 = (item % blocks) * kQueryBlock;
            const int64_t rows = std::min(kQueryBlock, n.query_rows - q0);
            attend_query_block(q.data + b * q.batch_stride + h * q.head_stride + q0 * q.row_stride, q.row_stride,
                               panels.data() + s * panel_floats, v.data + b * v.batch_stride + h * v.head_stride,
                               v.row_stride, out.data + b * out.batch_stride + h * out.head_stride + q0 * out.row_stride,
                               out.row_stride, rows, n.key_rows, n.qk_dim, n.v_dim, scale, scores.data());
        }
    });
}

#else  // not x86: the callers' generic path

bool fused_attention_cpu_available(int64_t, int64_t) { return false; }

void fused_attention_cpu(const AttentionSizes&, const AttentionOperand&, const AttentionOperand&,
                         const AttentionOperand&, const AttentionOperand&, float) {
    throw std::invalid_argument("fused_attention_cpu: not available on this CPU architecture");
}

#endif

}  // namespace ds
