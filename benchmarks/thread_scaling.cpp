// Measures how libtorch's intra-op thread count trades generation speed against the latency of a
// second, mostly idle thread (the studio's UI thread). Prints figures; asserts nothing.
// Workload: the convolutions and attention-sized matmuls of one small UNet-like block, repeated.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "core/runtime/threads.h"

namespace {

using Clock = std::chrono::steady_clock;

double run_workload(int iterations) {
    const at::Tensor x = at::randn({2, 320, 32, 32});
    const at::Tensor w = at::randn({320, 320, 3, 3}) * 0.01;
    const at::Tensor q = at::randn({16, 1024, 40});
    const auto start = Clock::now();
    for (int i = 0; i < iterations; ++i) {
        at::Tensor y = at::conv2d(x, w, {}, 1, 1);
        y = at::silu(at::group_norm(y, 32));
        at::Tensor s = at::softmax(at::bmm(q, q.transpose(1, 2)), -1);
        at::Tensor o = at::bmm(s, q);
        (void)o.sum().item<float>();
        (void)y.sum().item<float>();
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main() {
    const int cores = ds::hardware_cores();
    std::printf("cores: %d\n", cores);
    std::printf("%8s %10s %10s %14s %14s\n", "threads", "seconds", "speedup", "probe_max_ms", "probe_p99_ms");
    double base = 0;
    for (int threads = 1; threads <= cores; ++threads) {
        ds::configure_threads(ds::ThreadRole::Batch, threads);
        run_workload(1);  // warm-up
        // The probe sleeps 5 ms and measures how late it wakes, like a UI timer would.
        std::atomic<bool> done{false};
        std::vector<double> lateness;
        std::thread probe([&] {
            while (!done.load()) {
                const auto before = Clock::now();
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                lateness.push_back(std::chrono::duration<double, std::milli>(Clock::now() - before).count() - 5.0);
            }
        });
        const double seconds = run_workload(6);
        done = true;
        probe.join();
        std::sort(lateness.begin(), lateness.end());
        const double worst = lateness.empty() ? 0 : lateness.back();
        const double p99 = lateness.empty() ? 0 : lateness[lateness.size() * 99 / 100];
        if (threads == 1) base = seconds;
        std::printf("%8d %10.3f %10.2f %14.2f %14.2f\n", threads, seconds, base / seconds, worst, p99);
    }
    return 0;
}
