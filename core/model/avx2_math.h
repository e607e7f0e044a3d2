#pragma once
// Vector math for the hand-written CPU kernels (fused attention, the Winograd convolution's fused
// activation), compiled for AVX2 + FMA whatever the rest of the build targets: call only after
// cpu_has_avx2_fma() said yes.
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#define DS_HAVE_X86_KERNELS 1
#include <immintrin.h>
#define DS_AVX2 __attribute__((target("avx2,fma")))
#else
#define DS_HAVE_X86_KERNELS 0
#endif

namespace ds {

inline bool cpu_has_avx2_fma() {
#if DS_HAVE_X86_KERNELS
    static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return ok;
#else
    return false;
#endif
}

// silu(v * scale + shift), silu(y) = y / (1 + e^-y) (Elfwing et al. 2018): the scalar form, for
// the vector kernels' tails and for CPUs without AVX2.
inline float affine_silu_scalar(float v, float scale, float shift) {
    const float y = v * scale + shift;
    return y / (1.0f + __builtin_expf(-y));
}

#if DS_HAVE_X86_KERNELS
// exp(x) for x <= 0, ~1 ulp: x = n ln2 + r with |r| <= ln2/2 (Cody & Waite reduction, ln2 split in
// two), e^r by its degree-7 Taylor polynomial, 2^n through the exponent bits. Results below FLT_MIN
// are flushed to 0; NaN stays NaN (operand order of min/max).
DS_AVX2 inline __m256 exp_nonpositive(__m256 x) {
    const __m256 lowest = _mm256_set1_ps(-87.33654f);  // ln(FLT_MIN)
    x = _mm256_min_ps(_mm256_set1_ps(0.0f), x);
    const __m256 underflow = _mm256_cmp_ps(x, lowest, _CMP_LT_OQ);
    x = _mm256_max_ps(lowest, x);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(bits)));
}

// v = silu(v * scale + shift) in place, written with e = exp(-|y|) so that the exponential never
// overflows: y / (1 + e) for y >= 0, y e / (1 + e) below.
DS_AVX2 inline void affine_silu_avx2(float* v, int64_t n, float scale, float shift) {
    const __m256 s = _mm256_set1_ps(scale), b = _mm256_set1_ps(shift), one = _mm256_set1_ps(1.0f);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 y = _mm256_fmadd_ps(_mm256_loadu_ps(v + i), s, b);
        const __m256 e = exp_nonpositive(_mm256_or_ps(y, sign));  // -|y|
        const __m256 numerator = _mm256_blendv_ps(e, one, _mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GE_OQ));
        _mm256_storeu_ps(v + i, _mm256_div_ps(_mm256_mul_ps(y, numerator), _mm256_add_ps(one, e)));
    }
    for (; i < n; ++i) v[i] = affine_silu_scalar(v[i], scale, shift);
}
#endif

}  // namespace ds
