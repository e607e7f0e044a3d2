// `demo`: what the studio shows first, as files, for a machine without a display: the three
// schedule tables and the forward-process grid of the bundled sample picture.
#include <filesystem>
#include <stdexcept>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/sample_image.h"
#include "app/cli/schedule_csv.h"
#include "core/diffusion/forward_grid.h"
#include "core/io/image_io.h"

namespace ds::cli {

ArgParser demo_parser() {
    ArgParser p("demo [--out-dir DIR]",
                "Writes schedule-<kind>.csv for the linear, cosine and scaled-linear schedules (T = 1000) and\n"
                "forward-grid.png, the forward process of the bundled sample picture under all three, into DIR.");
    p.option("out-dir", "DIR", "the folder to write into (created if missing)", "demo-output");
    return p;
}

int run_demo(const std::vector<std::string>& args) {
    namespace fs = std::filesystem;
    ArgParser p = demo_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    const fs::path dir = p.value("out-dir");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw std::runtime_error("cannot create folder '" + dir.string() + "': " +
                                 (ec ? ec.message() : std::string("a file is in the way")));

    ForwardGridOptions grid_options;
    grid_options.schedules.clear();
    for (const std::string& name : schedule_kind_names()) {
        const ScheduleKind kind = parse_schedule(name);
        grid_options.schedules.push_back(kind);
        const fs::path csv = dir / ("schedule-" + name + ".csv");
        ScheduleConfig config;
        config.kind = kind;
        config.timesteps = 1000;
        write_text_file(csv.string(), schedule_csv(NoiseSchedule(config)));
        write_stdout("wrote " + csv.string() + "\n");
    }

    const std::string sample_path = find_sample_image();
    const Image sample = sample_path.empty() ? make_sample_image() : read_image(sample_path);
    write_stdout("sample picture: " + (sample_path.empty() ? std::string("built in") : sample_path) + "\n");
    const fs::path grid = dir / "forward-grid.png";
    ImageWriteOptions write;
    write.text["Software"] = std::string("diffusion-studio-cli ") + DS_VERSION;
    write_image(grid.string(), forward_grid(sample, grid_options), write);
    write_stdout("wrote " + grid.string() + "\n");
    return 0;
}

ArgParser sample_image_parser() {
    ArgParser p("sample-image --out FILE [--size PX]",
                "Writes the built-in procedural sample picture (how resources/images/sample.png was made).");
    p.option("out", "FILE", "the output image").option("size", "PX", "width and height", "256");
    return p;
}

int run_sample_image(const std::vector<std::string>& args) {
    ArgParser p = sample_image_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    const std::string out = p.value("out");
    check_writable_image_path(out);
    const int size = parse_int(p.value("size"), "--size");
    if (size < 8 || size > 4096) throw UsageError("--size: " + std::to_string(size) + " is outside [8, 4096]");
    write_image(out, make_sample_image(size));
    write_stdout("wrote " + out + "\n");
    return 0;
}

}  // namespace ds::cli
