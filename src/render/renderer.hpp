// Renderers: a system's state x = (q, p) drawn as a small grey image from q alone (the images
// carry positions, as a camera would; velocities must be inferred from consecutive frames).
//   pendulum  rod from the pivot (image centre) to the bob at l·(sin q, −cos q) (q = 0 hangs
//             down), bob a disc; extent 1.2·(l + bob radius) by default
//   spring    a thin horizontal line (the track) and the mass, a disc at (q, 0)
//   nbody     (2-D) one disc per body at (qx_i, qy_i)
// Shapes and their sizes (relative to the extent) are fixed below, so an image depends only on
// (system, size, extent, state). Frames are what `hnn generate` stores with [render] size > 0.
#pragma once

#include <memory>
#include <string>

#include "core/types.hpp"
#include "render/canvas.hpp"

namespace hnn {

class Section;
class System;

class Renderer {
 public:
  virtual ~Renderer() = default;
  virtual std::string name() const = 0;
  virtual int size() const = 0;       // the image is size × size
  virtual double extent() const = 0;  // it shows [−extent, extent]²
  // Draws state X into OUT (size² values in [0, 1], row-major, row 0 at the top). Const and
  // free of shared state: call it from any number of threads.
  virtual void render(ConstVecRef x, double* out) const = 0;
  long n_pixels() const { return static_cast<long>(size()) * size(); }
};

struct PendulumLook {
  double l = 1.0;                 // rod length (physical units; the system's l)
  double bob_radius = 0.2;        // × l
  double rod_half_width = 0.05;   // × l
};

class PendulumRenderer final : public Renderer {
 public:
  // extent <= 0: 1.2·(1 + bob_radius)·l.
  PendulumRenderer(int size, double extent, const PendulumLook& look = {});
  std::string name() const override { return "pendulum"; }
  int size() const override { return size_; }
  double extent() const override { return extent_; }
  void render(ConstVecRef x, double* out) const override;

 private:
  int size_;
  double extent_;
  PendulumLook look_;
};

class SpringRenderer final : public Renderer {
 public:
  SpringRenderer(int size, double extent);  // mass radius 0.12·extent, track half width 0.02·extent
  std::string name() const override { return "spring"; }
  int size() const override { return size_; }
  double extent() const override { return extent_; }
  void render(ConstVecRef x, double* out) const override;

 private:
  int size_;
  double extent_;
};

class DiscsRenderer final : public Renderer {
 public:
  DiscsRenderer(int size, double extent, int bodies);  // disc radius 0.1·extent
  std::string name() const override { return "nbody"; }
  int size() const override { return size_; }
  double extent() const override { return extent_; }
  void render(ConstVecRef x, double* out) const override;

 private:
  int size_;
  double extent_;
  int bodies_;
};

// From the [render] section: size (0 = no frames: returns null), extent (0 = the system's
// default). Throws ConfigError for a system without a renderer.
std::unique_ptr<Renderer> make_renderer(const Section& s, const System& system);

}  // namespace hnn
