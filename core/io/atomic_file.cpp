#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace ds {
namespace fs = std::filesystem;
namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

// The process umask, read without changing it (umask(2) can only set it, racing other threads).
mode_t current_umask() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8));
    }
    return 022;
}

void fsync_folder(const std::string& folder) {
    const int dfd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return;  // best effort: the rename itself has happened
    ::fsync(dfd);
    ::close(dfd);
}

}  // namespace

AtomicFile::AtomicFile(std::string target, bool keep_extension) : target_(std::move(target)) {
    const fs::path path(target_);
    if (target_.empty() || !path.has_filename())
        throw FileError("cannot write " + in_quotes(target_) + ": not a file name");
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw FileError("cannot write " + in_quotes(target_) + ": it is a folder");
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::exists(folder, ec))
        throw FileError("cannot write " + in_quotes(target_) + ": folder " + in_quotes(folder.string()) +
                        " does not exist");
    if (!fs::is_directory(folder, ec))
        throw FileError("cannot write " + in_quotes(target_) + ": " + in_quotes(folder.string()) +
                        " is not a folder");

    std::string suffix;
    std::string stem = path.filename().string();
    if (keep_extension && path.has_extension()) {
        suffix = path.extension().string();
        stem = path.stem().string();
    }
    const std::string pattern = (folder / (stem + ".tmp-XXXXXX" + suffix)).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    fd_ = ::mkostemps(buffer.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
    if (fd_ < 0) {
        const int err = errno;
        throw FileError("cannot write " + in_quotes(target_) + ": cannot create a file in folder " +
                        in_quotes(folder.string()) + ": " + errno_text(err));
    }
    temp_.assign(buffer.data());
}

AtomicFile::~AtomicFile() {
    close_fd();
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFile::close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void AtomicFile::write(std::string_view bytes) {
    if (fd_ < 0) throw FileError("cannot write " + in_quotes(target_) + ": the file is already closed");
    const char* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            throw FileError("cannot write " + in_quotes(target_) + ": " + errno_text(err));
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
}

void AtomicFile::commit() {
    if (committed_) return;
    close_fd();
    // Reopen by name: an external writer may have replaced the content through its own handle.
    const int fd = ::open(temp_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        throw FileError("cannot write " + in_quotes(target_) + ": temporary file vanished: " + errno_text(err));
    }
    struct stat existing {};
    const mode_t mode = ::stat(target_.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)
                            ? (existing.st_mode & 07777)
                            : (0666 & ~current_umask());
    ::fchmod(fd, mode);  // mkstemp creates 0600; a failure here only leaves the file private
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        throw FileError("cannot write " + in_quotes(target_) + ": " + errno_text(err));
    }
    ::close(fd);
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
        const int err = errno;
        throw FileError("cannot write " + in_quotes(target_) + ": " + errno_text(err));
    }
    committed_ = true;
    const fs::path parent = fs::path(target_).parent_path();
    fsync_folder(parent.empty() ? "." : parent.string());
}

}  // namespace ds
