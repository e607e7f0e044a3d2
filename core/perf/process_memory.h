#pragma once
// This process's resident memory (Linux /proc and getrusage), read by the benchmarks per phase, and
// the machine's load average that tells a quiet machine's figures from a busy one's.
#include <string>

namespace ds::perf {

double mib(double bytes);
// A "VmRSS" / "VmHWM" line of /proc/self/status in MiB (-1 when unreadable).
double proc_status_mib(const std::string& field);
// getrusage's ru_maxrss in MiB.
double maxrss_mib();
// Resets the peak resident memory (VmHWM) to the current RSS so that a phase's peak can be read on
// its own; false where the kernel refused. run_peak_mib() keeps the highest peak of the whole run
// across the resets.
bool reset_peak_rss();
double run_peak_mib();
// The 1-minute load average (/proc/loadavg); -1 when unreadable.
double load_average();

}  // namespace ds::perf
