#pragma once
// Shared by the widget tests: one executable runs every test class (registered with
// DS_REGISTER_UI_TEST, selected by `ds_ui_tests <Class>[,<Class>...]`), and each class keeps its
// settings in its own folder under the output folder so no test sees the user's or another's.
#include <QCoreApplication>
#include <QDir>
#include <QObject>
#include <QSettings>
#include <QString>
#include <functional>
#include <memory>

namespace ds::test {

using UiTestFactory = std::function<std::unique_ptr<QObject>()>;
bool registerUiTest(const char* name, UiTestFactory factory);

// $DS_TEST_OUTPUT_DIR, else a folder in the system's temp folder; created.
inline QString uiTestOutputDir() {
    QString dir = qEnvironmentVariable("DS_TEST_OUTPUT_DIR");
    if (dir.isEmpty()) dir = QDir::temp().filePath(QStringLiteral("ds_ui_tests"));
    QDir().mkpath(dir);
    return dir;
}

// A fresh, empty settings store named after the test class.
inline void useFreshSettings(const QString& name) {
    QCoreApplication::setOrganizationName(QStringLiteral("DiffusionStudio"));
    QCoreApplication::setApplicationName(QStringLiteral("diffusion-studio-tests"));
    const QString settingsDir = QDir(uiTestOutputDir()).filePath(QStringLiteral("settings-") + name);
    QDir(settingsDir).removeRecursively();
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir);
    QSettings().clear();
}

}  // namespace ds::test

#define DS_REGISTER_UI_TEST(Class)                                   \
    static const bool dsUiTestRegistered##Class = ds::test::registerUiTest( \
        #Class, [] { return std::unique_ptr<QObject>(new Class); });
