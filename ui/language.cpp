#include "ui/language.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>
#include <memory>

namespace ds::ui {
namespace {

const QString kResourceDir = QStringLiteral(":/i18n");
const QString kPrefix = QStringLiteral("diffusion-studio_");

struct Installed {
    QString code;
    std::unique_ptr<QTranslator> studio;
    std::unique_ptr<QTranslator> qt;
};

Installed& installed() {
    static Installed state;
    return state;
}

void removeInstalled() {
    Installed& state = installed();
    if (state.studio) QCoreApplication::removeTranslator(state.studio.get());
    if (state.qt) QCoreApplication::removeTranslator(state.qt.get());
    state.studio.reset();
    state.qt.reset();
    state.code.clear();
}

}  // namespace

QStringList availableLanguages() {
    QStringList codes;
    const QStringList files =
        QDir(kResourceDir).entryList({kPrefix + QStringLiteral("*.qm")}, QDir::Files, QDir::Name);
    for (const QString& file : files) codes << file.mid(kPrefix.size()).chopped(3);
    return codes;
}

QString languageDisplayName(const QString& code) {
    const QLocale locale(code);
    QString name = locale.nativeLanguageName();
    if (code.contains(QLatin1Char('_')) && !locale.nativeTerritoryName().isEmpty())
        name += QStringLiteral(" (%1)").arg(locale.nativeTerritoryName());
    if (!name.isEmpty()) name[0] = name[0].toUpper();
    return name.isEmpty() ? code : name;
}

QString systemLanguage() {
    const QStringList available = availableLanguages();
    const QLocale system = QLocale::system();
    if (available.contains(system.name())) return system.name();
    const QString language = QLocale::languageToCode(system.language());
    for (const QString& code : available)
        if (code == language || code.startsWith(language + QLatin1Char('_'))) return code;
    return QStringLiteral("en");
}

bool setLanguage(const QString& requested, QString* error) {
    const QString code = requested.isEmpty() ? systemLanguage() : requested;
    if (!availableLanguages().contains(code)) {
        if (error)
            *error = QStringLiteral("unknown language '%1' (available: %2)")
                         .arg(code, availableLanguages().join(QStringLiteral(", ")));
        return false;
    }
    auto studio = std::make_unique<QTranslator>();
    if (!studio->load(kResourceDir + QLatin1Char('/') + kPrefix + code + QStringLiteral(".qm"))) {
        if (error) *error = QStringLiteral("could not load the '%1' translation").arg(code);
        return false;
    }
    removeInstalled();
    Installed& state = installed();
    // Qt's own strings (file dialog buttons, "Cancel"): optional, present when qt6-translations-l10n is
    // installed.
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(QLocale(code), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        state.qt = std::move(qt);
    }
    QLocale::setDefault(QLocale(code));  // before the LanguageChange below: readouts reformat with it
    QCoreApplication::installTranslator(studio.get());  // widgets get QEvent::LanguageChange
    state.studio = std::move(studio);
    state.code = code;
    return true;
}

QString currentLanguage() { return installed().code; }

}  // namespace ds::ui
