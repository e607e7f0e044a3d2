#pragma once
#include <atomic>
#include <memory>

namespace ds {

// Shared between the thread that runs a job and the one that may cancel it.
class CancelToken {
public:
    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
    void reset() { cancelled_.store(false, std::memory_order_relaxed); }

private:
    std::atomic<bool> cancelled_{false};
};

// Thrown by the loop when the token was cancelled between two model calls.
struct Cancelled {};

}  // namespace ds
