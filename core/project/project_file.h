#pragma once
// The project file (.dsproj): one self-checking binary file, written atomically (temp + rename, so
// a crash mid-save leaves the previous file intact) and read back exactly as saved (every pixel
// float bit for bit, every string byte for byte). Layout, all integers little-endian:
//
//     0   8 bytes  magic "DSPROJ\r\n" (the CR LF catches text-mode mangling)
//     8   u32      format version (1)
//     12  u32      0 (reserved)
//     16  u64      total file size in bytes (a truncated file is named as such)
//     24  u64      J, the header's size
//     32  J bytes  header: UTF-8 JSON {format, version, canvas, prompt, negative_prompt, settings,
//                  layers, mask, history, blobs}; layers/mask/history refer to blobs by index
//     ..           data: the blobs back to back, in the header's order, each an image's HWC pixels
//                  as "u8" (q / 255.0f, used only when that reproduces every float exactly) or
//                  "f32" (IEEE floats)
//     end-8 u32    CRC-32 (IEEE 802.3) of every byte before it
//     end-4        "END\n"
//
// Opening validates everything (magic, version, size, checksum, JSON, every field and blob) before
// building the project; any problem is one ProjectError line naming the file. Opening never writes.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/project/project.h"

namespace ds {

class ProjectError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

constexpr const char* kProjectExtension = ".dsproj";
constexpr int kProjectFormatVersion = 1;

// Throws ProjectError naming the first problem: a canvas side outside 1..kMaxImageSide, a layer or
// history image that is not a well-formed grey/RGB/RGBA image, an opacity outside [0, 1], a mask
// that is not one channel of the canvas's size, text that is not valid UTF-8.
void validate_project(const Project& project);

// The file's bytes (validates first).
std::string encode_project(const Project& project);
// Parses bytes produced by encode_project; `name` names the source in errors.
Project decode_project(std::string_view bytes, const std::string& name);

// Validates, encodes and replaces `path` atomically. Throws ProjectError (nothing written) or
// FileError (the folder cannot be written; the old file is untouched).
void save_project(const std::string& path, const Project& project);
// Throws ProjectError for a missing, unreadable, truncated, corrupt or newer-version file.
Project open_project(const std::string& path);

// CRC-32 (IEEE 802.3, the zlib/PNG one) of `bytes`, continuing from `crc` (0 to start).
uint32_t crc32(std::string_view bytes, uint32_t crc = 0);

}  // namespace ds
