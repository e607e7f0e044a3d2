#include "core/perf/op_profiler.h"

#include <ATen/record_function.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>

namespace ds::perf {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kOutside = "(outside operators)";

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

struct Totals {
    double seconds = 0;
    int64_t calls = 0;
};

// The running profiler's state. RecordFunction callbacks are plain functions, hence a global; only
// the owner thread touches it while the callback is installed.
struct State {
    std::thread::id owner = std::this_thread::get_id();
    Clock::time_point started = Clock::now();
    Clock::time_point last_end = started;
    std::string last_op = kOutside;
    int depth = 0;
    std::map<std::string, Totals> totals;

    void charge_gap(Clock::time_point now) {
        totals[last_op].seconds += std::chrono::duration<double>(now - last_end).count();
        last_end = now;
    }
};
State* g_state = nullptr;

struct Started : at::ObserverContext {
    Clock::time_point at;
};

bool is_owner(const State* s) { return s != nullptr && std::this_thread::get_id() == s->owner; }

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction&) {
    State* s = g_state;
    if (!is_owner(s) || s->depth++ != 0) return nullptr;
    auto context = std::make_unique<Started>();
    context->at = Clock::now();
    s->charge_gap(context->at);
    return context;
}

void on_end(const at::RecordFunction& fn, at::ObserverContext* context) {
    State* s = g_state;
    if (!is_owner(s)) return;
    --s->depth;
    if (context == nullptr) return;
    const Clock::time_point now = Clock::now();
    Totals& t = s->totals[fn.name()];
    t.seconds += std::chrono::duration<double>(now - static_cast<Started*>(context)->at).count();
    ++t.calls;
    s->last_op = fn.name();
    s->last_end = now;
}

}  // namespace

const char* work_kind_name(WorkKind kind) {
    switch (kind) {
        case WorkKind::Convolution: return "convolution";
        case WorkKind::Linear: return "linear";
        case WorkKind::Attention: return "attention";
        case WorkKind::Normalisation: return "normalisation";
        case WorkKind::Other: break;
    }
    return "other";
}

WorkKind work_kind_of(const std::string& op) {
    if (contains(op, "conv")) return WorkKind::Convolution;  // conv2d, convolution, mkldnn_convolution
    if (op == "aten::linear" || op == "aten::addmm") return WorkKind::Linear;
    if (contains(op, "softmax") || op == "aten::matmul" || op == "aten::mm" || op == "aten::bmm" ||
        op == "aten::baddbmm" || contains(op, "attention"))
        return WorkKind::Attention;
    if (contains(op, "group_norm") || contains(op, "layer_norm") || contains(op, "batch_norm") ||
        contains(op, "instance_norm"))
        return WorkKind::Normalisation;
    return WorkKind::Other;
}

double OpProfile::kind_share(WorkKind kind) const {
    return seconds > 0 ? kind_seconds[static_cast<size_t>(kind)] / seconds : 0.0;
}

OpProfiler::OpProfiler() {
    if (g_state != nullptr) throw std::logic_error("an OpProfiler is already running");
    g_state = new State();
    handle_ = at::addThreadLocalCallback(
        at::RecordFunctionCallback(&on_start, &on_end).scopes({at::RecordScope::FUNCTION, at::RecordScope::USER_SCOPE}));
}

OpProfiler::~OpProfiler() { stop(); }

OpProfile OpProfiler::stop() {
    OpProfile profile;
    if (handle_ == 0) return profile;
    at::removeCallback(handle_);
    handle_ = 0;
    std::unique_ptr<State> state(g_state);
    g_state = nullptr;
    const Clock::time_point now = Clock::now();
    state->charge_gap(now);
    profile.seconds = std::chrono::duration<double>(now - state->started).count();
    for (const auto& [name, t] : state->totals) {
        if (t.seconds <= 0 && t.calls == 0) continue;
        const WorkKind kind = name == kOutside ? WorkKind::Other : work_kind_of(name);
        profile.ops.push_back({name, kind, t.seconds, t.calls});
        profile.kind_seconds[static_cast<size_t>(kind)] += t.seconds;
    }
    std::sort(profile.ops.begin(), profile.ops.end(),
              [](const OpTime& a, const OpTime& b) { return a.seconds > b.seconds; });
    return profile;
}

}  // namespace ds::perf
