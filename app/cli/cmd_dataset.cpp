// `dataset`: builds the emoji training shard from emoji-datasource package folders and prints what
// went in (per set, per category, held out) and what was skipped.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/data/emoji_shard.h"
#include "core/io/atomic_file.h"

namespace ds::cli {
namespace {

// ArgParser refuses an option given twice, and --source may repeat: take every --source DIR
// (or --source=DIR) out before the rest is parsed.
std::vector<std::string> take_sources(std::vector<std::string>& args) {
    std::vector<std::string> sources, rest;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--source") {
            if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0)
                throw UsageError("option '--source' needs a value (DIR)");
            sources.push_back(args[++i]);
        } else if (a.rfind("--source=", 0) == 0) {
            sources.push_back(a.substr(9));
        } else {
            rest.push_back(a);
        }
    }
    args = rest;
    return sources;
}

std::string row(const std::string& label, int64_t count) {
    std::string text = "  " + label;
    text.resize(std::max<size_t>(text.size() + 1, 26), ' ');
    return text + std::to_string(count) + "\n";
}

}  // namespace

ArgParser dataset_parser() {
    ArgParser p("dataset --source DIR [--source DIR ...] --out FILE [--limit N]",
                "Builds the emoji training shard: every picture of the given emoji-datasource packages\n"
                "(emoji-datasource-google, emoji-datasource-twitter; see packaging/fetch-emoji-data.sh)\n"
                "as 64x64 RGBA with its name, category and skin tones, written as one safetensors file.");
    p.option("source", "DIR", "an extracted package folder holding emoji.json and img/<set>/64/ (repeatable)")
        .option("out", "FILE", "the shard to write, e.g. data/emoji/emoji-64.shard")
        .option("limit", "N", "read at most N pictures from each source (for quick tests)");
    return p;
}

int run_dataset(const std::vector<std::string>& arguments) {
    std::vector<std::string> args = arguments;
    const std::vector<std::string> sources = take_sources(args);
    ArgParser p = dataset_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    if (sources.empty()) throw UsageError("missing required option '--source DIR'");
    const std::string out = p.value("out");
    EmojiBuildOptions options;
    if (p.has("limit")) {
        options.limit_per_source = parse_int(p.value("limit"), "--limit");
        if (options.limit_per_source < 1) throw UsageError("--limit: must be at least 1");
    }
    options.progress = write_progress;
    // Refuse an unwritable --out before the build prints progress (a failure stays one line): the
    // probe creates and removes a temporary file beside it.
    { AtomicFile probe(out); }

    const auto start = std::chrono::steady_clock::now();
    EmojiBuildReport report;
    const EmojiShard shard = build_emoji_shard(sources, &report, options);
    write_emoji_shard(out, shard);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    int64_t held_out = 0;
    for (const EmojiRecord& r : shard.records) held_out += r.held_out ? 1 : 0;
    std::string text = "wrote " + out + ": " + std::to_string(shard.records.size()) + " pictures (64x64 RGBA), " +
                       std::to_string(held_out) + " held out for evaluation\n";
    text += "by set:\n";
    for (const auto& [set, n] : count_by_set(shard.records)) text += row(set, n);
    text += "by category:\n";
    for (const auto& [category, n] : count_by_category(shard.records)) text += row(category, n);
    text += "skipped: " + std::to_string(report.missing_images) + " missing, " +
            std::to_string(report.rejected_images) + " unreadable or not 64x64 (of " +
            std::to_string(report.listed) + " listed)\n";
    for (const std::string& problem : report.problems) text += "  " + problem + "\n";
    char timing[64];
    std::snprintf(timing, sizeof timing, "took %.1f s\n", seconds);
    text += timing;
    write_stdout(text);
    return 0;
}

}  // namespace ds::cli
