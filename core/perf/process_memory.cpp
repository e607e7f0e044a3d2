#include "core/perf/process_memory.h"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ds::perf {

double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

double proc_status_mib(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, field.size() + 1, field + ":") == 0) {
            std::istringstream fields(line.substr(field.size() + 1));
            double kib = -1;
            fields >> kib;
            return kib < 0 ? -1 : kib / 1024.0;
        }
    }
    return -1;
}

double load_average() {
    std::ifstream in("/proc/loadavg");
    double load = -1;
    in >> load;
    return load;
}

double maxrss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

namespace {
// The whole run's peak, kept across the resets below.
double g_run_peak_mib = 0;
}  // namespace

// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so that each phase's peak
// can be read on its own. It resets ru_maxrss too (both read the same high-water mark), hence
// g_run_peak_mib.
bool reset_peak_rss() {
    g_run_peak_mib = std::max({g_run_peak_mib, maxrss_mib(), proc_status_mib("VmHWM")});
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

double run_peak_mib() { return std::max({g_run_peak_mib, maxrss_mib(), proc_status_mib("VmHWM")}); }

}  // namespace ds::perf
