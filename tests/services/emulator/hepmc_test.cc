// l1t-emulator --hepmc FILE, run as the real binary on a file written by HepMC3's own writer:
// the file's charged particles become the primary tracks, the file loops, a bad file stops it.
#include <HepMC3/GenEvent.h>
#include <HepMC3/GenParticle.h>
#include <HepMC3/GenVertex.h>
#include <HepMC3/WriterAscii.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/service_process.h"

namespace l1t {
namespace {

const std::string kBinary = L1T_BINARY_DIR "/bin/l1t-emulator";
const std::string kConfig = L1T_SOURCE_DIR "/configs/default.yaml";

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout only (stderr goes to the test log)
};

RunResult run_emulator(const std::string& args) {
  RunResult r;
  const std::string cmd = kBinary + " --config " + kConfig + " " + args;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

HepMC3::FourVector momentum(double pt, double eta, double phi) {
  const double px = pt * std::cos(phi), py = pt * std::sin(phi), pz = pt * std::sinh(eta);
  return {px, py, pz, std::sqrt(px * px + py * py + pz * pz)};
}

// n_events events, each a vertex at z = 5 mm with `charged` central 10 GeV pions spread in phi
// and two photons (neutral: never tracks).
void write_file(const std::string& path, int n_events, int charged) {
  HepMC3::WriterAscii writer(path);
  for (int i = 0; i < n_events; ++i) {
    HepMC3::GenEvent ev(HepMC3::Units::GEV, HepMC3::Units::MM);
    ev.set_event_number(i + 1);
    auto beam =
        std::make_shared<HepMC3::GenParticle>(HepMC3::FourVector(0, 0, 7000, 7000), 2212, 4);
    auto vertex = std::make_shared<HepMC3::GenVertex>(HepMC3::FourVector(0, 0, 5.0, 0));
    vertex->add_particle_in(beam);
    for (int k = 0; k < charged; ++k) {
      const double eta = -1.0 + 2.0 * k / charged, phi = -3.0 + 6.0 * k / charged;
      vertex->add_particle_out(
          std::make_shared<HepMC3::GenParticle>(momentum(10, eta, phi), k % 2 ? 211 : -211, 1));
    }
    for (int k = 0; k < 2; ++k) {
      vertex->add_particle_out(
          std::make_shared<HepMC3::GenParticle>(momentum(30, 0.2 * k, k), 22, 1));
    }
    ev.add_vertex(vertex);
    writer.write_event(ev);
  }
  writer.close();
}

nlohmann::json describe(const std::string& args) {
  const RunResult r = run_emulator("--describe --json --set emulator.pileup_mean=0 " + args);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON alone:\n" << r.out;
  return j;
}

TEST(EmulatorHepmcTest, TheFilesChargedParticlesAreThePrimaryTracks) {
  const std::string dir = testing::temp_dir("emu-hepmc");
  const std::string file = dir + "/six-pions.hepmc";
  write_file(file, 3, 6);  // 3 events, read 20 times: the file loops
  const nlohmann::json from_file = describe("--events 20 --hepmc " + file);
  const nlohmann::json built_in = describe("--events 20");
  ASSERT_TRUE(from_file.contains("pv_tracks_per_event_mean")) << from_file.dump();
  EXPECT_EQ(from_file["hard_scatter"], file);
  EXPECT_EQ(built_in["hard_scatter"], "ttbar");
  // Without pile-up every non-fake track is primary: the six 10 GeV pions, found (nearly)
  // always; the tt-bar gives about 28.
  const double pv = from_file["pv_tracks_per_event_mean"];
  EXPECT_GE(pv, 5.5);
  EXPECT_LE(pv, 6.0);
  EXPECT_GT(built_in["pv_tracks_per_event_mean"].get<double>(), 15);
  // The config key does the same as the flag.
  const nlohmann::json by_key = describe("--events 20 --set emulator.hepmc_file=" + file);
  EXPECT_EQ(by_key["pv_tracks_per_event_mean"], from_file["pv_tracks_per_event_mean"]);
}

TEST(EmulatorHepmcTest, ABadFileStopsTheEmulatorWithTheReadersMessage) {
  const std::string dir = testing::temp_dir("emu-hepmc-bad");
  const RunResult missing = run_emulator("--describe --events 2 --hepmc " + dir + "/none.hepmc");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find(dir + "/none.hepmc"), std::string::npos) << missing.out;

  const std::string garbage = dir + "/garbage.hepmc";
  std::ofstream(garbage) << "HepMC::Version 3.02.05\nHepMC::Asciiv3-START_EVENT_LISTING\n"
                            "E 1 not numbers at all\n";
  const RunResult bad = run_emulator("--describe --events 2 --hepmc " + garbage);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("garbage.hepmc"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace l1t
