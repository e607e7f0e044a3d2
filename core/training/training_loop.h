#pragma once
// The loop every trainer shares: runs steps from a resume point to the total, writes the loss log
// (CSV: step,loss,lr,seconds), reports progress (loss, steps/s, ETA) and saves a checkpoint every N
// steps and at the end, so an interrupted run resumes where its last checkpoint left off.
#include <cstdint>
#include <functional>
#include <string>

namespace ds {

class CancelToken;

struct TrainingProgress {
    int64_t step = 0;         // steps done
    int64_t total = 0;
    double loss = 0;          // this step's
    double loss_average = 0;  // exponential average (the readable figure)
    double learning_rate = 0;
    double steps_per_second = 0;
    double eta_seconds = 0;
};

struct TrainingLoopOptions {
    int64_t total_steps = 1000;
    int64_t checkpoint_every = 200;
    double progress_every_seconds = 10.0;
    std::string loss_log_path;  // appended to (a resumed run continues the file); "" = none
    std::function<void(const TrainingProgress&)> on_progress;
    const CancelToken* cancel = nullptr;  // checked between steps; a cancelled run saves and returns
    // > 0: stop (and save) once this many seconds have passed, like a cancel: a run sized for a
    // machine lent for a fixed time. The learning-rate schedule still follows total_steps.
    double time_limit_seconds = 0;
};

struct TrainingStepResult {
    double loss = 0;
    double learning_rate = 0;
};

// step(i) trains step i (0-based) and returns its loss; save(steps_done) writes a checkpoint.
// Returns the number of steps done. Throws what step() or save() throw, and std::runtime_error when a
// loss is not finite (the run has diverged; the last checkpoint is kept).
int64_t run_training_loop(int64_t start_step, const TrainingLoopOptions& options,
                          const std::function<TrainingStepResult(int64_t)>& step,
                          const std::function<void(int64_t)>& save);

// "1h 02m", "3m 05s", "42s".
std::string format_duration(double seconds);

}  // namespace ds
