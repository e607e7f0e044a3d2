#pragma once
// The studio's side of a project file (core/project/project_file.h does the bytes): the canvas's
// picture and mask, the outpaint frame and feather, the generation panel's settings and the history,
// converted to and from ds::Project exactly (8-bit pixels round-trip bit for bit).
#include <QImage>
#include <QMargins>
#include <QString>
#include <QVector>
#include <map>
#include <string>

#include "ui/generation_request.h"

namespace ds {
struct Project;
}

namespace ds::ui {

struct StudioProject {
    QImage image;  // the canvas picture (RGBA8888); null: no canvas yet
    QImage mask;   // Grayscale8 of the picture's size, 255 = repaint; null: no mask
    QMargins outpaintMargins;
    int featherRadius = 0;
    GenerationRequest settings;           // the panel's settings (initImage and mask left empty)
    bool randomSeed = true;
    QVector<GenerationOutcome> history;  // oldest first
};

// A request's settings as text (the project's "settings" map and each history entry's "extra"),
// and back: unknown keys are ignored, missing or malformed ones keep `defaults`' values.
std::map<std::string, std::string> requestSettings(const GenerationRequest& request);
GenerationRequest requestFromSettings(const std::map<std::string, std::string>& settings,
                                      const GenerationRequest& defaults = {});

// Everything but the pixels and the history, as text: the request's settings (prompts included)
// plus the seed mode, the outpaint frame and the feather. Cheap: what autosave compares.
std::map<std::string, std::string> projectSettings(const StudioProject& project);

ds::Project toProject(const StudioProject& project);
// Throws std::invalid_argument when the project holds something the studio cannot show (e.g. a
// mask without a picture).
StudioProject fromProject(const ds::Project& project);

// Atomic save (temp file + rename; the old file survives any failure) and a validated open. Both
// return false with *error set to one line naming the file and the problem; open changes nothing.
bool saveStudioProject(const QString& path, const StudioProject& project, QString* error = nullptr);
bool openStudioProject(const QString& path, StudioProject* project, QString* error = nullptr);

}  // namespace ds::ui
