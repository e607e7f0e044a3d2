#pragma once
// Write-to-temp-then-rename: a reader of `target` sees the old file or the complete new one, never a
// half-written file, and a failed or abandoned write leaves nothing behind.
#include <stdexcept>
#include <string>
#include <string_view>

namespace ds {

// A file could not be created, written, synced or renamed. The message names the path and the cause.
class FileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class AtomicFile {
public:
    // Creates "<dir>/<name>.tmp-XXXXXX" beside `target` (mkstemp), or with keep_extension
    // "<dir>/<stem>.tmp-XXXXXX<ext>" for writers that pick the format from the file name.
    // Throws FileError when the folder is missing, not a folder, or not writable, or when
    // `target` is an existing folder.
    explicit AtomicFile(std::string target, bool keep_extension = false);
    ~AtomicFile();  // removes the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& target_path() const { return target_; }
    // Where the content goes. An external writer (an image library) may open this path itself,
    // truncating it; write() below appends through the descriptor opened by mkstemp.
    const std::string& temp_path() const { return temp_; }

    void write(std::string_view bytes);  // throws FileError (disk full, ...)

    // fsync the temporary file, give it the permissions a newly created file would get (or those of
    // the file it replaces), rename it over the target and fsync the folder. Throws FileError.
    void commit();
    bool committed() const { return committed_; }

private:
    void close_fd();

    std::string target_;
    std::string temp_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace ds
