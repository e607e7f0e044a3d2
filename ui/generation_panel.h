#pragma once
// The generation controls: the mode (text to image, or one of the canvas modes: image to image,
// inpaint, outpaint), prompt, negative prompt, model picker (built-in, recent checkpoints, Open…),
// the built-in model's training schedule, sampler, Karras sigmas, steps, CFG scale, seed (random or
// fixed, "reuse last"), size (text to image; the canvas sets it otherwise), the canvas modes'
// settings (strength, remembered per mode; inpaint's area and method; outpaint's fill and overlap),
// and the Generate / Cancel buttons. It only describes a job (GenerationRequest); the main window
// runs it and adds the canvas's image, mask, feather and margins.
#include <QStringList>
#include <QWidget>

#include "ui/generation_request.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLayout;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace ds::ui {

class GenerationPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMaxRecentModels = 8;

    explicit GenerationPanel(QWidget* parent = nullptr);

    // The settings as shown; with "random seed" on, the seed field holds the last seed used. The
    // canvas's fields (initImage, mask, feather, extend*) keep GenerationRequest's defaults.
    GenerationRequest request() const;
    // The request to run now: draws a fresh seed when "random seed" is on.
    GenerationRequest nextRequest();
    // Shows a request's settings (history restore), its mode and that mode's settings included: the
    // seed becomes fixed to reproduce it.
    void setRequest(const GenerationRequest& request);

    GenerationMode mode() const;
    // Shows the mode's rows and its remembered strength; emits modeChanged when it changes.
    void setMode(GenerationMode mode);

    bool randomSeed() const;
    void setRandomSeed(bool random);
    quint64 lastSeed() const { return m_lastSeed; }
    bool hasLastSeed() const { return m_hasLastSeed; }

    QString modelPath() const;  // empty: the built-in model
    bool runsBuiltinModel() const;  // the shipped built-in model or a built-in model folder
    // Selects a checkpoint (adding it to the recent list) or, for "", the built-in model.
    void setModelPath(const QString& path);
    QStringList recentModels() const { return m_recent; }
    void setRecentModels(const QStringList& paths);

    void setBusy(bool busy, int queued = 0);
    // A line under the buttons: errors in red, information in the normal colour; "" hides it.
    void setMessage(const QString& text, bool error = false);
    QString message() const;

public slots:
    void reuseLastSeed();

signals:
    void generateRequested();
    void cancelRequested();
    void openModelRequested();
    void modeChanged(ds::ui::GenerationMode mode);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuildModelCombo();
    void modelChosen(int index);
    void updateModelDependentRows();
    void updateModeRows();
    void modeChosen(int index);
    void retranslateUi();

    QLabel* m_promptLabel = nullptr;
    QPlainTextEdit* m_prompt = nullptr;
    QLabel* m_negativeLabel = nullptr;
    QPlainTextEdit* m_negative = nullptr;
    QFormLayout* m_form = nullptr;
    QComboBox* m_model = nullptr;
    QComboBox* m_schedule = nullptr;
    QComboBox* m_sampler = nullptr;
    QCheckBox* m_karras = nullptr;
    QSpinBox* m_steps = nullptr;
    QDoubleSpinBox* m_cfg = nullptr;
    QLineEdit* m_seed = nullptr;
    QCheckBox* m_random = nullptr;
    QToolButton* m_reuse = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QLayout* m_sizeRow = nullptr;
    QLabel* m_modeLabel = nullptr;
    QComboBox* m_mode = nullptr;
    QDoubleSpinBox* m_strength = nullptr;
    QComboBox* m_inpaintMethod = nullptr;
    QCheckBox* m_onlyMasked = nullptr;
    QSpinBox* m_maskPadding = nullptr;
    QComboBox* m_outpaintFill = nullptr;
    QSpinBox* m_overlap = nullptr;
    QPushButton* m_generate = nullptr;
    QPushButton* m_cancel = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_queue = nullptr;

    GenerationMode m_currentMode = GenerationMode::TextToImage;
    // The strength of each mode (indexed by GenerationMode): img2img keeps the picture, the
    // inpainting modes usually start from noise.
    double m_modeStrength[4] = {0.75, 0.75, 1.0, 1.0};
    QStringList m_recent;
    QString m_modelPath;  // the selected model ("" built-in), restored when "Open…" is dismissed
    quint64 m_lastSeed = 0;
    bool m_hasLastSeed = false;
    bool m_messageIsError = false;
    int m_queued = 0;
};

}  // namespace ds::ui
