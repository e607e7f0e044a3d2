#include "core/runtime/threads.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

namespace ds {

int hardware_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

int configure_threads(ThreadRole role, int override_count) {
    int count = override_count;
    if (count <= 0) {
        // DS_THREADS=N: the user's choice for a process sharing the machine (a background training
        // run, a build beside it), where all cores would oversubscribe.
        if (const char* env = std::getenv("DS_THREADS")) {
            char* end = nullptr;
            const long n = std::strtol(env, &end, 10);
            if (end != env && *end == '\0' && n > 0 && n <= 1024) count = static_cast<int>(n);
        }
    }
    if (count <= 0) {
        // Batch (CLI, tests, benchmarks): every core. Studio: one core fewer (at least one). The UI
        // thread repaints the live panels at every step, and OpenMP's workers wait for each other
        // at every barrier: when one of them loses its core to the UI thread (or to anything else
        // running), the whole step waits. Measured in the studio on this 2-core machine with other
        // work running: a 12-step built-in generation took 29-32 s with 2 threads, 1.1 s with 1.
        count = role == ThreadRole::Studio ? std::max(1, hardware_cores() - 1) : hardware_cores();
    }
    at::set_num_threads(count);  // also sets OpenMP's count, which OpenBLAS-openmp follows
    return at::get_num_threads();
}

}  // namespace ds
