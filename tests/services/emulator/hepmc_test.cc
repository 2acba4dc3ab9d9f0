// l1t-emulator --hepmc FILE and --hepmc-pileup FILE, run as the real binary on files written by
// HepMC3's own writer: the file's charged particles become the primary (or pile-up) tracks, the
// file loops, --export reads it too, a bad file stops the emulator.
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
#include <sstream>
#include <string>
#include <vector>

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
  const RunResult r = run_emulator(
      "--describe --json --set emulator.pileup_mean=0 --set physics.hard_scatter_fraction=1 " +
      args);
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
  // Without pile-up every non-fake track is primary: the six 10 GeV pions, found unless one
  // of them interacts in the material (5 %: 5.7 on average); the tt-bar gives about 28.
  const double pv = from_file["pv_tracks_per_event_mean"];
  EXPECT_GE(pv, 5.3);
  EXPECT_LE(pv, 6.0);
  EXPECT_GT(built_in["pv_tracks_per_event_mean"].get<double>(), 15);
  // The config key does the same as the flag.
  const nlohmann::json by_key = describe("--events 20 --set emulator.hepmc_file=" + file);
  EXPECT_EQ(by_key["pv_tracks_per_event_mean"], from_file["pv_tracks_per_event_mean"]);
}

TEST(EmulatorHepmcTest, APileupFileIsTheLibraryThePileupVerticesDrawFrom) {
  const std::string dir = testing::temp_dir("emu-hepmc-pu");
  const std::string file = dir + "/six-pions.hepmc";
  write_file(file, 3, 6);
  // 20 pile-up interactions of six 10 GeV pions each: 120 pile-up tracks per event, give or take
  // the Poisson spread (6 sqrt(20) = 27 per event, 6 over 20 events).
  const nlohmann::json j =
      describe("--events 20 --hepmc-pileup " + file + " --set emulator.pileup_mean=20");
  ASSERT_TRUE(j.contains("tracks_per_event_mean")) << j.dump();
  EXPECT_EQ(j["pileup_source"], file);
  EXPECT_EQ(j["hard_scatter"], "ttbar");
  const double pileup = j["tracks_per_event_mean"].get<double>() -
                        j["pv_tracks_per_event_mean"].get<double>() -
                        j["fake_fraction"].get<double>() * j["tracks_per_event_mean"].get<double>();
  EXPECT_NEAR(pileup, 120, 20);
  // Built in, 20 interactions give about 24 tracks.
  const nlohmann::json built_in = describe("--events 20 --set emulator.pileup_mean=20");
  EXPECT_EQ(built_in["pileup_source"], "minbias");
  EXPECT_LT(built_in["tracks_per_event_mean"].get<double>(),
            j["tracks_per_event_mean"].get<double>() - 50);
  // The config key does the same as the flag.
  const nlohmann::json by_key = describe(
      "--events 20 --set emulator.pileup_mean=20 "
      "--set emulator.hepmc_pileup_file=" +
      file);
  EXPECT_EQ(by_key["tracks_per_event_mean"], j["tracks_per_event_mean"]);
}

TEST(EmulatorHepmcTest, ExportWritesTheFilesHardScatters) {
  const std::string dir = testing::temp_dir("emu-hepmc-export");
  const std::string file = dir + "/six-pions.hepmc";
  write_file(file, 2, 6);
  const RunResult r =
      run_emulator("--export " + dir + "/tables --events 4 --hepmc " + file +
                   " --set emulator.pileup_mean=0 --set degradation.smear_levels=[0]");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream csv(dir + "/tables/level_00_smear_0.000.csv");
  ASSERT_TRUE(csv.good());
  std::string line;
  std::getline(csv, line);  // header
  int primary = 0, rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    std::vector<double> v;
    std::stringstream fields(line);
    for (std::string f; std::getline(fields, f, ',');) v.push_back(std::stod(f));
    ASSERT_EQ(v.size(), 14u) << line;
    if (v[13] != 1) continue;  // label: primary
    ++primary;
    EXPECT_NEAR(v[8], 10.0, 0.5) << line;  // pt: the file's 10 GeV pions
  }
  // 4 events x 6 pions, found at about 99.9 %; without pile-up only fakes besides.
  EXPECT_GE(primary, 22);
  EXPECT_LE(primary, 24);
  EXPECT_LE(rows - primary, 4);
}

TEST(EmulatorHepmcTest, ABadFileStopsTheEmulatorWithTheReadersMessage) {
  const std::string dir = testing::temp_dir("emu-hepmc-bad");
  const RunResult missing = run_emulator("--describe --events 2 --hepmc " + dir + "/none.hepmc");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find(dir + "/none.hepmc"), std::string::npos) << missing.out;

  const RunResult missing_pileup =
      run_emulator("--describe --events 2 --hepmc-pileup " + dir + "/no-pileup.hepmc");
  EXPECT_NE(missing_pileup.exit_code, 0);
  EXPECT_NE(missing_pileup.out.find(dir + "/no-pileup.hepmc"), std::string::npos)
      << missing_pileup.out;

  const std::string garbage = dir + "/garbage.hepmc";
  std::ofstream(garbage) << "HepMC::Version 3.02.05\nHepMC::Asciiv3-START_EVENT_LISTING\n"
                            "E 1 not numbers at all\n";
  const RunResult bad = run_emulator("--describe --events 2 --hepmc " + garbage);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("garbage.hepmc"), std::string::npos) << bad.out;
  const RunResult bad_pileup = run_emulator("--describe --events 2 --hepmc-pileup " + garbage);
  EXPECT_NE(bad_pileup.exit_code, 0);
  EXPECT_NE(bad_pileup.out.find("garbage.hepmc"), std::string::npos) << bad_pileup.out;
}

}  // namespace
}  // namespace l1t
