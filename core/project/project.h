#pragma once
// A canvas project: the layers, the inpainting mask, the prompts and settings, and the history of
// results with the parameters that made each one. Plain data (no Qt, no torch): the studio edits
// it, project_file.h saves and opens it.
#include <map>
#include <string>
#include <vector>

#include "core/image/image.h"

namespace ds {

struct ProjectLayer {
    std::string name;
    Image image;          // 1, 3 or 4 channels, any size
    int x = 0;            // top-left corner on the canvas
    int y = 0;
    bool visible = true;
    double opacity = 1.0;  // 0..1

    bool operator==(const ProjectLayer& o) const;
};

// One result applied to (or offered for) the canvas.
struct ProjectHistoryEntry {
    std::string kind;        // "txt2img", "img2img", "inpaint", "outpaint", ...
    std::string parameters;  // the A1111 "parameters" text (generation_metadata.h)
    std::string created;     // ISO 8601 time, as the caller formats it ("" = unknown)
    std::map<std::string, std::string> extra;  // anything else the studio wants to keep
    Image image;             // the result's pixels; empty = not kept

    bool operator==(const ProjectHistoryEntry& o) const;
};

struct Project {
    int width = 0;   // the canvas
    int height = 0;
    std::vector<ProjectLayer> layers;  // bottom first
    Image mask;                        // one channel of the canvas's size, 1 = repaint; empty = none
    std::string prompt;
    std::string negative_prompt;
    std::map<std::string, std::string> settings;  // sampler, steps, cfg, seed, feather, ... as text
    std::vector<ProjectHistoryEntry> history;     // oldest first

    bool operator==(const Project& o) const;
    bool operator!=(const Project& o) const { return !(*this == o); }
};

// Pixel-exact image equality (sizes, channels and every float's bits; NaN never occurs in a project).
bool same_pixels(const Image& a, const Image& b);

}  // namespace ds
