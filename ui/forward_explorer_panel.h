#pragma once
// The forward-process explorer: one picture x0, a timestep slider, and q(x_t | x_0) under the linear
// and cosine schedules (scaled-linear optional) side by side, all drawn from the same noise ε so they
// differ only by ᾱ_t (Nichol & Dhariwal 2021, Fig. 3), with ᾱ_t, √ᾱ_t, SNR and σ read out under each.
#include <QImage>
#include <QString>
#include <QWidget>
#include <vector>

#include "core/schedule/noise_schedule.h"

class QCheckBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace ds::ui {

class ImageView;

class ForwardExplorerPanel : public QWidget {
    Q_OBJECT

public:
    // Larger pictures are scaled down to this side: the noise is then seen at its own pixel size,
    // as in the CLI's forward grid, and moving t stays instant.
    static constexpr int kWorkingSide = 256;

    explicit ForwardExplorerPanel(QWidget* parent = nullptr);

    int timestep() const { return m_timestep; }
    int timesteps() const { return m_timesteps; }
    quint64 seed() const;
    bool isScheduleShown(ds::ScheduleKind kind) const;

    const QImage& sourceImage() const { return m_source; }  // the working copy that gets noised
    QString sourceName() const { return m_sourceName; }
    QImage noisedImage(ds::ScheduleKind kind) const;  // as shown now; null for a hidden schedule
    QImage gridImage() const;  // the visible row with captions, as "Export grid" saves it

    // Each returns false with *error set to a one-line reason; nothing is changed or written then.
    bool loadImageFile(const QString& path, QString* error = nullptr);
    bool exportGrid(const QString& path, QString* error = nullptr) const;
    void setSourceImage(const QImage& image, const QString& name);

    QString lastDirectory() const { return m_lastDirectory; }
    void setLastDirectory(const QString& directory) { m_lastDirectory = directory; }

public slots:
    void setTimestep(int t);
    void setTimesteps(int T);  // keeps t at the same fraction of the schedule
    void setSeed(quint64 seed);
    void setScaledLinearShown(bool shown);
    void openImageDialog();
    void exportGridDialog();

signals:
    void timestepChanged(int t);
    void statusMessage(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Column {
        ds::ScheduleKind kind;
        ds::NoiseSchedule schedule;
        QGroupBox* box = nullptr;
        ImageView* view = nullptr;
        QLabel* names[4] = {};
        QLabel* values[4] = {};  // ᾱ_t, √ᾱ_t, SNR, σ
    };

    QWidget* buildControls();
    QWidget* buildSourceColumn();
    QWidget* buildColumn(Column& column);
    const Column* column(ds::ScheduleKind kind) const;
    void refreshImages();
    void refreshReadouts();
    void refreshSourceInfo();
    void retranslateUi();

    QImage m_source;
    QString m_sourceName;
    QSize m_originalSize;
    int m_timesteps = 1000;
    int m_timestep = 0;
    QString m_lastDirectory;
    std::vector<Column> m_columns;

    QPushButton* m_openButton = nullptr;
    QPushButton* m_exportButton = nullptr;
    QLabel* m_seedLabel = nullptr;
    QSpinBox* m_seedSpin = nullptr;
    QPushButton* m_newSeedButton = nullptr;
    QCheckBox* m_scaledLinearCheck = nullptr;
    QLabel* m_timestepLabel = nullptr;
    QSlider* m_slider = nullptr;
    QSpinBox* m_timestepSpin = nullptr;
    QLabel* m_rangeLabel = nullptr;
    QGroupBox* m_sourceBox = nullptr;
    ImageView* m_sourceView = nullptr;
    QLabel* m_sourceInfo = nullptr;
    QLabel* m_errorLabel = nullptr;
};

}  // namespace ds::ui
