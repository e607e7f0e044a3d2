#pragma once
// libtorch's intra-op thread pool. Debian's libtorch starts with 1 thread: set it once at start.
namespace ds {

enum class ThreadRole {
    Batch,   // CLI, tests, benchmarks: every core
    Studio,  // the studio: see threads.cpp for the measured choice
};

int hardware_cores();
// Sets the pool (and OpenMP/OpenBLAS) to `override_count` when > 0, else to $DS_THREADS when set
// to a positive integer, else to the role's count.
// Returns the count now in effect.
int configure_threads(ThreadRole role, int override_count = 0);

}  // namespace ds
