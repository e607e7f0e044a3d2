#pragma once
// Writing a generated picture: PNG (or any ds::write_image format) with the A1111 "parameters" text
// chunk other Stable Diffusion tools read, written atomically by the core (temp file + rename).
// Torch-free header; the .cpp reaches core/io through the bridge.
#include <QImage>
#include <QString>

namespace ds::ui {

// Returns false with *error set to the core's one-line reason (unknown extension, unwritable folder,
// null image); nothing is left at `path` then. keepAlpha: transparent pixels stay transparent where
// the format has alpha (PNG, TIFF, EXR); otherwise they are composited over white.
bool saveResultImage(const QString& path, const QImage& image, const QString& parameters,
                     QString* error = nullptr, bool keepAlpha = false);

// Reads any image OpenImageIO understands as RGBA8888 (grey and RGB become opaque RGBA). Returns
// false with *error set to one line naming the file and the problem (missing, corrupt, too large).
bool readImageFile(const QString& path, QImage* image, QString* error = nullptr);

// The "parameters" text of an image file, empty when it has none or cannot be read.
QString readParametersText(const QString& path);

}  // namespace ds::ui
