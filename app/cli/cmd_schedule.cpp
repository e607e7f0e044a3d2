// `schedule`: the table of a noise schedule as CSV, to stdout or (atomically) to a file.
#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "app/cli/schedule_csv.h"

namespace ds::cli {

ArgParser schedule_parser() {
    ArgParser p("schedule [--kind linear|cosine|scaled-linear] [--timesteps T] [--zero-snr] [--csv FILE]",
                "Prints the noise schedule table as CSV, one row per t = 0..T-1, with the columns\n"
                "t,beta,alpha,alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,sigma (full double precision).");
    p.option("kind", "KIND", "linear (Ho et al. 2020), cosine (Nichol & Dhariwal 2021) or scaled-linear (SD)", "linear")
        .option("timesteps", "T", "number of training timesteps", "1000")
        .flag("zero-snr", "rescale to zero terminal SNR (Lin et al. 2023, Algorithm 1)")
        .option("csv", "FILE", "write the CSV to FILE instead of standard output");
    return p;
}

int run_schedule(const std::vector<std::string>& args) {
    ArgParser p = schedule_parser();
    p.parse(args);
    if (p.help_requested()) {
        write_stdout(p.help_text());
        return 0;
    }
    ScheduleConfig config;
    config.kind = parse_schedule(p.value("kind"));
    config.timesteps = parse_train_timesteps(p.value("timesteps"), "--timesteps");
    config.zero_terminal_snr = p.flag_set("zero-snr");
    const std::string csv = schedule_csv(NoiseSchedule(config));
    if (p.has("csv"))
        write_text_file(p.value("csv"), csv);
    else
        write_stdout(csv);
    return 0;
}

}  // namespace ds::cli
