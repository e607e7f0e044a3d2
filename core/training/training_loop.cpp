#include "core/training/training_loop.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "core/runtime/cancel_token.h"

namespace ds {

std::string format_duration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh %02ldm", s / 3600, (s % 3600) / 60);
    else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm %02lds", s / 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%lds", s);
    return buf;
}

int64_t run_training_loop(int64_t start_step, const TrainingLoopOptions& options,
                          const std::function<TrainingStepResult(int64_t)>& step,
                          const std::function<void(int64_t)>& save) {
    using clock = std::chrono::steady_clock;
    std::ofstream log;
    if (!options.loss_log_path.empty()) {
        const bool fresh = start_step == 0;
        log.open(options.loss_log_path, fresh ? std::ios::trunc : std::ios::app);
        if (!log) throw std::runtime_error("cannot write the loss log " + options.loss_log_path);
        if (fresh) log << "step,loss,lr,seconds\n";
    }
    const auto begin = clock::now();
    auto last_report = begin;
    TrainingProgress p;
    p.total = options.total_steps;
    int64_t done = start_step;
    for (int64_t i = start_step; i < options.total_steps; ++i) {
        if (options.cancel && options.cancel->cancelled()) break;
        if (options.time_limit_seconds > 0 &&
            std::chrono::duration<double>(clock::now() - begin).count() >= options.time_limit_seconds) {
            break;
        }
        const TrainingStepResult r = step(i);
        if (!std::isfinite(r.loss)) {
            throw std::runtime_error("training diverged: the loss is not finite at step " + std::to_string(i + 1));
        }
        done = i + 1;
        const double elapsed = std::chrono::duration<double>(clock::now() - begin).count();
        p.step = done;
        p.loss = r.loss;
        p.learning_rate = r.learning_rate;
        p.loss_average = done == start_step + 1 ? r.loss : 0.98 * p.loss_average + 0.02 * r.loss;
        p.steps_per_second = static_cast<double>(done - start_step) / std::max(elapsed, 1e-9);
        p.eta_seconds = static_cast<double>(options.total_steps - done) / std::max(p.steps_per_second, 1e-9);
        if (log) log << done << "," << r.loss << "," << r.learning_rate << "," << elapsed << "\n" << std::flush;
        const bool last = done == options.total_steps;
        if (options.checkpoint_every > 0 && (done % options.checkpoint_every == 0) && !last) save(done);
        const double since = std::chrono::duration<double>(clock::now() - last_report).count();
        if (options.on_progress && (since >= options.progress_every_seconds || last || done == start_step + 1)) {
            options.on_progress(p);
            last_report = clock::now();
        }
    }
    if (done > start_step) save(done);
    return done;
}

}  // namespace ds
