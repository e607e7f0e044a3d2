#include "app/cli/cli_output.h"

#include <cstdio>
#include <stdexcept>

#include "app/cli/arg_parser.h"
#include "core/io/atomic_file.h"

namespace ds::cli {

ScheduleKind parse_schedule(const std::string& name) {
    if (const auto kind = parse_schedule_kind(name)) return *kind;
    std::string known;
    for (const std::string& k : schedule_kind_names()) known += (known.empty() ? "" : ", ") + k;
    throw UsageError("unknown schedule '" + name + "' (expected one of: " + known + ")");
}

int parse_train_timesteps(const std::string& text, const std::string& what) {
    const int T = parse_int(text, what);
    if (T < 1 || T > kMaxTrainTimesteps)
        throw UsageError(what + ": " + std::to_string(T) + " is outside [1, " + std::to_string(kMaxTrainTimesteps) + "]");
    return T;
}

void write_text_file(const std::string& path, const std::string& content) {
    AtomicFile file(path);
    file.write(content);
    file.commit();
}

void write_stdout(const std::string& content) {
    if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() || std::fflush(stdout) != 0)
        throw std::runtime_error("cannot write to standard output");
}

}  // namespace ds::cli
