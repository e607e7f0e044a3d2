#pragma once
// Writing a generated picture: PNG (or any ds::write_image format) with the A1111 "parameters" text
// chunk other Stable Diffusion tools read, written atomically by the core (temp file + rename).
// Torch-free header; the .cpp reaches core/io through the bridge.
#include <QImage>
#include <QString>

namespace ds::ui {

// Returns false with *error set to the core's one-line reason (unknown extension, unwritable folder,
// null image); nothing is left at `path` then.
bool saveResultImage(const QString& path, const QImage& image, const QString& parameters,
                     QString* error = nullptr);

// The "parameters" text of an image file, empty when it has none or cannot be read.
QString readParametersText(const QString& path);

}  // namespace ds::ui
