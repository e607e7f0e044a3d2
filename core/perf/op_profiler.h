#pragma once
// Where a forward pass's wall time goes: per top-level ATen operator and per kind of work
// (convolution, linear, attention, normalisation, other), through a RecordFunction callback on the
// calling thread. Far lighter than the autograd profiler, and it needs no change to the networks.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ds::perf {

enum class WorkKind { Convolution, Linear, Attention, Normalisation, Other };
inline constexpr size_t kWorkKindCount = 5;
inline constexpr std::array<WorkKind, kWorkKindCount> kWorkKinds{
    WorkKind::Convolution, WorkKind::Linear, WorkKind::Attention, WorkKind::Normalisation, WorkKind::Other};

// "convolution", "linear", "attention", "normalisation", "other".
const char* work_kind_name(WorkKind kind);
// The kind of an ATen operator called at the top level of the networks' forward passes
// ("aten::conv2d" -> Convolution). Matrix products and softmax outside a linear layer are the
// attention core's: in core/model only attention multiplies activations by activations. A user
// scope whose name contains "attention" (RECORD_USER_SCOPE("ds::attention")) is attention too,
// with everything it calls.
WorkKind work_kind_of(const std::string& op_name);

struct OpTime {
    std::string op;  // ATen name, or "(outside operators)" for the time before the first one
    WorkKind kind = WorkKind::Other;
    double seconds = 0;
    int64_t calls = 0;
};

struct OpProfile {
    double seconds = 0;      // wall time from the profiler's start to stop()
    std::vector<OpTime> ops;  // most time first
    std::array<double, kWorkKindCount> kind_seconds{};  // sums to `seconds`
    double kind_share(WorkKind kind) const;  // of `seconds`, 0..1
};

// Times the top-level operators (and RECORD_USER_SCOPE scopes) the constructing thread calls until
// stop(); nested calls are part of their caller. The time between one top-level operator's end and the next one's start (glue
// code, and a thread waiting at the end of a hand-written parallel_for whose work ran as operators)
// is charged to the operator before it, so the operators' times add up to the wall time.
// One profiler at a time per process: a second throws std::logic_error.
class OpProfiler {
public:
    OpProfiler();
    ~OpProfiler();
    OpProfiler(const OpProfiler&) = delete;
    OpProfiler& operator=(const OpProfiler&) = delete;

    // Stops timing (once; later calls return an empty profile).
    OpProfile stop();

private:
    uint64_t handle_ = 0;
};

}  // namespace ds::perf
