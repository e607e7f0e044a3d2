// `forward`: the forward-process grid (Nichol & Dhariwal 2021, Fig. 3) of the user's image.
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/diffusion/forward_grid.h"
#include "core/io/image_io.h"

namespace ds::cli {

ArgParser forward_parser() {
    ArgParser p("forward --image IN --out OUT [--schedules LIST] [--timesteps LIST] [--seed S] [--T T]",
                "Writes a grid of q(x_t | x_0) samples of IN: one row per schedule, one column per timestep,\n"
                "the same noise in every cell. OUT's extension picks the format (png, jpg, tif, exr, ...).");
    p.option("image", "IN", "the input image (any format OpenImageIO reads)")
        .option("out", "OUT", "the output image")
        .option("schedules", "LIST", "comma-separated schedules", "linear,cosine")
        .option("timesteps", "LIST", "comma-separated timesteps in [0, T)", "0,100,250,500,999")
        .option("seed", "S", "seed of the noise", "0")
        .option("T", "T", "training timesteps of every schedule", "1000")
        .option("max-cell", "PX", "downscale larger inputs to this many pixels on the longer side (0: never)", "256")
        .flag("no-labels", "leave out the header row and the schedule names");
    return p;
}

int run_forward(const std::vector<std::string>& args) {
    ArgParser p = forward_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    const std::string in = p.value("image");
    const std::string out = p.value("out");
    check_writable_image_path(out);

    ForwardGridOptions options;
    options.schedules.clear();
    for (const std::string& name : split_list(p.value("schedules"), "--schedules"))
        options.schedules.push_back(parse_schedule(name));
    options.train_timesteps = parse_train_timesteps(p.value("T"), "--T");
    options.timesteps = parse_int_list(p.value("timesteps"), "--timesteps");
    for (int t : options.timesteps)
        if (t < 0 || t >= options.train_timesteps)
            throw UsageError("--timesteps: " + std::to_string(t) + " is outside [0, " +
                             std::to_string(options.train_timesteps) + ")");
    options.seed = parse_uint64(p.value("seed"), "--seed");
    options.max_cell_side = parse_int(p.value("max-cell"), "--max-cell");
    if (options.max_cell_side < 0) throw UsageError("--max-cell: must not be negative");
    options.labels = !p.flag_set("no-labels");

    const Image grid = forward_grid(read_image(in), options);
    ImageWriteOptions write;
    write.text["Software"] = std::string("diffusion-studio-cli ") + DS_VERSION;
    write.text["ImageDescription"] = "forward process q(x_t|x_0): schedules=" + p.value("schedules") +
                                     " timesteps=" + p.value("timesteps") + " T=" + p.value("T") +
                                     " seed=" + p.value("seed");
    write_image(out, grid, write);
    write_stdout("wrote " + out + " (" + std::to_string(grid.width) + "x" + std::to_string(grid.height) + ")\n");
    return 0;
}

}  // namespace ds::cli
