#include "app/cli/bench_report.h"

#include <nlohmann/json.hpp>

#include <cstdarg>
#include <cstdio>
#include <vector>

namespace ds::cli {
namespace {

using perf::WorkKind;

// Counted FLOPs of a kind (normalisation and the rest are not counted).
std::optional<double> kind_gflop(const perf::FlopCount& flops, WorkKind kind) {
    switch (kind) {
        case WorkKind::Convolution: return flops.conv / 1e9;
        case WorkKind::Linear: return flops.linear / 1e9;
        case WorkKind::Attention: return flops.attention / 1e9;
        default: return std::nullopt;
    }
}

std::string percent(double fraction) { return printf_string("%.1f%%", 100.0 * fraction); }

}  // namespace

std::string printf_string(const char* format, ...) {
    va_list args;
    va_start(args, format);
    va_list copy;
    va_copy(copy, args);
    const int size = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    std::vector<char> buffer(static_cast<size_t>(size > 0 ? size : 0) + 1);
    std::vsnprintf(buffer.data(), buffer.size(), format, args);
    va_end(args);
    return std::string(buffer.data(), buffer.size() - 1);
}

std::string format_row(const std::string& name, const std::string& figure, const std::string& target) {
    return printf_string("  %-14s %-50s %s\n", name.c_str(), figure.c_str(), target.empty() ? "-" : target.c_str());
}

std::string format_pass(const PassReport& p) {
    const perf::NetworkTiming& t = p.timing;
    const double best = t.best_seconds();
    const double gflop = p.flops.total() / 1e9;
    const double fraction = gflop / best / p.sgemm_gflops;
    const double rss_ratio = t.peak_rss_mib / p.weights_mib;
    const PassTargets& g = p.targets;

    std::string text = "\n" + p.title + "\n";
    text += format_row("", "figure", "target");
    std::string seconds_target;
    if (g.seconds_max)
        seconds_target = printf_string("<= %g s", *g.seconds_max) + (g.seconds_note.empty() ? "" : " " + g.seconds_note);
    text += format_row("seconds",
                printf_string("%.3f (best of %zu, median %.3f, warm-up %.3f)", best, t.seconds.size(),
                              t.median_seconds(), t.warmup_seconds),
                seconds_target);
    text += format_row("GFLOP", printf_string("%.2f (counted from the layer shapes)", gflop), "");
    text += format_row("GFLOP/s", printf_string("%.1f", gflop / best), "");
    text += format_row("of sgemm", printf_string("%s of %.1f GFLOP/s", percent(fraction).c_str(), p.sgemm_gflops),
                g.sgemm_fraction_min ? ">= " + percent(*g.sgemm_fraction_min) : "");
    text += format_row("peak RSS",
                printf_string("%.0f MiB = %.2f x the weights (%.1f MiB)%s", t.peak_rss_mib, rss_ratio, p.weights_mib,
                              t.peak_reset ? "" : " [whole run]"),
                g.rss_over_weights_max ? printf_string("<= %.1f x the weights", *g.rss_over_weights_max) : "");
    text += format_row("output", t.output_finite ? "finite" : "NOT FINITE", "");
    if (t.profile) {
        const perf::OpProfile& profile = *t.profile;
        text += printf_string("  %-14s %9s %7s %10s %9s   (one more run, profiled: %.3f s)\n", "by kind", "seconds",
                              "share", "GFLOP", "GFLOP/s", profile.seconds);
        for (WorkKind kind : perf::kWorkKinds) {
            const double seconds = profile.kind_seconds[static_cast<size_t>(kind)];
            const std::optional<double> kg = kind_gflop(p.flops, kind);
            text += printf_string("  %-14s %9.3f %7s %10s %9s\n", perf::work_kind_name(kind), seconds,
                                  percent(profile.kind_share(kind)).c_str(),
                                  kg ? printf_string("%.2f", *kg).c_str() : "-",
                                  kg && seconds > 0 ? printf_string("%.1f", *kg / seconds).c_str() : "-");
        }
    }
    return text;
}

nlohmann::json pass_json(const PassReport& p) {
    const perf::NetworkTiming& t = p.timing;
    const double best = t.best_seconds();
    const double gflop = p.flops.total() / 1e9;
    nlohmann::json out = {{"seconds", best},
                          {"seconds_all", t.seconds},
                          {"median_seconds", t.median_seconds()},
                          {"warmup_seconds", t.warmup_seconds},
                          {"gflop", gflop},
                          {"gflops", gflop / best},
                          {"sgemm_gflops", p.sgemm_gflops},
                          {"fraction_of_sgemm", gflop / best / p.sgemm_gflops},
                          {"weights_mib", p.weights_mib},
                          {"rss_loaded_mib", t.rss_loaded_mib},
                          {"peak_rss_mib", t.peak_rss_mib},
                          {"peak_rss_over_weights", t.peak_rss_mib / p.weights_mib},
                          {"peak_rss_reset", t.peak_reset},
                          {"output_finite", t.output_finite},
                          {"output_shape", t.output_shape}};
    nlohmann::json kinds = nlohmann::json::object();
    for (WorkKind kind : perf::kWorkKinds) {
        nlohmann::json k = nlohmann::json::object();
        const std::optional<double> kg = kind_gflop(p.flops, kind);
        if (kg) k["gflop"] = *kg;
        if (t.profile) {
            const double seconds = t.profile->kind_seconds[static_cast<size_t>(kind)];
            k["seconds"] = seconds;
            k["share"] = t.profile->kind_share(kind);
            if (kg && seconds > 0) k["gflops"] = *kg / seconds;
        }
        kinds[perf::work_kind_name(kind)] = k;
    }
    out["kinds"] = kinds;
    if (t.profile) out["profiled_seconds"] = t.profile->seconds;
    nlohmann::json targets = nlohmann::json::object();
    if (p.targets.seconds_max) targets["seconds_max"] = *p.targets.seconds_max;
    if (p.targets.sgemm_fraction_min) targets["fraction_of_sgemm_min"] = *p.targets.sgemm_fraction_min;
    if (p.targets.rss_over_weights_max) targets["peak_rss_over_weights_max"] = *p.targets.rss_over_weights_max;
    out["targets"] = targets;
    return out;
}

}  // namespace ds::cli
