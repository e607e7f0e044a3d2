#pragma once
// The machine's float32 matrix-multiply rate, measured in the benchmark's own process (same thread
// count, same BLAS) so that a network's achieved GFLOP/s can be read as a fraction of the best this
// CPU reaches on the operation that dominates it.
#include <cstdint>

namespace ds::perf {

struct SgemmRate {
    int64_t n = 0;       // square size
    int repeats = 0;
    double seconds = 0;  // best time of one n x n x n product
    double gflops = 0;   // 2 n^3 / seconds / 1e9
};

// Best of `repeats` at::mm products of two n x n float32 matrices, after one untimed warm-up.
SgemmRate measure_sgemm(int64_t n = 2048, int repeats = 5);

}  // namespace ds::perf
