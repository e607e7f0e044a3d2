// diffusion-studio-cli end to end: runs the built binary (DS_CLI_PATH) with posix_spawn and checks
// exit codes, stdout/stderr and the files it writes: schedule CSVs against ds::NoiseSchedule, forward
// grids against ds::forward_grid, and that every kind of bad input gives exit 2, one stderr line
// "diffusion-studio-cli: error: ..." and no file (an existing output file stays untouched).
// To add a case: call run_cli({...}) in a Workspace; for bad input add a row to the table in
// CliErrors.BadInputExitsTwoWithOneLineAndNoFile.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/diffusion/forward_grid.h"
#include "core/io/image_io.h"
#include "core/schedule/noise_schedule.h"
#include "tests/cli/cli_runner.h"

namespace fs = std::filesystem;

namespace {

using ds::test::cli::kErrorPrefix;
using ds::test::cli::read_file;
using ds::test::cli::run_cli;
using ds::test::cli::RunResult;
using ds::test::cli::Workspace;
using ds::test::cli::write_file;

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> parts;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, sep)) parts.push_back(item);
    return parts;
}

ds::Image test_picture(int w, int h) {
    ds::Image img(w, h, 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            img.at(x, y, 0) = static_cast<float>(x) / (w - 1);
            img.at(x, y, 1) = static_cast<float>(y) / (h - 1);
            img.at(x, y, 2) = ((x / 6 + y / 6) % 2) ? 0.8f : 0.2f;
        }
    return img;
}

ds::Image crop(const ds::Image& img, int x0, int y0, int w, int h) {
    ds::Image out(w, h, img.channels);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < img.channels; ++c) out.at(x, y, c) = img.at(x0 + x, y0 + y, c);
    return out;
}

double mean_abs_diff(const ds::Image& a, const ds::Image& b) {
    double sum = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(a.pixels[i] - b.pixels[i]);
    return sum / a.pixels.size();
}

float max_abs_diff(const ds::Image& a, const ds::Image& b) {
    float m = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) m = std::max(m, std::abs(a.pixels[i] - b.pixels[i]));
    return m;
}

void expect_schedule_csv(const std::string& csv, const ds::NoiseSchedule& s, const std::string& what) {
    const std::vector<std::string> lines = split(csv, '\n');
    ASSERT_EQ(lines.size(), static_cast<size_t>(s.size()) + 1) << what;
    EXPECT_EQ(lines[0], "t,beta,alpha,alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,sigma");
    for (int t = 0; t < s.size(); ++t) {
        const std::vector<std::string> f = split(lines[static_cast<size_t>(t) + 1], ',');
        ASSERT_EQ(f.size(), 8u) << what << " row " << t;
        EXPECT_EQ(f[0], std::to_string(t));
        // %.17g round-trips: the parsed values are the very same doubles.
        const double expected[] = {s.beta(t), s.alpha(t), s.alpha_bar(t), s.sqrt_alpha_bar(t),
                                   s.sqrt_one_minus_alpha_bar(t), s.snr(t), s.sigma(t)};
        for (int k = 0; k < 7; ++k)
            EXPECT_EQ(std::strtod(f[static_cast<size_t>(k) + 1].c_str(), nullptr), expected[k])
                << what << " row " << t << " column " << k + 1;
    }
}

}  // namespace

TEST(CliHelp, ProgramHelpAndVersion) {
    Workspace ws;
    for (const char* flag : {"--help", "-h", "help"}) {
        const RunResult r = run_cli({flag}, ws.path());
        EXPECT_EQ(r.exit_code, 0) << flag;
        for (const char* command : {"schedule", "forward", "demo"})
            EXPECT_NE(r.out.find(command), std::string::npos) << flag << " lists " << command;
        EXPECT_EQ(r.err, "");
    }
    const RunResult v = run_cli({"--version"}, ws.path());
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out, std::string("diffusion-studio-cli ") + DS_VERSION + "\n");
    EXPECT_EQ(ws.entries(), std::vector<std::string>{});
}

TEST(CliHelp, EveryCommandHasHelp) {
    Workspace ws;
    for (const char* command : {"schedule", "forward", "demo", "sample-image"}) {
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{command, "--help"}, std::vector<std::string>{"help", command}}) {
            const RunResult r = run_cli(args, ws.path());
            EXPECT_EQ(r.exit_code, 0) << command;
            EXPECT_EQ(r.out.rfind(std::string("usage: diffusion-studio-cli ") + command, 0), 0u) << r.out;
            EXPECT_NE(r.out.find("--help"), std::string::npos);
        }
    }
    // --help wins over the other options and writes nothing.
    const RunResult r = run_cli({"forward", "--out", ws.file("x.png"), "--help"}, ws.path());
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_FALSE(fs::exists(ws.file("x.png")));
}

TEST(CliSchedule, CsvMatchesNoiseScheduleExactly) {
    Workspace ws;
    struct Case {
        const char* kind;
        ds::ScheduleKind k;
        int T;
        bool zero_snr;
    };
    for (const Case& c : {Case{"linear", ds::ScheduleKind::Linear, 1000, false},
                          Case{"cosine", ds::ScheduleKind::Cosine, 1000, false},
                          Case{"scaled-linear", ds::ScheduleKind::ScaledLinear, 1000, false},
                          Case{"scaled-linear", ds::ScheduleKind::ScaledLinear, 50, true},
                          Case{"cosine", ds::ScheduleKind::Cosine, 1, false}}) {
        std::vector<std::string> args{"schedule", "--kind", c.kind, "--timesteps=" + std::to_string(c.T)};
        if (c.zero_snr) args.push_back("--zero-snr");
        const RunResult r = run_cli(args, ws.path());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.err, "");
        ds::ScheduleConfig config{c.k, c.T};
        config.zero_terminal_snr = c.zero_snr;
        expect_schedule_csv(r.out, ds::NoiseSchedule(config), std::string(c.kind) + " T=" + std::to_string(c.T));
    }
}

TEST(CliSchedule, DefaultsAreLinearWithAThousandSteps) {
    Workspace ws;
    const RunResult r = run_cli({"schedule"}, ws.path());
    ASSERT_EQ(r.exit_code, 0);
    expect_schedule_csv(r.out, ds::NoiseSchedule(ds::ScheduleConfig{ds::ScheduleKind::Linear, 1000}), "defaults");
}

TEST(CliSchedule, CsvFileIsIdenticalToStdout) {
    Workspace ws;
    const RunResult to_stdout = run_cli({"schedule", "--kind", "cosine", "--timesteps", "300"}, ws.path());
    const RunResult to_file =
        run_cli({"schedule", "--kind", "cosine", "--timesteps", "300", "--csv", ws.file("c.csv")}, ws.path());
    ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
    EXPECT_EQ(to_file.out, "");
    EXPECT_EQ(read_file(ws.file("c.csv")), to_stdout.out);
    EXPECT_EQ(ws.entries(), std::vector<std::string>{"c.csv"}) << "no temporary file left";
    // A relative --csv lands in the working folder and replaces an existing file.
    write_file(ws.file("r.csv"), "old");
    ASSERT_EQ(run_cli({"schedule", "--kind=cosine", "--timesteps=300", "--csv=r.csv"}, ws.path()).exit_code, 0);
    EXPECT_EQ(read_file(ws.file("r.csv")), to_stdout.out);
}

TEST(CliForward, GridHasTheLayoutTheInputAndTheNoise) {
    Workspace ws;
    const ds::Image input = test_picture(48, 32);
    ds::write_image(ws.file("in.png"), input);
    const RunResult r = run_cli({"forward", "--image", "in.png", "--schedules", "linear,cosine", "--timesteps",
                                 "0,500,999", "--seed", "3", "--out", "grid.png"},
                                ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("grid.png"), std::string::npos);

    ds::ForwardGridOptions opt;
    opt.timesteps = {0, 500, 999};
    opt.seed = 3;
    const ds::ForwardGridLayout L = ds::forward_grid_layout(48, 32, opt);
    const ds::Image grid = ds::read_image(ws.file("grid.png"));
    ASSERT_EQ(grid.width, L.width);
    ASSERT_EQ(grid.height, L.height);
    ASSERT_EQ(grid.channels, 3);
    // The same figure as the library draws (8-bit PNG: within half a level).
    EXPECT_LE(max_abs_diff(grid, ds::forward_grid(ds::read_image(ws.file("in.png")), opt)), 0.5f / 255 + 1e-6f);
    for (int row = 0; row < 2; ++row) {
        const ds::Image first = crop(grid, L.cell_x(0), L.cell_y(row), 48, 32);
        const ds::Image last = crop(grid, L.cell_x(2), L.cell_y(row), 48, 32);
        EXPECT_LT(max_abs_diff(first, input), 0.05f) << "t=0 is (nearly) the input";
        EXPECT_GT(mean_abs_diff(last, input), 0.2) << "t=999 is noise";
    }
}

TEST(CliForward, WritesJpegTiffAndExr) {
    Workspace ws;
    ds::write_image(ws.file("in.png"), test_picture(40, 40));
    ds::ForwardGridOptions opt;
    opt.timesteps = {0, 250};
    const ds::Image expected = ds::forward_grid(ds::read_image(ws.file("in.png")), opt);
    for (const char* name : {"g.jpg", "g.tif", "g.exr"}) {
        const RunResult r = run_cli({"forward", "--image", "in.png", "--timesteps", "0,250", "--out", name}, ws.path());
        ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
        const ds::Image back = ds::read_image(ws.file(name));
        ASSERT_EQ(back.width, expected.width) << name;
        ASSERT_EQ(back.height, expected.height) << name;
        EXPECT_LT(mean_abs_diff(back, expected), std::string(name) == "g.jpg" ? 0.06 : 1e-3) << name;
    }
}

TEST(CliErrors, BadInputExitsTwoWithOneLineAndNoFile) {
    Workspace ws;
    ds::write_image(ws.file("ok.png"), test_picture(16, 16));
    const std::string png = read_file(ws.file("ok.png"));
    write_file(ws.file("truncated.png"), png.substr(0, png.size() / 2));
    std::string garbage(3000, '\0');
    std::mt19937 rng(5);
    for (char& c : garbage) c = static_cast<char>(rng());
    write_file(ws.file("corrupt.png"), garbage);
    write_file(ws.file("text.png"), "hello, not a picture\n");
    write_file(ws.file("empty.png"), "");
    write_file(ws.file("afile"), "x");
    fs::create_directory(ws.file("folder.png"));

    struct Case {
        std::vector<std::string> args;  // OUT is replaced by the output path
        const char* expected;           // a part of the error message
        bool over_existing = false;     // also run with a file already at OUT (it must survive)
    };
    const std::vector<std::string> fwd{"forward", "--image", "ok.png", "--out", "OUT"};
    auto forward_with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = fwd;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    auto forward_image = [](const std::string& image) {
        return std::vector<std::string>{"forward", "--image", image, "--out", "OUT"};
    };
    const std::vector<Case> cases{
        {forward_image("missing.png"), "no such file", true},
        {forward_image("folder.png"), "folder.png"},
        {forward_image("corrupt.png"), "corrupt.png", true},
        {forward_image("truncated.png"), "truncated.png", true},
        {forward_image("text.png"), "text.png"},
        {forward_image("empty.png"), "empty"},
        {forward_with({"--schedules", "linear,fancy"}), "unknown schedule 'fancy'", true},
        {forward_with({"--schedules", "linear,,cosine"}), "empty item"},
        {forward_with({"--T", "0"}), "--T"},
        {forward_with({"--T", "100001"}), "100001"},
        {forward_with({"--T", "10x"}), "'10x' is not an integer", true},
        {forward_with({"--timesteps", "0,1000"}), "1000 is outside [0, 1000)", true},
        {forward_with({"--timesteps", "-1"}), "-1"},
        {forward_with({"--T", "50", "--timesteps", "0,50"}), "50 is outside [0, 50)"},
        {forward_with({"--timesteps", "0,10x"}), "'10x'"},
        {forward_with({"--seed", "10x"}), "--seed"},
        {forward_with({"--seed", "-1"}), "--seed"},
        {forward_with({"--seed", "99999999999999999999999"}), "out of range"},
        {forward_with({"--max-cell", "-4"}), "--max-cell"},
        {forward_with({"--bogus"}), "unknown option '--bogus'", true},
        {forward_with({"--no-labels=yes"}), "takes no value"},
        {forward_with({"stray"}), "unexpected argument 'stray'"},
        {{"forward", "--image", "ok.png"}, "--out"},
        {{"forward", "--out", "OUT"}, "--image"},
        {{"forward", "--image", "ok.png", "--out"}, "needs a value"},
        {{"forward", "--image", "ok.png", "--out", "OUT", "--seed", "1", "--seed", "2"}, "given twice"},
        {{"schedule", "--kind", "fancy", "--csv", "OUT"}, "unknown schedule 'fancy'", true},
        {{"schedule", "--timesteps", "0", "--csv", "OUT"}, "--timesteps"},
        {{"schedule", "--timesteps", "100001", "--csv", "OUT"}, "100001"},
        {{"schedule", "--timesteps", "5x", "--csv", "OUT"}, "'5x' is not an integer", true},
        {{"schedule", "--zero-snr=1", "--csv", "OUT"}, "takes no value"},
        {{"schedule", "--csv", "OUT", "--kind"}, "needs a value"},
        {{"sample-image", "--out", "OUT", "--size", "2"}, "--size"},
        {{"eval", "--cfg", "5,abc", "--json", "OUT"}, "--cfg: 'abc' is not a number"},
        {{"eval", "--cfg", "inf", "--json", "OUT"}, "--cfg: 'inf' is not a finite number"},
        {{"eval", "--cfg", "5,101", "--json", "OUT"}, "--cfg: 101 is outside [0, 100]", true},
        {{"eval", "--split", "test", "--json", "OUT"}, "--split must be held-out or training, got 'test'", true},
        {{"eval", "--caption", "long", "--json", "OUT"}, "--caption: each style must be minimal or full, got 'long'", true},
        {{"eval", "--caption", "full,minimal,full", "--json", "OUT"}, "--caption: 'full' is given twice", true},
        {{"frobnicate"}, "unknown command 'frobnicate'"},
        {{"--frobnicate"}, "unknown option '--frobnicate'"},
        {{}, "no command given"},
    };
    const std::string out_name = "result.png";
    for (const bool existing : {false, true}) {
        for (const Case& c : cases) {
            if (existing && !c.over_existing) continue;  // each run costs ~1 s of libtorch start-up
            std::vector<std::string> args = c.args;
            const bool csv = !args.empty() && args[0] == "schedule";
            const std::string out = ws.file(csv ? "result.csv" : out_name);
            for (std::string& a : args)
                if (a == "OUT") a = out;
            if (existing) write_file(out, "precious");
            const RunResult r = run_cli(args, ws.path());
            std::string what;
            for (const std::string& a : args) what += a + " ";
            EXPECT_EQ(r.exit_code, 2) << what;
            EXPECT_EQ(r.err.rfind(kErrorPrefix, 0), 0u) << what << "\n" << r.err;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
            EXPECT_NE(r.err.find(c.expected), std::string::npos) << what << "\n" << r.err;
            if (existing)
                EXPECT_EQ(read_file(out), "precious") << what;
            else
                EXPECT_FALSE(fs::exists(out)) << what;
            fs::remove(out);
        }
    }
    EXPECT_EQ(ws.entries(), (std::vector<std::string>{"afile", "corrupt.png", "empty.png", "folder.png", "ok.png",
                                                     "text.png", "truncated.png"}))
        << "no output or temporary file was left";
}

TEST(CliErrors, UnwritableOutputsFailCleanly) {
    Workspace ws;
    ds::write_image(ws.file("in.png"), test_picture(16, 16));
    write_file(ws.file("afile"), "x");
    fs::create_directory(ws.file("taken.png"));
    struct Case {
        std::vector<std::string> args;
        std::string expected;
    };
    const std::vector<Case> cases{
        {{"forward", "--image", "in.png", "--out", ws.file("no/such/dir/g.png")}, "does not exist"},
        {{"forward", "--image", "in.png", "--out", ws.file("afile/g.png")}, "not a folder"},
        {{"forward", "--image", "in.png", "--out", ws.file("taken.png")}, "folder"},
        {{"forward", "--image", "in.png", "--out", ws.file("g.xyz")}, "unknown extension '.xyz'"},
        {{"forward", "--image", "in.png", "--out", ws.file("g")}, "no file extension"},
        {{"schedule", "--csv", ws.file("no/such/dir/s.csv")}, "does not exist"},
        {{"schedule", "--csv", ws.file("afile/s.csv")}, "not a folder"},
        {{"demo", "--out-dir", ws.file("afile")}, "afile"},
        {{"demo", "--out-dir", ws.file("afile/sub")}, "afile"},
        {{"sample-image", "--out", ws.file("s.gif")}, "unknown extension '.gif'"},
    };
    for (const Case& c : cases) {
        const RunResult r = run_cli(c.args, ws.path());
        EXPECT_EQ(r.exit_code, 2) << c.args.back();
        EXPECT_EQ(r.err.rfind(kErrorPrefix, 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    }
    EXPECT_EQ(ws.entries(), (std::vector<std::string>{"afile", "in.png", "taken.png"}));
    EXPECT_TRUE(fs::is_empty(ws.file("taken.png")));
}

TEST(CliDemo, WritesTheSchedulesAndTheGrid) {
    Workspace ws;
    const RunResult r = run_cli({"demo", "--out-dir", "out"}, ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* kind : {"linear", "cosine", "scaled-linear"}) {
        const std::string csv = ws.file(std::string("out/schedule-") + kind + ".csv");
        EXPECT_NE(r.out.find(std::string("schedule-") + kind + ".csv"), std::string::npos) << r.out;
        const auto kind_enum = ds::parse_schedule_kind(kind);
        ASSERT_TRUE(kind_enum.has_value());
        expect_schedule_csv(read_file(csv), ds::NoiseSchedule(ds::ScheduleConfig{*kind_enum, 1000}), kind);
    }
    EXPECT_NE(r.out.find("forward-grid.png"), std::string::npos);
    const ds::Image grid = ds::read_image(ws.file("out/forward-grid.png"));
    ds::ForwardGridOptions opt;
    opt.schedules = {ds::ScheduleKind::Linear, ds::ScheduleKind::Cosine, ds::ScheduleKind::ScaledLinear};
    const ds::ForwardGridLayout L = ds::forward_grid_layout(256, 256, opt);
    EXPECT_EQ(grid.width, L.width);
    EXPECT_EQ(grid.height, L.height);
}

TEST(CliDemo, DefaultFolderIsDemoOutputUnderTheWorkingFolder) {
    Workspace ws;
    const RunResult r = run_cli({"demo"}, ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::is_regular_file(ws.file("demo-output/forward-grid.png")));
    EXPECT_TRUE(fs::is_regular_file(ws.file("demo-output/schedule-cosine.csv")));
    EXPECT_NE(r.out.find("demo-output/forward-grid.png"), std::string::npos) << r.out;
}

TEST(CliSampleImage, WritesTheBuiltInPicture) {
    Workspace ws;
    const RunResult r = run_cli({"sample-image", "--out", "s.png", "--size", "64"}, ws.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const ds::Image img = ds::read_image(ws.file("s.png"));
    EXPECT_EQ(img.width, 64);
    EXPECT_EQ(img.height, 64);
    double spread = 0;  // a picture, not a flat colour
    for (float v : img.pixels) spread += std::abs(v - img.pixels[0]);
    EXPECT_GT(spread / img.pixels.size(), 0.1);
}
