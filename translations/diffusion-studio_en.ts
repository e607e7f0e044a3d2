<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ScheduleStyle</name>
    <message>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>Cosine</translation>
    </message>
    <message>
        <source>Scaled linear</source>
        <translation>Scaled linear</translation>
    </message>
</context>
<context>
    <name>ds::ui::ForwardExplorerPanel</name>
    <message>
        <source>built-in sample</source>
        <translation>built-in sample</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>of %1</translation>
    </message>
    <message>
        <source>%1 is %2 × %3 pixels; the largest accepted side is %4.</source>
        <translation>%1 is %2 × %3 pixels; the largest accepted side is %4.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Cannot open %1: %2</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>Loaded %1</translation>
    </message>
    <message>
        <source>Open image</source>
        <translation>Open image</translation>
    </message>
    <message>
        <source>Images (%1);;All files (*)</source>
        <translation>Images (%1);;All files (*)</translation>
    </message>
    <message>
        <source>Original x₀</source>
        <translation>Original x₀</translation>
    </message>
    <message>
        <source>t = %1, ᾱ = %2</source>
        <translation>t = %1, ᾱ = %2</translation>
    </message>
    <message>
        <source>Forward process q(xₜ | x₀), same noise for every schedule: seed %1, T = %2</source>
        <translation>Forward process q(xₜ | x₀), same noise for every schedule: seed %1, T = %2</translation>
    </message>
    <message>
        <source>There is nothing to export yet.</source>
        <translation>There is nothing to export yet.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
    <message>
        <source>Cannot encode the grid as PNG for %1.</source>
        <translation>Cannot encode the grid as PNG for %1.</translation>
    </message>
    <message>
        <source>Export grid</source>
        <translation>Export grid</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG images (*.png)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Saved %1</translation>
    </message>
    <message>
        <source>%1
%2 × %3 px</source>
        <translation>%1
%2 × %3 px</translation>
    </message>
    <message>
        <source>scaled down from %1 × %2</source>
        <translation>scaled down from %1 × %2</translation>
    </message>
    <message>
        <source>dropped image</source>
        <translation>dropped image</translation>
    </message>
    <message>
        <source>&amp;Open image…</source>
        <translation>&amp;Open image…</translation>
    </message>
    <message>
        <source>Choose the picture x₀ to noise (you can also drop one here)</source>
        <translation>Choose the picture x₀ to noise (you can also drop one here)</translation>
    </message>
    <message>
        <source>&amp;Export grid…</source>
        <translation>&amp;Export grid…</translation>
    </message>
    <message>
        <source>Save the row shown below as a PNG</source>
        <translation>Save the row shown below as a PNG</translation>
    </message>
    <message>
        <source>Seed of the noise ε; every schedule uses the same ε</source>
        <translation>Seed of the noise ε; every schedule uses the same ε</translation>
    </message>
    <message>
        <source>&amp;New seed</source>
        <translation>&amp;New seed</translation>
    </message>
    <message>
        <source>Add the Stable Diffusion schedule as a third column</source>
        <translation>Add the Stable Diffusion schedule as a third column</translation>
    </message>
    <message>
        <source>&amp;Timestep t:</source>
        <translation>&amp;Timestep t:</translation>
    </message>
    <message>
        <source>Open or drop an image</source>
        <translation>Open or drop an image</translation>
    </message>
    <message>
        <source>SNR</source>
        <translation>SNR</translation>
    </message>
    <message>
        <source>Fraction of the signal&apos;s variance left at t</source>
        <translation>Fraction of the signal&apos;s variance left at t</translation>
    </message>
    <message>
        <source>Factor on x₀ in xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε</source>
        <translation>Factor on x₀ in xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε</translation>
    </message>
    <message>
        <source>Signal-to-noise ratio ᾱₜ / (1 − ᾱₜ)</source>
        <translation>Signal-to-noise ratio ᾱₜ / (1 − ᾱₜ)</translation>
    </message>
    <message>
        <source>Noise scale √((1 − ᾱₜ) / ᾱₜ), as in x₀ + σ ε</source>
        <translation>Noise scale √((1 − ᾱₜ) / ᾱₜ), as in x₀ + σ ε</translation>
    </message>
    <message>
        <source>See&amp;d:</source>
        <translation>See&amp;d:</translation>
    </message>
    <message>
        <source>Show scaled &amp;linear</source>
        <translation>Show scaled &amp;linear</translation>
    </message>
</context>
<context>
    <name>ds::ui::MainWindow</name>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Export schedule plot</source>
        <translation>Export schedule plot</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG images (*.png)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Saved %1</translation>
    </message>
    <message>
        <source>About Diffusion Studio</source>
        <translation>About Diffusion Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Diffusion Studio %1&lt;/h3&gt;&lt;p&gt;A desktop studio for diffusion models. This window explores the forward process q(xₜ | x₀) of DDPM (Ho et al. 2020) under the linear, cosine (Nichol &amp;amp; Dhariwal 2021) and scaled-linear noise schedules.&lt;/p&gt;&lt;p&gt;Built with Qt %2, QCustomPlot and libtorch.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Diffusion Studio %1&lt;/h3&gt;&lt;p&gt;A desktop studio for diffusion models. This window explores the forward process q(xₜ | x₀) of DDPM (Ho et al. 2020) under the linear, cosine (Nichol &amp;amp; Dhariwal 2021) and scaled-linear noise schedules.&lt;/p&gt;&lt;p&gt;Built with Qt %2, QCustomPlot and libtorch.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Diffusion Studio</source>
        <translation>Diffusion Studio</translation>
    </message>
    <message>
        <source>Noise schedules</source>
        <translation>Noise schedules</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Open image…</source>
        <translation>&amp;Open image…</translation>
    </message>
    <message>
        <source>Choose the picture to noise</source>
        <translation>Choose the picture to noise</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Export…</translation>
    </message>
    <message>
        <source>Save the visible row of noised images as a PNG</source>
        <translation>Save the visible row of noised images as a PNG</translation>
    </message>
    <message>
        <source>Export schedule &amp;plot…</source>
        <translation>Export schedule &amp;plot…</translation>
    </message>
    <message>
        <source>Save the noise schedule plots as a PNG</source>
        <translation>Save the noise schedule plots as a PNG</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Noise schedules</source>
        <translation>&amp;Noise schedules</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>&amp;System default</source>
        <translation>&amp;System default</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About Diffusion Studio</source>
        <translation>&amp;About Diffusion Studio</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>About &amp;Qt</translation>
    </message>
</context>
<context>
    <name>ds::ui::SchedulePlotPanel</name>
    <message>
        <source>Number of diffusion steps the schedules are defined over</source>
        <translation>Number of diffusion steps the schedules are defined over</translation>
    </message>
    <message>
        <source>All four</source>
        <translation>All four</translation>
    </message>
    <message>
        <source>β — noise added per step</source>
        <translation>β — noise added per step</translation>
    </message>
    <message>
        <source>ᾱ — signal kept</source>
        <translation>ᾱ — signal kept</translation>
    </message>
    <message>
        <source>SNR — signal-to-noise ratio</source>
        <translation>SNR — signal-to-noise ratio</translation>
    </message>
    <message>
        <source>σ — noise scale</source>
        <translation>σ — noise scale</translation>
    </message>
    <message>
        <source>β: noise added per step</source>
        <translation>β: noise added per step</translation>
    </message>
    <message>
        <source>ᾱ: signal kept, ∏(1 − β)</source>
        <translation>ᾱ: signal kept, ∏(1 − β)</translation>
    </message>
    <message>
        <source>SNR = ᾱ / (1 − ᾱ)</source>
        <translation>SNR = ᾱ / (1 − ᾱ)</translation>
    </message>
    <message>
        <source>timestep t</source>
        <translation>timestep t</translation>
    </message>
    <message>
        <source>(log)</source>
        <comment>axis label suffix: logarithmic scale</comment>
        <translation>(log)</translation>
    </message>
    <message>
        <source>SNR</source>
        <translation>SNR</translation>
    </message>
    <message>
        <source>Ti&amp;mesteps T:</source>
        <translation>Ti&amp;mesteps T:</translation>
    </message>
    <message>
        <source>Sho&amp;w:</source>
        <translation>Sho&amp;w:</translation>
    </message>
</context>
</TS>
