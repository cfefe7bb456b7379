#include "render/canvas.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace hnn {

Canvas::Canvas(int size, double extent) : size_(size), extent_(extent) {
  if (size < 2) throw ConfigError("render: image size " + std::to_string(size) + " must be >= 2");
  if (!(extent > 0) || !std::isfinite(extent))
    throw ConfigError("render: extent " + std::to_string(extent) + " must be > 0");
  h_ = 2.0 * extent / size;
  px_.assign(static_cast<std::size_t>(size) * static_cast<std::size_t>(size), 0.0);
}

void Canvas::clear() { std::fill(px_.begin(), px_.end(), 0.0); }

void Canvas::cover(int r, int c, double d) {
  const double a = std::clamp(0.5 - d / h_, 0.0, 1.0);
  double& p = px_[static_cast<std::size_t>(r) * static_cast<std::size_t>(size_) + static_cast<std::size_t>(c)];
  p = std::max(p, a);
}

void Canvas::disc(double cx, double cy, double rad) {
  for (int r = 0; r < size_; ++r)
    for (int c = 0; c < size_; ++c)
      cover(r, c, std::hypot(x_of(c) - cx, y_of(r) - cy) - rad);
}

void Canvas::capsule(double ax, double ay, double bx, double by, double half_width) {
  const double ux = bx - ax, uy = by - ay, len2 = ux * ux + uy * uy;
  for (int r = 0; r < size_; ++r)
    for (int c = 0; c < size_; ++c) {
      const double px = x_of(c) - ax, py = y_of(r) - ay;
      // Nearest point of the segment: a + s·u, s = clamp(⟨p, u⟩ / |u|², 0, 1).
      const double s = len2 > 0 ? std::clamp((px * ux + py * uy) / len2, 0.0, 1.0) : 0.0;
      cover(r, c, std::hypot(px - s * ux, py - s * uy) - half_width);
    }
}

}  // namespace hnn
