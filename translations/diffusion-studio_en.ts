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
    <name>ds::ui::CanvasDocument</name>
    <message>
        <source>Generation</source>
        <translation>Generation</translation>
    </message>
    <message>
        <source>Eraser stroke</source>
        <translation>Eraser stroke</translation>
    </message>
    <message>
        <source>Brush stroke</source>
        <translation>Brush stroke</translation>
    </message>
    <message>
        <source>Erase rectangle</source>
        <translation>Erase rectangle</translation>
    </message>
    <message>
        <source>Fill rectangle</source>
        <translation>Fill rectangle</translation>
    </message>
    <message>
        <source>Erase lasso</source>
        <translation>Erase lasso</translation>
    </message>
    <message>
        <source>Fill lasso</source>
        <translation>Fill lasso</translation>
    </message>
    <message>
        <source>Invert mask</source>
        <translation>Invert mask</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>Clear mask</translation>
    </message>
</context>
<context>
    <name>ds::ui::CanvasToolBar</name>
    <message>
        <source>Canvas</source>
        <translation>Canvas</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>Brush</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>Eraser</translation>
    </message>
    <message>
        <source>Rectangle</source>
        <translation>Rectangle</translation>
    </message>
    <message>
        <source>Lasso</source>
        <translation>Lasso</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Pan</translation>
    </message>
    <message>
        <source>Outpaint frame</source>
        <translation>Outpaint frame</translation>
    </message>
    <message>
        <source>Brush: paint the mask where the picture should change (B)</source>
        <translation>Brush: paint the mask where the picture should change (B)</translation>
    </message>
    <message>
        <source>Eraser: remove the mask (E)</source>
        <translation>Eraser: remove the mask (E)</translation>
    </message>
    <message>
        <source>Rectangle: fill a rectangle of the mask; hold Alt to erase (R)</source>
        <translation>Rectangle: fill a rectangle of the mask; hold Alt to erase (R)</translation>
    </message>
    <message>
        <source>Lasso: fill a free-hand shape of the mask; hold Alt to erase (L)</source>
        <translation>Lasso: fill a free-hand shape of the mask; hold Alt to erase (L)</translation>
    </message>
    <message>
        <source>Pan: drag the view (or hold Space, or drag with the middle button)</source>
        <translation>Pan: drag the view (or hold Space, or drag with the middle button)</translation>
    </message>
    <message>
        <source>Outpaint frame: drag the canvas&apos;s sides or corners outwards to grow the picture</source>
        <translation>Outpaint frame: drag the canvas&apos;s sides or corners outwards to grow the picture</translation>
    </message>
    <message>
        <source>&amp;Size:</source>
        <translation>&amp;Size:</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Brush diameter in picture pixels ([ smaller, ] larger)</source>
        <translation>Brush diameter in picture pixels ([ smaller, ] larger)</translation>
    </message>
    <message>
        <source>&amp;Hardness:</source>
        <translation>&amp;Hardness:</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>How much of the brush&apos;s radius paints at full strength; the rest fades out</source>
        <translation>How much of the brush&apos;s radius paints at full strength; the rest fades out</translation>
    </message>
    <message>
        <source>&amp;Feather:</source>
        <translation>&amp;Feather:</translation>
    </message>
    <message>
        <source>Blurs the mask&apos;s edge by this radius when generating, to blend the new pixels in</source>
        <translation>Blurs the mask&apos;s edge by this radius when generating, to blend the new pixels in</translation>
    </message>
    <message>
        <source>Invert mask</source>
        <translation>Invert mask</translation>
    </message>
    <message>
        <source>Repaint everything except what is masked now</source>
        <translation>Repaint everything except what is masked now</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>Clear mask</translation>
    </message>
    <message>
        <source>Remove the whole mask</source>
        <translation>Remove the whole mask</translation>
    </message>
    <message>
        <source>Outpaint:</source>
        <translation>Outpaint:</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>Top</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>Right</translation>
    </message>
    <message>
        <source>Bottom</source>
        <translation>Bottom</translation>
    </message>
    <message>
        <source>Pixels to add on this side when outpainting</source>
        <translation>Pixels to add on this side when outpainting</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Fit</translation>
    </message>
    <message>
        <source>Zoom to show the whole canvas</source>
        <translation>Zoom to show the whole canvas</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100%</translation>
    </message>
    <message>
        <source>Zoom to the picture&apos;s actual size</source>
        <translation>Zoom to the picture&apos;s actual size</translation>
    </message>
</context>
<context>
    <name>ds::ui::CanvasWidget</name>
    <message>
        <source>Open an image or generate one, then paint where it should change.</source>
        <translation>Open an image or generate one, then paint where it should change.</translation>
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
    <name>ds::ui::GenerationPanel</name>
    <message>
        <source>Built-in emoji model</source>
        <translation>Built-in emoji model</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Open…</translation>
    </message>
    <message numerus="yes">
        <source>%n generation(s) queued</source>
        <translation>
            <numerusform>%n generation queued</numerusform>
            <numerusform>%n generations queued</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Prompt:</source>
        <translation>&amp;Prompt:</translation>
    </message>
    <message>
        <source>What to draw, e.g. a red heart</source>
        <translation>What to draw, e.g. a red heart</translation>
    </message>
    <message>
        <source>&amp;Negative prompt:</source>
        <translation>&amp;Negative prompt:</translation>
    </message>
    <message>
        <source>What to steer away from (optional)</source>
        <translation>What to steer away from (optional)</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Model:</translation>
    </message>
    <message>
        <source>Sc&amp;hedule:</source>
        <translation>Sc&amp;hedule:</translation>
    </message>
    <message>
        <source>S&amp;ampler:</source>
        <translation>S&amp;ampler:</translation>
    </message>
    <message>
        <source>S&amp;teps:</source>
        <translation>S&amp;teps:</translation>
    </message>
    <message>
        <source>&amp;CFG scale:</source>
        <translation>&amp;CFG scale:</translation>
    </message>
    <message>
        <source>S&amp;eed:</source>
        <translation>S&amp;eed:</translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation>Si&amp;ze:</translation>
    </message>
    <message>
        <source>The built-in model, a recently used Stable Diffusion checkpoint, or Open… for another</source>
        <translation>The built-in model, a recently used Stable Diffusion checkpoint, or Open… for another</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <source>Cosine</source>
        <translation>Cosine</translation>
    </message>
    <message>
        <source>The noise schedule the built-in model&apos;s UNet was trained with</source>
        <translation>The noise schedule the built-in model&apos;s UNet was trained with</translation>
    </message>
    <message>
        <source> px</source>
        <comment>pixels, after the image width and height</comment>
        <translation> px</translation>
    </message>
    <message>
        <source>&amp;Karras sigmas</source>
        <translation>&amp;Karras sigmas</translation>
    </message>
    <message>
        <source>Space the noise levels as Karras et al. (2022) do, where the sampler supports it</source>
        <translation>Space the noise levels as Karras et al. (2022) do, where the sampler supports it</translation>
    </message>
    <message>
        <source>Classifier-free guidance: how strongly the prompt steers (1: no guidance)</source>
        <translation>Classifier-free guidance: how strongly the prompt steers (1: no guidance)</translation>
    </message>
    <message>
        <source>&amp;Random</source>
        <translation>&amp;Random</translation>
    </message>
    <message>
        <source>Draw a new seed for every generation</source>
        <translation>Draw a new seed for every generation</translation>
    </message>
    <message>
        <source>Re&amp;use last</source>
        <translation>Re&amp;use last</translation>
    </message>
    <message>
        <source>Fix the seed to the one of the last generation</source>
        <translation>Fix the seed to the one of the last generation</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generate</translation>
    </message>
    <message>
        <source>Generate an image (Ctrl+Return)</source>
        <translation>Generate an image (Ctrl+Return)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Stop the running generation (Esc)</source>
        <translation>Stop the running generation (Esc)</translation>
    </message>
    <message>
        <source>&amp;Strength:</source>
        <translation>&amp;Strength:</translation>
    </message>
    <message>
        <source>Meth&amp;od:</source>
        <translation>Meth&amp;od:</translation>
    </message>
    <message>
        <source>Padd&amp;ing:</source>
        <translation>Padd&amp;ing:</translation>
    </message>
    <message>
        <source>&amp;Fill:</source>
        <translation>&amp;Fill:</translation>
    </message>
    <message>
        <source>O&amp;verlap:</source>
        <translation>O&amp;verlap:</translation>
    </message>
    <message>
        <source>Mo&amp;de:</source>
        <translation>Mo&amp;de:</translation>
    </message>
    <message>
        <source>What Generate does: a new image, or a change of the canvas&apos;s image</source>
        <translation>What Generate does: a new image, or a change of the canvas&apos;s image</translation>
    </message>
    <message>
        <source>Text to image</source>
        <translation>Text to image</translation>
    </message>
    <message>
        <source>Image to image</source>
        <translation>Image to image</translation>
    </message>
    <message>
        <source>Inpaint</source>
        <translation>Inpaint</translation>
    </message>
    <message>
        <source>Outpaint</source>
        <translation>Outpaint</translation>
    </message>
    <message>
        <source>How much to change: 1 starts from pure noise, lower values keep more of the canvas</source>
        <translation>How much to change: 1 starts from pure noise, lower values keep more of the canvas</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>Inpainting UNet</source>
        <translation>Inpainting UNet</translation>
    </message>
    <message>
        <source>Latent blend</source>
        <translation>Latent blend</translation>
    </message>
    <message>
        <source>Auto uses the model&apos;s inpainting UNet when it has one, else latent blending</source>
        <translation>Auto uses the model&apos;s inpainting UNet when it has one, else latent blending</translation>
    </message>
    <message>
        <source>On&amp;ly masked area</source>
        <translation>On&amp;ly masked area</translation>
    </message>
    <message>
        <source>Repaint only the mask&apos;s surroundings, at the model&apos;s resolution</source>
        <translation>Repaint only the mask&apos;s surroundings, at the model&apos;s resolution</translation>
    </message>
    <message>
        <source>Context around the mask that the model sees with &quot;Only masked area&quot;</source>
        <translation>Context around the mask that the model sees with &quot;Only masked area&quot;</translation>
    </message>
    <message>
        <source>Stretch</source>
        <translation>Stretch</translation>
    </message>
    <message>
        <source>Blur</source>
        <translation>Blur</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>Noise</translation>
    </message>
    <message>
        <source>How the new area starts: its edge pixels stretched, blurred, or with noise added</source>
        <translation>How the new area starts: its edge pixels stretched, blurred, or with noise added</translation>
    </message>
    <message>
        <source>Pixels of the original blended across the seam (0 keeps all of it)</source>
        <translation>Pixels of the original blended across the seam (0 keeps all of it)</translation>
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
        <source>Noise schedules</source>
        <translation>Noise schedules</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
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
    <message>
        <source>Model %1 ready</source>
        <translation>Model %1 ready</translation>
    </message>
    <message numerus="yes">
        <source>Queued: starts when the running generation ends (%n waiting)</source>
        <translation>
            <numerusform>Queued: starts when the running generation ends (%n waiting)</numerusform>
            <numerusform>Queued: starts when the running generation ends (%n waiting)</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled; %n queued generation(s) dropped</source>
        <translation>
            <numerusform>Cancelled; %n queued generation dropped</numerusform>
            <numerusform>Cancelled; %n queued generations dropped</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading the built-in model…</source>
        <translation>Loading the built-in model…</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Loading %1…</translation>
    </message>
    <message>
        <source>Step %1/%2</source>
        <translation>Step %1/%2</translation>
    </message>
    <message>
        <source>Sampling…</source>
        <translation>Sampling…</translation>
    </message>
    <message>
        <source>%1 it/s · %2 left</source>
        <translation>%1 it/s · %2 left</translation>
    </message>
    <message>
        <source>Done in %1 s</source>
        <translation>Done in %1 s</translation>
    </message>
    <message>
        <source>Generated %1×%2 with %3, seed %4</source>
        <translation>Generated %1×%2 with %3, seed %4</translation>
    </message>
    <message>
        <source>Could not load the model: %1</source>
        <translation>Could not load the model: %1</translation>
    </message>
    <message>
        <source>These settings cannot be used: %1</source>
        <translation>These settings cannot be used: %1</translation>
    </message>
    <message>
        <source>The generation diverged: %1</source>
        <translation>The generation diverged: %1</translation>
    </message>
    <message>
        <source>Out of memory (%1). Try a smaller size or another device.</source>
        <translation>Out of memory (%1). Try a smaller size or another device.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Generation failed: %1</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>There is no image to save yet: generate one first</source>
        <translation>There is no image to save yet: generate one first</translation>
    </message>
    <message>
        <source>Cannot save %1: %2</source>
        <translation>Cannot save %1: %2</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>Save image</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>Open model</translation>
    </message>
    <message>
        <source>Stable Diffusion models (*.safetensors model_index.json);;All files (*)</source>
        <translation>Stable Diffusion models (*.safetensors model_index.json);;All files (*)</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Diffusion Studio %1&lt;/h3&gt;&lt;p&gt;A desktop studio for diffusion models. It generates images from text with the built-in model or a Stable Diffusion checkpoint, showing every step of the reverse process, and explores the forward process q(xₜ | x₀) of DDPM (Ho et al. 2020) under the linear, cosine (Nichol &amp;amp; Dhariwal 2021) and scaled-linear noise schedules.&lt;/p&gt;&lt;p&gt;Built with Qt %2, QCustomPlot and libtorch.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Diffusion Studio %1&lt;/h3&gt;&lt;p&gt;A desktop studio for diffusion models. It generates images from text with the built-in model or a Stable Diffusion checkpoint, showing every step of the reverse process, and explores the forward process q(xₜ | x₀) of DDPM (Ho et al. 2020) under the linear, cosine (Nichol &amp;amp; Dhariwal 2021) and scaled-linear noise schedules.&lt;/p&gt;&lt;p&gt;Built with Qt %2, QCustomPlot and libtorch.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>Generation</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>Noise level</source>
        <translation>Noise level</translation>
    </message>
    <message>
        <source>History</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Forward diffusion</source>
        <translation>Forward diffusion</translation>
    </message>
    <message>
        <source>Open &amp;model…</source>
        <translation>Open &amp;model…</translation>
    </message>
    <message>
        <source>Open a Stable Diffusion checkpoint (.safetensors) or diffusers folder</source>
        <translation>Open a Stable Diffusion checkpoint (.safetensors) or diffusers folder</translation>
    </message>
    <message>
        <source>&amp;Save image…</source>
        <translation>&amp;Save image…</translation>
    </message>
    <message>
        <source>Save the result as a PNG with its generation parameters</source>
        <translation>Save the result as a PNG with its generation parameters</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Preferences…</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generate</translation>
    </message>
    <message>
        <source>Generate an image from the prompt</source>
        <translation>Generate an image from the prompt</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Cancel</translation>
    </message>
    <message>
        <source>Stop the running generation and drop the queued ones</source>
        <translation>Stop the running generation and drop the queued ones</translation>
    </message>
    <message>
        <source>&amp;Restore default layout</source>
        <translation>&amp;Restore default layout</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>Zoom &amp;in</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>Zoom &amp;out</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>&amp;Fit to window</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>&amp;Actual size</translation>
    </message>
    <message>
        <source>&amp;Generation</source>
        <translation>&amp;Generation</translation>
    </message>
    <message>
        <source>S&amp;teps</source>
        <translation>S&amp;teps</translation>
    </message>
    <message>
        <source>Noise &amp;level</source>
        <translation>Noise &amp;level</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>&amp;History</translation>
    </message>
    <message>
        <source>&amp;Open image in the explorer…</source>
        <translation>&amp;Open image in the explorer…</translation>
    </message>
    <message>
        <source>the result</source>
        <translation>the result</translation>
    </message>
    <message>
        <source>Bury the &amp;result in noise…</source>
        <translation>Bury the &amp;result in noise…</translation>
    </message>
    <message>
        <source>Show the forward process on the current result in the explorer</source>
        <translation>Show the forward process on the current result in the explorer</translation>
    </message>
    <message>
        <source>Autosave failed: %1</source>
        <translation>Autosave failed: %1</translation>
    </message>
    <message>
        <source>PNG images (*.png);;TIFF images, 16 bits (*.tif *.tiff);;OpenEXR images, half float (*.exr);;JPEG images (*.jpg *.jpeg)</source>
        <translation>PNG images (*.png);;TIFF images, 16 bits (*.tif *.tiff);;OpenEXR images, half float (*.exr);;JPEG images (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>Save the changes to this project before closing?</source>
        <translation>Save the changes to this project before closing?</translation>
    </message>
    <message>
        <source>Canvas</source>
        <translation>Canvas</translation>
    </message>
    <message>
        <source>&amp;New project</source>
        <translation>&amp;New project</translation>
    </message>
    <message>
        <source>Start over with an empty canvas and history</source>
        <translation>Start over with an empty canvas and history</translation>
    </message>
    <message>
        <source>Open p&amp;roject…</source>
        <translation>Open p&amp;roject…</translation>
    </message>
    <message>
        <source>Open a Diffusion Studio project (.dsproj)</source>
        <translation>Open a Diffusion Studio project (.dsproj)</translation>
    </message>
    <message>
        <source>&amp;Save project</source>
        <translation>&amp;Save project</translation>
    </message>
    <message>
        <source>Save the canvas, mask, settings and history in one project file</source>
        <translation>Save the canvas, mask, settings and history in one project file</translation>
    </message>
    <message>
        <source>Save project &amp;as…</source>
        <translation>Save project &amp;as…</translation>
    </message>
    <message>
        <source>Open image on the &amp;canvas…</source>
        <translation>Open image on the &amp;canvas…</translation>
    </message>
    <message>
        <source>Put a picture on the canvas to paint a mask on it</source>
        <translation>Put a picture on the canvas to paint a mask on it</translation>
    </message>
    <message>
        <source>E&amp;xport canvas…</source>
        <translation>E&amp;xport canvas…</translation>
    </message>
    <message>
        <source>Write the canvas picture as PNG, TIFF, EXR or JPEG</source>
        <translation>Write the canvas picture as PNG, TIFF, EXR or JPEG</translation>
    </message>
    <message>
        <source>Use the result as the &amp;canvas</source>
        <translation>Use the result as the &amp;canvas</translation>
    </message>
    <message>
        <source>Put the current result on the canvas to inpaint or outpaint it</source>
        <translation>Put the current result on the canvas to inpaint or outpaint it</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Undo</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Redo</translation>
    </message>
    <message>
        <source>The canvas is empty: open an image on it or use a result as the canvas first.</source>
        <translation>The canvas is empty: open an image on it or use a result as the canvas first.</translation>
    </message>
    <message>
        <source>Paint the area to repaint on the canvas first (B: brush).</source>
        <translation>Paint the area to repaint on the canvas first (B: brush).</translation>
    </message>
    <message>
        <source>Drag the outpaint frame past the border, or set how far to extend in the canvas tool bar.</source>
        <translation>Drag the outpaint frame past the border, or set how far to extend in the canvas tool bar.</translation>
    </message>
    <message>
        <source>The canvas changed during the generation: the result is in the history.</source>
        <translation>The canvas changed during the generation: the result is in the history.</translation>
    </message>
    <message>
        <source>Image to image</source>
        <translation>Image to image</translation>
    </message>
    <message>
        <source>Inpaint</source>
        <translation>Inpaint</translation>
    </message>
    <message>
        <source>Outpaint</source>
        <translation>Outpaint</translation>
    </message>
    <message>
        <source>Result to canvas</source>
        <translation>Result to canvas</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>New project</translation>
    </message>
    <message>
        <source>Discard the unsaved changes of this project?</source>
        <translation>Discard the unsaved changes of this project?</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>Open project</translation>
    </message>
    <message>
        <source>Diffusion Studio projects (*.dsproj)</source>
        <translation>Diffusion Studio projects (*.dsproj)</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>Opened %1</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>Save project</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>untitled</translation>
    </message>
    <message>
        <source>Save project as</source>
        <translation>Save project as</translation>
    </message>
    <message>
        <source>%1[*] — Diffusion Studio</source>
        <translation>%1[*] — Diffusion Studio</translation>
    </message>
    <message>
        <source>%1 is %2×%3: the canvas takes at most %4 px a side</source>
        <translation>%1 is %2×%3: the canvas takes at most %4 px a side</translation>
    </message>
    <message>
        <source>Open image</source>
        <translation>Open image</translation>
    </message>
    <message>
        <source>%1 cannot be put on the canvas</source>
        <translation>%1 cannot be put on the canvas</translation>
    </message>
    <message>
        <source>Open image on the canvas</source>
        <translation>Open image on the canvas</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;All files (*)</source>
        <translation>Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;All files (*)</translation>
    </message>
    <message>
        <source>The canvas is empty: there is nothing to export</source>
        <translation>The canvas is empty: there is nothing to export</translation>
    </message>
    <message>
        <source>Cannot export %1: %2</source>
        <translation>Cannot export %1: %2</translation>
    </message>
    <message>
        <source>canvas</source>
        <translation>canvas</translation>
    </message>
    <message>
        <source>Export canvas</source>
        <translation>Export canvas</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>Exported %1</translation>
    </message>
    <message>
        <source>Restore unsaved work</source>
        <translation>Restore unsaved work</translation>
    </message>
    <message>
        <source>Diffusion Studio did not close properly last time. Restore the project it saved automatically (%1)?</source>
        <translation>Diffusion Studio did not close properly last time. Restore the project it saved automatically (%1)?</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>Restored the unsaved work: save it as a project to keep it</source>
        <translation>Restored the unsaved work: save it as a project to keep it</translation>
    </message>
</context>
<context>
    <name>ds::ui::NoiseLevelPanel</name>
    <message>
        <source>planned σₜ</source>
        <translation>planned σₜ</translation>
    </message>
    <message>
        <source>std of latent xₜ</source>
        <translation>std of latent xₜ</translation>
    </message>
    <message>
        <source>RMS of ε̂</source>
        <translation>RMS of ε̂</translation>
    </message>
    <message>
        <source>RMS of ε(cond) − ε(uncond)</source>
        <translation>RMS of ε(cond) − ε(uncond)</translation>
    </message>
    <message>
        <source>step</source>
        <translation>step</translation>
    </message>
    <message>
        <source>value (log)</source>
        <translation>value (log)</translation>
    </message>
</context>
<context>
    <name>ds::ui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Preferences</translation>
    </message>
    <message>
        <source>Automatic (GPU when present)</source>
        <translation>Automatic (GPU when present)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU (CUDA)</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <source>Never (latent previews only)</source>
        <translation>Never (latent previews only)</translation>
    </message>
    <message>
        <source>Every step shows a cheap latent preview; every N steps x̂₀ is also decoded with the VAE</source>
        <translation>Every step shows a cheap latent preview; every N steps x̂₀ is also decoded with the VAE</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>&amp;Device:</translation>
    </message>
    <message>
        <source>Compute &amp;threads:</source>
        <translation>Compute &amp;threads:</translation>
    </message>
    <message>
        <source>Decode x̂₀ every N &amp;steps:</source>
        <translation>Decode x̂₀ every N &amp;steps:</translation>
    </message>
    <message>
        <source>Changes apply from the next generation; a new device reloads the model.</source>
        <translation>Changes apply from the next generation; a new device reloads the model.</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>System language</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Language:</translation>
    </message>
</context>
<context>
    <name>ds::ui::ProjectAutosave</name>
    <message>
        <source>Cannot lock the recovery file %1</source>
        <translation>Cannot lock the recovery file %1</translation>
    </message>
</context>
<context>
    <name>ds::ui::ResultView</name>
    <message>
        <source>Type a prompt and press Generate (Ctrl+Return)</source>
        <translation>Type a prompt and press Generate (Ctrl+Return)</translation>
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
<context>
    <name>ds::ui::StepsPanel</name>
    <message>
        <source>Step %1 of %2, t = %3</source>
        <translation>Step %1 of %2, t = %3</translation>
    </message>
    <message>
        <source>Step %1 of %2 · t = %3 · σ = %4
left: latent xₜ, right: predicted x̂₀ (%5)</source>
        <translation>Step %1 of %2 · t = %3 · σ = %4
left: latent xₜ, right: predicted x̂₀ (%5)</translation>
    </message>
    <message>
        <source>latent preview</source>
        <translation>latent preview</translation>
    </message>
    <message>
        <source>VAE decode</source>
        <translation>VAE decode</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Replay</translation>
    </message>
    <message>
        <source>Play the reverse process again, step by step</source>
        <translation>Play the reverse process again, step by step</translation>
    </message>
    <message>
        <source>Scrub through the steps of the last run</source>
        <translation>Scrub through the steps of the last run</translation>
    </message>
    <message>
        <source>The steps of a generation appear here as it runs</source>
        <translation>The steps of a generation appear here as it runs</translation>
    </message>
</context>
</TS>
