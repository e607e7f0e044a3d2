#pragma once
// The studio's interface languages: translations compiled from translations/*.ts and embedded as
// resources (:/i18n/diffusion-studio_<code>.qm). Switching installs the translator on the running
// application; widgets retranslate on QEvent::LanguageChange.
#include <QString>
#include <QStringList>

namespace ds::ui {

// The QSettings key that remembers the user's choice ("" = follow the system).
inline constexpr char kLanguageSettingsKey[] = "language";

QStringList availableLanguages();                  // codes with an embedded translation, e.g. {"en", "pt_BR"}
QString languageDisplayName(const QString& code);  // in the language itself: "English", "Português (Brasil)"

// The best available match for the system locale (exact "pt_BR", then language "pt"), else "en".
QString systemLanguage();

// Installs `code` ("" = systemLanguage()) on the running application, replacing the previous one,
// together with Qt's own translation for standard dialogs when the system has it, and makes it
// QLocale's default (number formats). Returns false with *error set for an unknown code.
bool setLanguage(const QString& code, QString* error = nullptr);
QString currentLanguage();

}  // namespace ds::ui
