#include "common/hepmc/hepmc_reader.h"

#include <HepMC3/GenEvent.h>
#include <HepMC3/GenParticle.h>
#include <HepMC3/GenVertex.h>
#include <HepMC3/WriterAscii.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace l1t::hepmc {
namespace {

namespace fs = std::filesystem;

// A particle of transverse momentum pt at pseudorapidity eta and azimuth phi, massless.
HepMC3::FourVector momentum(double pt, double eta, double phi) {
  const double px = pt * std::cos(phi), py = pt * std::sin(phi), pz = pt * std::sinh(eta);
  return {px, py, pz, std::sqrt(px * px + py * py + pz * pz)};
}

// Writes events with HepMC3's own writer: a beam vertex at z = z_mm decaying to a pi+ (pt 5,
// eta 0.5), a pi- (pt 0.4), a photon (neutral) and a K+ that is not final (status 2).
void write_file(const fs::path& path, int n_events, HepMC3::Units::MomentumUnit unit, double z_mm) {
  HepMC3::WriterAscii writer(path.string());
  const double scale = unit == HepMC3::Units::MEV ? 1000.0 : 1.0;
  for (int i = 0; i < n_events; ++i) {
    HepMC3::GenEvent ev(unit, HepMC3::Units::MM);
    ev.set_event_number(i + 1);
    auto beam = std::make_shared<HepMC3::GenParticle>(
        HepMC3::FourVector(0, 0, 7000 * scale, 7000 * scale), 2212, 4);
    auto vertex = std::make_shared<HepMC3::GenVertex>(HepMC3::FourVector(0, 0, z_mm, 0));
    vertex->add_particle_in(beam);
    auto scale4 = [&](HepMC3::FourVector v) {
      return HepMC3::FourVector(v.px() * scale, v.py() * scale, v.pz() * scale, v.e() * scale);
    };
    vertex->add_particle_out(
        std::make_shared<HepMC3::GenParticle>(scale4(momentum(5, 0.5, 1.0)), 211, 1));
    vertex->add_particle_out(
        std::make_shared<HepMC3::GenParticle>(scale4(momentum(0.4, -1, 2.0)), -211, 1));
    vertex->add_particle_out(
        std::make_shared<HepMC3::GenParticle>(scale4(momentum(20, 0, 0)), 22, 1));
    vertex->add_particle_out(
        std::make_shared<HepMC3::GenParticle>(scale4(momentum(8, 0.1, 0)), 321, 2));
    ev.add_vertex(vertex);
    writer.write_event(ev);
  }
  writer.close();
}

class HepmcReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("l1t_hepmc_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(HepmcReaderTest, ReadsChargedFinalStateInGevAndCm) {
  const fs::path file = dir_ / "ttbar.hepmc";
  write_file(file, 3, HepMC3::Units::GEV, 12.0);
  HepmcReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(file.string(), &error)) << error;
  SourceEvent ev;
  int events = 0;
  while (reader.next(&ev, &error)) {
    ++events;
    EXPECT_EQ(ev.number, static_cast<uint64_t>(events));
    EXPECT_NEAR(ev.vertex_z_cm, 1.2, 1e-12);
    ASSERT_EQ(ev.particles.size(), 2u);  // pi+ and pi-: not the photon, not the decayed K+
    EXPECT_EQ(ev.particles[0].charge, 1);
    EXPECT_EQ(ev.particles[0].pdg_id, 211);
    EXPECT_NEAR(ev.particles[0].pt, 5.0, 1e-9);
    EXPECT_NEAR(ev.particles[0].eta, 0.5, 1e-9);
    EXPECT_NEAR(ev.particles[0].phi, 1.0, 1e-9);
    EXPECT_NEAR(ev.particles[0].z_cm, 1.2, 1e-12);
    EXPECT_EQ(ev.particles[1].charge, -1);
  }
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_EQ(events, 3);
  EXPECT_EQ(reader.events_read(), 3u);
  ASSERT_TRUE(reader.rewind(&error)) << error;
  ASSERT_TRUE(reader.next(&ev, &error));
  EXPECT_EQ(ev.number, 1u);
}

TEST_F(HepmcReaderTest, ConvertsMevAndAppliesCuts) {
  const fs::path file = dir_ / "mev.hepmc";
  write_file(file, 1, HepMC3::Units::MEV, -30.0);
  HepmcReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(file.string(), &error)) << error;
  SourceEvent ev;
  ASSERT_TRUE(reader.next(&ev, &error, /*pt_min=*/2.0, /*eta_max=*/2.4)) << error;
  ASSERT_EQ(ev.particles.size(), 1u);  // the 0.4 GeV pi- is below the cut
  EXPECT_NEAR(ev.particles[0].pt, 5.0, 1e-9);
  EXPECT_NEAR(ev.vertex_z_cm, -3.0, 1e-12);
}

TEST_F(HepmcReaderTest, RefusesMissingAndForeignFilesNamingThem) {
  HepmcReader reader;
  std::string error;
  EXPECT_FALSE(reader.open((dir_ / "absent.hepmc").string(), &error));
  EXPECT_NE(error.find("absent.hepmc"), std::string::npos) << error;
  const fs::path foreign = dir_ / "events.csv";
  std::ofstream(foreign) << "pt,eta,phi\n1,2,3\n";
  EXPECT_FALSE(reader.open(foreign.string(), &error));
  EXPECT_NE(error.find("not HepMC3 ASCII"), std::string::npos) << error;
  SourceEvent ev;
  EXPECT_FALSE(reader.next(&ev, &error));
  EXPECT_FALSE(error.empty());
}

TEST_F(HepmcReaderTest, TruncatedFileEndsWithTheEventsBeforeTheCut) {
  const fs::path file = dir_ / "cut.hepmc";
  write_file(file, 4, HepMC3::Units::GEV, 0.0);
  const auto size = fs::file_size(file);
  fs::resize_file(file, size * 3 / 5);  // cut inside the third event
  HepmcReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(file.string(), &error)) << error;
  SourceEvent ev;
  int complete = 0;
  while (reader.next(&ev, &error)) {
    if (ev.particles.size() == 2u) ++complete;
  }
  EXPECT_GE(complete, 2);
  EXPECT_LT(reader.events_read(), 4u);
  EXPECT_NE(error.find("cut short"), std::string::npos) << error;
}

TEST_F(HepmcReaderTest, GarbledRecordIsReportedNotSilentlyEnded) {
  const fs::path file = dir_ / "garbled.hepmc";
  write_file(file, 4, HepMC3::Units::GEV, 0.0);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  // Break the second event's first particle line.
  const size_t second = text.find("\nE 2 ");
  ASSERT_NE(second, std::string::npos);
  const size_t particle = text.find("\nP ", second + 1);
  text.replace(particle + 1, 3, "P x");
  std::ofstream(file) << text;
  HepmcReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(file.string(), &error)) << error;
  SourceEvent ev;
  int read = 0;
  while (reader.next(&ev, &error)) ++read;
  EXPECT_EQ(read, 1);
  EXPECT_NE(error.find("corrupt"), std::string::npos) << error;
}

// HepMC3's example file: 100 Pythia events of e+e- -> Z -> tau+ tau- at the Z pole, taus left
// undecayed (status 1), written by a real generator; scripts/install-deps.sh --test installs it.
constexpr char kPythiaExample[] =
    "/usr/share/doc/hepmc3-doc/examples/RootIOExample/example.hepmc3.gz";

TEST_F(HepmcReaderTest, ReadsARealGeneratorsFile) {
  ASSERT_TRUE(fs::exists(kPythiaExample))
      << kPythiaExample << " is missing: run scripts/install-deps.sh --test (package hepmc3-doc)";
  const fs::path file = dir_ / "example.hepmc3";
  const std::string unzip = std::string("gzip -dc ") + kPythiaExample + " > " + file.string();
  ASSERT_EQ(std::system(unzip.c_str()), 0);
  HepmcReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(file.string(), &error)) << error;
  SourceEvent ev;
  size_t events = 0, particles = 0, odd_charge_sum = 0;
  while (reader.next(&ev, &error)) {
    ++events;
    int charge = 0;
    for (const auto& p : ev.particles) {
      EXPECT_TRUE(p.charge == 1 || p.charge == -1) << p.pdg_id;
      EXPECT_GT(p.pt, 0.0);
      charge += p.charge;
    }
    // Z -> tau+ tau-: the charged final state is neutral; ISR photons are dropped.
    if (charge != 0) ++odd_charge_sum;
    for (const auto& p : ev.particles) EXPECT_EQ(std::abs(p.pdg_id), 15);
    particles += ev.particles.size();
  }
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_EQ(events, 100u);
  EXPECT_EQ(particles, 200u);
  EXPECT_EQ(odd_charge_sum, 0u);
}

// Found by tests/fuzz/hepmc_fuzz.cc (the inputs are kept in tests/fuzz/regressions/hepmc): a
// record HepMC3 throws on, and an attribute name that overflows HepMC3's own buffer.
TEST_F(HepmcReaderTest, RecordsHepMC3CannotReadSafelyAreErrorsNotCrashes) {
  const std::string dir = L1T_SOURCE_DIR "/tests/fuzz/regressions/hepmc/";
  HepmcReader reader;
  std::string error;
  ASSERT_TRUE(reader.open(dir + "hepmc-crash-f96dbd0c19ed854887158a47432c0275cd584156", &error))
      << error;
  SourceEvent ev;
  int events = 0;
  while (reader.next(&ev, &error)) ++events;
  EXPECT_NE(error.find("corrupt"), std::string::npos) << error;

  EXPECT_FALSE(reader.open(dir + "hepmc-crash-969eecc1cbfdbde7cc430040777b20c5f484e03a", &error));
  EXPECT_NE(error.find("attribute field longer than"), std::string::npos) << error;

  // A generator's own long names are far below the limit.
  const fs::path file = dir_ / "long_name.hepmc";
  write_file(file, 2, HepMC3::Units::GEV, 1.0);
  ASSERT_TRUE(reader.open(file.string(), &error)) << error;
  EXPECT_TRUE(reader.next(&ev, &error)) << error;
}

}  // namespace
}  // namespace l1t::hepmc
