// diffusion-studio-cli: the studio's computations without a display. Every failure is one line on
// stderr, "diffusion-studio-cli: error: ...", and exit status 2; outputs are written atomically.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/cli/cli_output.h"
#include "app/cli/commands.h"
#include "core/runtime/threads.h"

namespace ds::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list{
        {"schedule", "print a noise schedule table as CSV", schedule_parser, run_schedule},
        {"forward", "write the forward-process grid of an image", forward_parser, run_forward},
        {"demo", "write the schedule tables and the forward grid of the sample picture", demo_parser, run_demo},
        {"sample-image", "write the built-in sample picture", sample_image_parser, run_sample_image},
        {"generate", "generate an image from a prompt with a Stable Diffusion model", generate_parser, run_generate},
        {"img2img", "redraw an image from a noised version of it with a prompt", img2img_parser, run_img2img},
        {"inpaint", "repaint the white part of a mask", inpaint_parser, run_inpaint},
        {"outpaint", "extend an image past its borders", outpaint_parser, run_outpaint},
        {"info", "describe a Stable Diffusion model (layout, version, parameters, notes)", info_parser, run_info},
        {"dataset", "build the emoji training shard from emoji-datasource packages", dataset_parser, run_dataset},
        {"eval", "evaluate the built-in model: category accuracy of generated images, loss per t band", eval_parser, run_eval},
        {"train", "train the built-in model (tokenizer, vae, unet, inpaint) and export it", train_parser, run_train},
        {"bench", "time a model's guided step and VAE decode against this machine's sgemm rate", bench_parser, run_bench},
    };
    return list;
}

namespace {

// Where write_progress() goes: the real stderr, also while HeldStderr holds fd 2.
int progress_fd = STDERR_FILENO;

}  // namespace

void write_progress(const std::string& line) {
    std::string text = line + "\n";
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(progress_fd, text.data() + done, text.size() - done);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return;  // progress is best effort
        }
        done += static_cast<size_t>(n);
    }
}

namespace {

constexpr const char* kProgram = "diffusion-studio-cli";

std::string program_help() {
    std::string text = std::string("usage: ") + kProgram + " <command> [options]\n       " + kProgram +
                       " <command> --help\n\nDiffusion Studio without a display.\n\ncommands:\n";
    for (const Command& c : commands()) {
        std::string name = c.name;
        name.resize(14, ' ');
        text += "  " + name + c.summary + "\n";
    }
    text += "\noptions:\n  -h, --help    show this help\n  --version     show the version\n";
    return text;
}

const Command* find_command(const std::string& name) {
    for (const Command& c : commands())
        if (name == c.name) return &c;
    return nullptr;
}

// One line, whatever the exception carried (a torch error appends a backtrace on further lines).
std::string first_line(const char* what) {
    std::string s = what ? what : "unknown error";
    const size_t nl = s.find_first_of("\r\n");
    if (nl != std::string::npos) s.resize(nl);
    return s.empty() ? "unknown error" : s;
}

// Libraries write their own diagnostics to stderr (libpng prints "libpng error: ..." before OIIO
// reports the same failure). A failure must be ONE line, so while a command runs, stderr goes to an
// unnamed temporary file that is replayed only when the command succeeds.
class HeldStderr {
public:
    HeldStderr() {
        std::fflush(stderr);
        hold_ = std::tmpfile();
        saved_ = ::dup(STDERR_FILENO);
        if (!hold_ || saved_ < 0 || ::dup2(::fileno(hold_), STDERR_FILENO) < 0) restore(false);
        if (saved_ >= 0) progress_fd = saved_;
    }
    ~HeldStderr() { restore(false); }
    void restore(bool replay) {
        std::fflush(stderr);
        progress_fd = STDERR_FILENO;
        if (saved_ >= 0) {
            ::dup2(saved_, STDERR_FILENO);
            ::close(saved_);
            saved_ = -1;
        }
        if (!hold_) return;
        if (replay) {
            std::rewind(hold_);
            char buffer[4096];
            size_t n;
            while ((n = std::fread(buffer, 1, sizeof buffer, hold_)) > 0) std::fwrite(buffer, 1, n, stderr);
        }
        std::fclose(hold_);
        hold_ = nullptr;
    }

private:
    std::FILE* hold_ = nullptr;
    int saved_ = -1;
};

int run(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError(std::string("no command given (try '") + kProgram + " --help')");
    const std::string& first = args[0];
    if (first == "--help" || first == "-h") {
        write_stdout(program_help());
        return 0;
    }
    if (first == "--version") {
        write_stdout(std::string(kProgram) + " " + DS_VERSION + "\n");
        return 0;
    }
    if (first == "help") {
        if (args.size() == 1) {
            write_stdout(program_help());
            return 0;
        }
        const Command* c = find_command(args[1]);
        if (!c) throw UsageError("unknown command '" + args[1] + "'");
        write_stdout(c->parser().help_text());
        return 0;
    }
    const Command* c = find_command(first);
    if (!c) {
        if (first.rfind("-", 0) == 0) throw UsageError("unknown option '" + first + "' (a command comes first)");
        throw UsageError("unknown command '" + first + "' (try '" + std::string(kProgram) + " --help')");
    }
    return c->run(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace
}  // namespace ds::cli

int main(int argc, char** argv) {
    // A closed standard stream would be reused by the next open() (the held-stderr file, an output
    // image): park /dev/null there, opened the wrong way round so that using it still fails.
    for (int fd = 0; fd <= 2; ++fd)
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) ::open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
    std::string error;
    {
        ds::cli::HeldStderr held;
        try {
            ds::configure_threads(ds::ThreadRole::Batch);
            const int status = ds::cli::run(std::vector<std::string>(argv + 1, argv + argc));
            held.restore(/*replay=*/true);
            return status;
        } catch (const std::exception& e) {
            error = ds::cli::first_line(e.what());
        } catch (...) {
            error = "unknown error";
        }
    }
    std::fprintf(stderr, "%s: error: %s\n", ds::cli::kProgram, error.c_str());
    return 2;
}
