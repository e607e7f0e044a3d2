#include "ui/bridge/result_file.h"

#include <QCoreApplication>
#include <exception>

#include "core/io/image_io.h"
#include "ui/bridge/image_bridge.h"

namespace ds::ui {

bool saveResultImage(const QString& path, const QImage& image, const QString& parameters, QString* error,
                     bool keepAlpha) {
    const ds::Image pixels = keepAlpha ? fromQImageKeepingAlpha(image) : fromQImage(image);
    if (pixels.empty()) {
        if (error) *error = QStringLiteral("there is no image to save");
        return false;
    }
    ds::ImageWriteOptions options;
    if (!parameters.isEmpty()) options.text["parameters"] = parameters.toStdString();
    options.text["Software"] = (QStringLiteral("diffusion-studio ") + QCoreApplication::applicationVersion())
                                   .trimmed()
                                   .toStdString();
    try {
        ds::write_image(path.toStdString(), pixels, options);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

QString readParametersText(const QString& path) {
    try {
        const auto text = ds::read_image_text(path.toStdString());
        const auto it = text.find("parameters");
        return it == text.end() ? QString() : QString::fromStdString(it->second);
    } catch (const std::exception&) {
        return {};
    }
}

bool readImageFile(const QString& path, QImage* image, QString* error) {
    try {
        const QImage read = toQImage(ds::read_image(path.toStdString()));
        if (read.isNull()) {
            if (error) *error = QStringLiteral("%1: the image could not be converted").arg(path);
            return false;
        }
        *image = read.convertToFormat(QImage::Format_RGBA8888);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

}  // namespace ds::ui
