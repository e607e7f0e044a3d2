#pragma once
// The CLI's commands. Each lives in its own cmd_<name>.cpp with a parser (for --help) and a run
// function taking the arguments after the command name; errors are thrown and main() reports them.
#include <string>
#include <vector>

#include "app/cli/arg_parser.h"

namespace ds::cli {

struct Command {
    const char* name;
    const char* summary;
    ArgParser (*parser)();
    int (*run)(const std::vector<std::string>& args);
};

ArgParser schedule_parser();
int run_schedule(const std::vector<std::string>& args);

ArgParser forward_parser();
int run_forward(const std::vector<std::string>& args);

ArgParser demo_parser();
int run_demo(const std::vector<std::string>& args);

ArgParser sample_image_parser();
int run_sample_image(const std::vector<std::string>& args);

ArgParser generate_parser();
int run_generate(const std::vector<std::string>& args);

ArgParser img2img_parser();
int run_img2img(const std::vector<std::string>& args);

ArgParser inpaint_parser();
int run_inpaint(const std::vector<std::string>& args);

ArgParser outpaint_parser();
int run_outpaint(const std::vector<std::string>& args);

ArgParser info_parser();
int run_info(const std::vector<std::string>& args);

ArgParser eval_parser();
int run_eval(const std::vector<std::string>& args);

ArgParser train_parser();
int run_train(const std::vector<std::string>& args);

ArgParser dataset_parser();
int run_dataset(const std::vector<std::string>& args);

ArgParser bench_parser();
int run_bench(const std::vector<std::string>& args);

const std::vector<Command>& commands();

// One line of progress on the terminal's stderr, shown at once (main() holds the rest of stderr
// back until a command succeeds, so that a failure stays one line).
void write_progress(const std::string& line);

}  // namespace ds::cli
