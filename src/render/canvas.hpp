// A small grey canvas and the two anti-aliased primitives every renderer is drawn from: a filled
// disc and a filled capsule (a line segment with round caps). Deterministic by construction: a
// pixel's value is a closed-form function of its centre and the shape (no random sampling, no
// accumulation order), so the same state gives bitwise the same image on any machine and thread.
//
// Geometry: the image shows the square [−extent, extent]² of the physical plane, x to the right,
// y up. Pixel (r, c) (row r from the top, column c from the left; r, c = 0..size−1) has the centre
//   x_c = −extent + (c + ½)·h,   y_r = extent − (r + ½)·h,   h = 2·extent / size.
// Anti-aliasing: a shape with signed distance d(x) (negative inside) gives the pixel the coverage
//   a = clamp(½ − d(centre)/h, 0, 1),
// the exact covered fraction of the pixel for a straight edge crossing it perpendicular to a pixel
// side (a linear ramp one pixel wide), so the image varies continuously with the state. Shapes
// are combined by the maximum (white shapes on black), values stay in [0, 1].
#pragma once

#include <vector>

namespace hnn {

class Canvas {
 public:
  Canvas(int size, double extent);  // throws ConfigError for size < 2 or extent <= 0

  int size() const { return size_; }
  double extent() const { return extent_; }
  double pixel() const { return h_; }  // h, the side of a pixel in physical units
  double x_of(int c) const { return -extent_ + (c + 0.5) * h_; }
  double y_of(int r) const { return extent_ - (r + 0.5) * h_; }

  void clear();
  // Disc of centre (cx, cy) and radius rad.
  void disc(double cx, double cy, double rad);
  // Segment (ax, ay)–(bx, by) thickened by half_width (a capsule).
  void capsule(double ax, double ay, double bx, double by, double half_width);

  // Row-major size × size values in [0, 1]; pixel (r, c) at r·size + c.
  const std::vector<double>& pixels() const { return px_; }

 private:
  int size_;
  double extent_, h_;
  std::vector<double> px_;
  void cover(int r, int c, double d);  // px ← max(px, coverage of signed distance d)
};

}  // namespace hnn
