#include "core/perf/sgemm_rate.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <limits>

namespace ds::perf {

SgemmRate measure_sgemm(int64_t n, int repeats) {
    const at::Tensor a = at::randn({n, n});
    const at::Tensor b = at::randn({n, n});
    at::Tensor c = at::empty({n, n});
    at::mm_out(c, a, b);  // warm-up: first-call BLAS and thread-pool start-up
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < std::max(1, repeats); ++i) {
        const auto start = std::chrono::steady_clock::now();
        at::mm_out(c, a, b);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    SgemmRate rate;
    rate.n = n;
    rate.repeats = std::max(1, repeats);
    rate.seconds = best;
    rate.gflops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) / best / 1e9;
    return rate;
}

}  // namespace ds::perf
