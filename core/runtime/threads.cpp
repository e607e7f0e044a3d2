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
        // Studio: every core as well. The UI thread is idle while the worker computes, and the
        // worker runs at low OS priority, so the event loop still gets a core when it needs one;
        // giving up a whole core on a 2-core machine would halve generation speed.
        count = hardware_cores();
        (void)role;
    }
    at::set_num_threads(count);  // also sets OpenMP's count, which OpenBLAS-openmp follows
    return at::get_num_threads();
}

}  // namespace ds
