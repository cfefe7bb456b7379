#include "render/renderer.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "io/config.hpp"
#include "systems/nbody.hpp"
#include "systems/pendulum.hpp"
#include "systems/spring.hpp"

namespace hnn {

namespace {

void copy_out(const Canvas& cv, double* out) { std::copy(cv.pixels().begin(), cv.pixels().end(), out); }

}  // namespace

PendulumRenderer::PendulumRenderer(int size, double extent, const PendulumLook& look)
    : size_(size), extent_(extent > 0 ? extent : 1.2 * (1 + look.bob_radius) * look.l), look_(look) {
  Canvas check(size_, extent_);  // validates size and extent
}

void PendulumRenderer::render(ConstVecRef x, double* out) const {
  Canvas cv(size_, extent_);
  const double l = look_.l, bx = l * std::sin(x[0]), by = -l * std::cos(x[0]);
  cv.capsule(0.0, 0.0, bx, by, look_.rod_half_width * l);
  cv.disc(bx, by, look_.bob_radius * l);
  copy_out(cv, out);
}

SpringRenderer::SpringRenderer(int size, double extent) : size_(size), extent_(extent) {
  Canvas check(size_, extent_);
}

void SpringRenderer::render(ConstVecRef x, double* out) const {
  Canvas cv(size_, extent_);
  cv.capsule(-extent_, 0.0, extent_, 0.0, 0.02 * extent_);
  cv.disc(x[0], 0.0, 0.12 * extent_);
  copy_out(cv, out);
}

DiscsRenderer::DiscsRenderer(int size, double extent, int bodies)
    : size_(size), extent_(extent), bodies_(bodies) {
  Canvas check(size_, extent_);
}

void DiscsRenderer::render(ConstVecRef x, double* out) const {
  Canvas cv(size_, extent_);
  for (int i = 0; i < bodies_; ++i) cv.disc(x[i], x[bodies_ + i], 0.1 * extent_);
  copy_out(cv, out);
}

std::unique_ptr<Renderer> make_renderer(const Section& s, const System& system) {
  const long size = s.get_count("size", 0, 0);
  const double extent = s.get_non_negative("extent", 0.0);
  if (size == 0) return nullptr;
  s.require(size >= 2 && size <= 1024, "size", "must be 0 (no frames) or 2..1024");
  const int n = static_cast<int>(size);
  if (const auto* p = dynamic_cast<const Pendulum*>(&system)) {
    PendulumLook look;
    look.l = p->params().l;
    return std::make_unique<PendulumRenderer>(n, extent, look);
  }
  if (const auto* sp = dynamic_cast<const Spring*>(&system)) {
    const double e = extent > 0 ? extent : 1.2 * std::max(sp->params().r_max, 1e-3);
    return std::make_unique<SpringRenderer>(n, e);
  }
  if (const auto* nb = dynamic_cast<const NBody*>(&system)) {
    s.require(nb->space_dim() == 2, "size", "frames of n-body systems need dim = 2");
    return std::make_unique<DiscsRenderer>(n, extent > 0 ? extent : 2.0, nb->bodies());
  }
  s.fail("size", "no renderer for the system \"" + system.name() + "\" (pendulum, spring, nbody)");
}

}  // namespace hnn
