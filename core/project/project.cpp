#include "core/project/project.h"

#include <cstring>

namespace ds {

bool same_pixels(const Image& a, const Image& b) {
    return a.width == b.width && a.height == b.height && a.channels == b.channels &&
           a.pixels.size() == b.pixels.size() &&
           (a.pixels.empty() || std::memcmp(a.pixels.data(), b.pixels.data(), a.pixels.size() * sizeof(float)) == 0);
}

bool ProjectLayer::operator==(const ProjectLayer& o) const {
    return name == o.name && same_pixels(image, o.image) && x == o.x && y == o.y && visible == o.visible &&
           opacity == o.opacity;
}

bool ProjectHistoryEntry::operator==(const ProjectHistoryEntry& o) const {
    return kind == o.kind && parameters == o.parameters && created == o.created && extra == o.extra &&
           same_pixels(image, o.image);
}

bool Project::operator==(const Project& o) const {
    return width == o.width && height == o.height && layers == o.layers && same_pixels(mask, o.mask) &&
           prompt == o.prompt && negative_prompt == o.negative_prompt && settings == o.settings &&
           history == o.history;
}

}  // namespace ds
