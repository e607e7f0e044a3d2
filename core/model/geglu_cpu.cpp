#include "core/model/geglu_cpu.h"

#include <ATen/Parallel.h>

#include <cmath>

#include "core/model/avx2_math.h"

namespace ds {

namespace {

// value * gelu(gate), gelu(x) = ½ x erfc(-x/√2): the scalar form (vector tails, CPUs without AVX2).
inline float gelu_gated(float value, float gate) {
    return value * 0.5f * gate * std::erfc(-gate * 0.70710678118654752f);
}

#if DS_HAVE_X86_KERNELS
// gelu(x) = x Φ(x) = ½ x erfc(-x/√2). With y = |x|/√2, erfc(y) = t P(t) e^(-y²), t = 1/(1 + p y)
// (Abramowitz & Stegun 7.1.26, |error| <= 1.5e-7 on erf): Φ(x) = 1 - ½ erfc(y) for x >= 0 and
// ½ erfc(y) below, so the negative tail is computed directly, never as a difference.
DS_AVX2 inline __m256 gelu_avx2(__m256 x) {
    const __m256 y = _mm256_mul_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), x), _mm256_set1_ps(0.70710678118654752f));
    const __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), y, _mm256_set1_ps(1.0f)));
    __m256 p = _mm256_set1_ps(1.061405429f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.453152027f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.421413741f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.284496736f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.254829592f));
    const __m256 minus_y2 = _mm256_mul_ps(_mm256_sub_ps(_mm256_setzero_ps(), y), y);
    const __m256 half_erfc = _mm256_mul_ps(_mm256_set1_ps(0.5f), _mm256_mul_ps(_mm256_mul_ps(p, t), exp_nonpositive(minus_y2)));
    const __m256 phi = _mm256_blendv_ps(half_erfc, _mm256_sub_ps(_mm256_set1_ps(1.0f), half_erfc),
                                        _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
    return _mm256_mul_ps(x, phi);
}

DS_AVX2 void geglu_row_avx2(float* value, const float* gate, int64_t width) {
    int64_t i = 0;
    for (; i + 8 <= width; i += 8)
        _mm256_storeu_ps(value + i, _mm256_mul_ps(_mm256_loadu_ps(value + i), gelu_avx2(_mm256_loadu_ps(gate + i))));
    for (; i < width; ++i) value[i] = gelu_gated(value[i], gate[i]);
}
#endif

void geglu_row(float* value, const float* gate, int64_t width) {
#if DS_HAVE_X86_KERNELS
    if (cpu_has_avx2_fma()) return geglu_row_avx2(value, gate, width);
#endif
    for (int64_t i = 0; i < width; ++i) value[i] = gelu_gated(value[i], gate[i]);
}

}  // namespace

void geglu_rows_inplace(float* rows_data, int64_t rows, int64_t width) {
    at::parallel_for(0, rows, 64, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) geglu_row(rows_data + r * 2 * width, rows_data + r * 2 * width + width, width);
    });
}

}  // namespace ds
