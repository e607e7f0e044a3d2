#include "ui/preferences_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "ui/bridge/generation_engine.h"
#include "ui/language.h"

namespace ds::ui {
namespace {

const char kDeviceKey[] = "preferences/device";
const char kThreadsKey[] = "preferences/threads";
const char kDecodeKey[] = "preferences/decodeInterval";

}  // namespace

EngineOptions loadEngineOptions() {
    const QSettings settings;
    EngineOptions o;
    o.device = settings.value(kDeviceKey, o.device).toString();
    if (!GenerationEngine::devices().contains(o.device)) o.device = QStringLiteral("auto");  // e.g. GPU gone
    o.threads = qBound(0, settings.value(kThreadsKey, o.threads).toInt(), 1024);
    o.decodeInterval = qBound(0, settings.value(kDecodeKey, o.decodeInterval).toInt(), 1000);
    return o;
}

void saveEngineOptions(const EngineOptions& o) {
    QSettings settings;
    settings.setValue(kDeviceKey, o.device);
    settings.setValue(kThreadsKey, o.threads);
    settings.setValue(kDecodeKey, o.decodeInterval);
}

PreferencesDialog::PreferencesDialog(const EngineOptions& options, QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_language->addItem(tr("System language"), QString());
    for (const QString& code : availableLanguages()) m_language->addItem(languageDisplayName(code), code);
    m_language->setCurrentIndex(
        qMax(0, m_language->findData(QSettings().value(QLatin1String(kLanguageSettingsKey)).toString())));
    m_device = new QComboBox(this);
    m_device->setObjectName(QStringLiteral("deviceCombo"));
    for (const QString& device : GenerationEngine::devices()) {
        const QString label = device == QLatin1String("auto")  ? tr("Automatic (GPU when present)")
                              : device == QLatin1String("cpu") ? tr("CPU")
                                                               : tr("GPU (CUDA)");
        m_device->addItem(label, device);
    }
    m_device->setCurrentIndex(qMax(0, m_device->findData(options.device)));
    m_threads = new QSpinBox(this);
    m_threads->setObjectName(QStringLiteral("threadsSpin"));
    m_threads->setRange(0, qMax(1, QThread::idealThreadCount()) * 2);
    m_threads->setSpecialValueText(tr("Automatic"));
    m_threads->setValue(options.threads);
    m_decode = new QSpinBox(this);
    m_decode->setObjectName(QStringLiteral("decodeIntervalSpin"));
    m_decode->setRange(0, 1000);
    m_decode->setSpecialValueText(tr("Never (latent previews only)"));
    m_decode->setValue(options.decodeInterval);
    m_decode->setToolTip(tr("Every step shows a cheap latent preview; every N steps x̂₀ is also decoded with the VAE"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Language:"), m_language);
    form->addRow(tr("&Device:"), m_device);
    form->addRow(tr("Compute &threads:"), m_threads);
    form->addRow(tr("Decode x̂₀ every N &steps:"), m_decode);
    auto* note = new QLabel(tr("Changes apply from the next generation; a new device reloads the model."), this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

QString PreferencesDialog::language() const { return m_language->currentData().toString(); }

EngineOptions PreferencesDialog::options() const {
    EngineOptions o;
    o.device = m_device->currentData().toString();
    o.threads = m_threads->value();
    o.decodeInterval = m_decode->value();
    return o;
}

}  // namespace ds::ui
