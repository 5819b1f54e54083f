/*
 * example-frames.h: the synthetic frames the example apps feed their
 * models: a diagonal gradient drifting over time, with a bright disc and a
 * dark square moving across it.
 */
#ifndef EXAMPLE_FRAMES_H
#define EXAMPLE_FRAMES_H

/* Intensity 0..1 of pixel (x, y) of frame `index`, colour channel `ch`
 * (0..2: B, G, R; each drifts at its own speed). */
float ex_frame_value (int x, int y, int width, int height, int index, int ch);

#endif /* EXAMPLE_FRAMES_H */
