#include "common/hepmc/pdg_charge.h"

#include <gtest/gtest.h>

namespace l1t::hepmc {
namespace {

TEST(PdgChargeTest, LeptonsAndBosons) {
  EXPECT_EQ(three_charge(11), -3);   // e-
  EXPECT_EQ(three_charge(-13), 3);   // mu+
  EXPECT_EQ(three_charge(12), 0);    // nu_e
  EXPECT_EQ(three_charge(22), 0);    // photon
  EXPECT_EQ(three_charge(-24), -3);  // W-
  EXPECT_EQ(three_charge(2), 2);     // u
  EXPECT_EQ(three_charge(-1), 1);    // d-bar
}

TEST(PdgChargeTest, MesonsFollowTheirQuarkContent) {
  EXPECT_EQ(three_charge(211), 3);    // pi+ (u d-bar)
  EXPECT_EQ(three_charge(-211), -3);  // pi-
  EXPECT_EQ(three_charge(111), 0);    // pi0
  EXPECT_EQ(three_charge(321), 3);    // K+ (u s-bar)
  EXPECT_EQ(three_charge(311), 0);    // K0
  EXPECT_EQ(three_charge(130), 0);    // K0_L
  EXPECT_EQ(three_charge(411), 3);    // D+ (c d-bar)
  EXPECT_EQ(three_charge(431), 3);    // D_s+ (c s-bar)
  EXPECT_EQ(three_charge(521), 3);    // B+ (u b-bar)
  EXPECT_EQ(three_charge(531), 0);    // B_s0
  EXPECT_EQ(three_charge(333), 0);    // phi
  EXPECT_EQ(three_charge(10213), 3);  // b1(1235)+: excitation digits do not change the charge
}

TEST(PdgChargeTest, BaryonsDiquarksAndNuclei) {
  EXPECT_EQ(three_charge(2212), 3);        // p
  EXPECT_EQ(three_charge(-2212), -3);      // p-bar
  EXPECT_EQ(three_charge(2112), 0);        // n
  EXPECT_EQ(three_charge(3222), 3);        // Sigma+
  EXPECT_EQ(three_charge(3312), -3);       // Xi-
  EXPECT_EQ(three_charge(2224), 6);        // Delta++
  EXPECT_EQ(three_charge(2203), 4);        // uu diquark
  EXPECT_EQ(three_charge(1000020040), 6);  // alpha (Z = 2)
  EXPECT_EQ(three_charge(0), 0);
  EXPECT_EQ(three_charge(91), 0);  // Pythia cluster
}

}  // namespace
}  // namespace l1t::hepmc
