#pragma once
// Edit ▸ Preferences: where and how the engine computes (device, threads) and how often a step's x̂0
// is decoded with the VAE for the steps panel. Stored in QSettings under "preferences/".
#include <QDialog>

#include "ui/generation_request.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace ds::ui {

EngineOptions loadEngineOptions();
void saveEngineOptions(const EngineOptions& options);

class PreferencesDialog : public QDialog {
    Q_OBJECT

public:
    explicit PreferencesDialog(const EngineOptions& options, QWidget* parent = nullptr);
    EngineOptions options() const;
    // The interface language chosen: a code of availableLanguages(), or "" to follow the system.
    QString language() const;

private:
    QComboBox* m_language = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_threads = nullptr;
    QSpinBox* m_decode = nullptr;
};

}  // namespace ds::ui
