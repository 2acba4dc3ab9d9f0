// cast_raw against a line-by-line port of Xilinx's ap_fixed_base::operator= (the bit-level
// algorithm: quantise by the deleted bits, judge overflow from the bits above the new sign bit,
// overflow_adjust). cast_raw restates it on exact integers; this checks the restatement over
// random source and destination types, every mode, and saturation bits, where no golden file
// reaches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>

#include "common/fixed/cast.h"
#include "common/fixed/spec.h"

namespace l1t::fixed {
namespace {

// A W-bit register (W <= 62) held in the low bits of a uint64_t.
uint64_t mask(int w) { return w >= 64 ? ~0ull : (1ull << w) - 1; }
bool bit(uint64_t v, int k) { return k >= 0 && k < 64 && ((v >> k) & 1); }
uint64_t range(uint64_t v, int lo, int hi) { return (v >> lo) & mask(hi - lo + 1); }
uint64_t set_range(uint64_t v, int lo, int hi, uint64_t x) {
  const uint64_t m = mask(hi - lo + 1) << lo;
  return (v & ~m) | ((x << lo) & m);
}
// Sign- or zero-extension of a w-bit register to 64 bits.
int64_t ext(uint64_t v, int w, bool s) {
  v &= mask(w);
  if (s && bit(v, w - 1)) v |= ~mask(w);
  return static_cast<int64_t>(v);
}

struct Src {
  int w2, i2;
  bool s2;
  uint64_t v;  // w2 bits
};

struct Header {
  int W, I;
  bool S;
  Quant Q;
  Overflow O;
  int N;
  uint64_t V = 0;

  bool quantization_adjust(bool qb, bool r, bool s) {
    const bool carry = bit(V, W - 1);
    if (Q == Quant::kTrn) return false;
    if (Q == Quant::kRndZero) {
      qb &= s || r;
    } else if (Q == Quant::kRndMinInf) {
      qb &= r;
    } else if (Q == Quant::kRndInf) {
      qb &= !s || r;
    } else if (Q == Quant::kRndConv) {
      qb &= bit(V, 0) || r;
    } else if (Q == Quant::kTrnZero) {
      qb = s && (qb || r);
    }
    V = (V + qb) & mask(W);
    return carry && !bit(V, W - 1);
  }

  void overflow_adjust(bool underflow, bool overflow, bool lD, bool sign) {
    if (!underflow && !overflow) return;
    if (O == Overflow::kWrap) {
      if (N == 0) return;
      if (S) {
        V = set_range(V, W - 1, W - 1, sign);
        if (N > 1) V = set_range(V, W - N, W - 2, sign ? 0 : ~0ull);
      } else {
        V = set_range(V, W - N, W - 1, ~0ull);
      }
    } else if (O == Overflow::kSatZero) {
      V = 0;
    } else if (O == Overflow::kWrapSm && S) {
      const bool Ro = bit(V, W - 1);
      if (N == 0) {
        if (lD != Ro) {
          V = ~V & mask(W);
          V = set_range(V, W - 1, W - 1, lD);
        }
      } else {
        if (N == 1 && sign != Ro) {
          V = ~V & mask(W);
        } else if (N > 1) {
          const bool lNo = bit(V, W - N);
          if (lNo == sign) V = ~V & mask(W);
          V = set_range(V, W - N, W - 2, sign ? 0 : ~0ull);
        }
        V = set_range(V, W - 1, W - 1, sign);
      }
    } else {
      if (S) {
        if (overflow) {
          V = mask(W - 1);
        } else if (underflow) {
          V = 1ull << (W - 1);
          if (O == Overflow::kSatSym) V |= 1;
        }
      } else {
        if (overflow) {
          V = mask(W);
        } else if (underflow) {
          V = 0;
        }
      }
    }
  }

  void assign(const Src& op) {
    const int F = W - I;
    const int W2 = op.w2, F2 = op.w2 - op.i2;
    const bool S2 = op.s2;
    const int64_t opv = ext(op.v, W2, S2);  // op.V as a value
    const bool QUAN_INC = F2 > F && !(Q == Quant::kTrn || (Q == Quant::kTrnZero && !S2));
    bool carry = false;
    const bool signbit = bit(op.v, W2 - 1);
    const bool isneg = signbit && S2;
    if (F2 == F) {
      V = static_cast<uint64_t>(opv) & mask(W);
    } else if (F2 > F) {
      const int sh = F2 - F;
      if (sh < W2) {
        V = static_cast<uint64_t>(S2 ? (opv >> sh) : static_cast<int64_t>(op.v >> sh)) & mask(W);
      } else {
        V = isneg ? mask(W) : 0;
      }
      if (Q != Quant::kTrn && !(Q == Quant::kTrnZero && !S2)) {
        const bool qbit = bit(op.v, F2 - F - 1);
        const bool qb = (F2 - F > W2) ? S2 && signbit : qbit;
        const int hi = (F2 - F - 2) < W2 ? (F2 - F - 2) : (W2 - 1);
        const bool r = (F2 > F + 1) ? range(op.v, 0, hi) != 0 : false;
        carry = quantization_adjust(qb, r, isneg);
      }
    } else {
      const int sh = F - F2;
      V = sh < W ? (static_cast<uint64_t>(opv) << sh) & mask(W) : 0;
    }
    if ((O != Overflow::kWrap || N != 0) &&
        ((!S && S2) || I - S < op.i2 - S2 + (QUAN_INC || (S2 && O == Overflow::kSatSym)))) {
      bool deleted_zeros = S2 ? true : !carry;
      bool deleted_ones = true;
      bool neg_src = isneg;
      const bool newsignbit = bit(V, W - 1);
      const int pos1 = F2 - F + W, pos2 = F2 - F + W + 1;
      const bool lD = (pos1 < W2 && pos1 >= 0) ? bit(op.v, pos1) : false;
      if (pos1 < W2) {
        bool R1_ones = true, R1_zeros = true, R2_ones = true;
        const uint64_t all_ones = mask(W2);
        if (pos2 < W2 && pos2 >= 0) {
          R2_ones = range(op.v, pos2, W2 - 1) == (all_ones >> pos2);
        } else if (pos2 < 0) {
          R2_ones = false;
        }
        if (pos1 >= 0 && pos2 < W2) {
          const uint64_t r1 = range(op.v, pos1, W2 - 1);
          R1_ones = r1 == (all_ones >> pos1);
          R1_zeros = r1 == 0;
        } else if (pos2 == W2) {
          R1_ones = lD;
          R1_zeros = !lD;
        } else if (pos1 < 0) {
          R1_zeros = op.v == 0;
          R1_ones = false;
        }
        deleted_zeros = deleted_zeros && (carry ? R1_ones : R1_zeros);
        deleted_ones = carry ? R2_ones && (pos1 < 0 || !lD) : R1_ones;
        neg_src = isneg && !(carry && R1_ones);
      } else {
        neg_src = isneg && newsignbit;
      }
      const bool neg_trg = S && newsignbit;
      const bool overflow = (neg_trg || !deleted_zeros) && !isneg;
      bool underflow = (!neg_trg || !deleted_ones) && neg_src;
      if (O == Overflow::kSatSym && S2 && S) {
        underflow |= neg_src && (W > 1 ? range(V, 0, W - 2) == 0 : true);
      }
      overflow_adjust(underflow, overflow, lD, neg_src);
    }
  }
};

int64_t header_cast(const Src& src, const Spec& dst) {
  Header h{dst.width, dst.integer, dst.is_signed, dst.quant, dst.overflow, dst.sat_bits};
  h.assign(src);
  return ext(h.V, dst.width, dst.is_signed);
}

Spec random_spec(std::mt19937_64& rng, int max_width) {
  Spec s;
  s.is_signed = rng() % 4 != 0;
  s.width = 1 + static_cast<int>(rng() % max_width);
  s.integer = static_cast<int>(rng() % (s.width + 24)) - 12;
  s.quant = static_cast<Quant>(rng() % 7);
  s.overflow = static_cast<Overflow>(rng() % 5);
  if (!s.is_signed && s.overflow == Overflow::kWrapSm) s.overflow = Overflow::kSatSym;
  s.sat_bits = (s.overflow == Overflow::kWrap || s.overflow == Overflow::kWrapSm) && rng() % 2
                   ? static_cast<int>(rng() % (s.width + 1))
                   : 0;
  return s;
}

// Source bit patterns biased toward the interesting ones: near zero, near the edges, all ones.
uint64_t random_bits(std::mt19937_64& rng, int w) {
  switch (rng() % 6) {
    case 0:
      return (rng() % 8) & mask(w);
    case 1:
      return (~0ull - rng() % 8) & mask(w);
    case 2:
      return ((1ull << (w - 1)) + rng() % 8 - 4) & mask(w);
    case 3:
      return ((1ull << (w - 1)) - 1 - rng() % 8) & mask(w);
    default:
      return rng() & mask(w);
  }
}

void compare(std::mt19937_64& rng, int cases, int max_src_width, int max_dst_width) {
  int failures = 0;
  for (int n = 0; n < cases; ++n) {
    Src src;
    src.s2 = rng() % 4 != 0;
    src.w2 = 1 + static_cast<int>(rng() % max_src_width);
    src.i2 = static_cast<int>(rng() % (src.w2 + 24)) - 12;
    src.v = random_bits(rng, src.w2);
    const Spec dst = random_spec(rng, max_dst_width);
    const int64_t want = header_cast(src, dst);
    const int64_t got = cast_raw(ext(src.v, src.w2, src.s2), src.w2 - src.i2, dst);
    if (got != want && ++failures <= 20) {
      ADD_FAILURE() << "src " << (src.s2 ? "ap_fixed<" : "ap_ufixed<") << src.w2 << "," << src.i2
                    << "> raw " << ext(src.v, src.w2, src.s2) << " -> " << dst.str() << ": got "
                    << got << " header " << want;
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(CastOracle, NarrowTypesAgreeWithHeaderAlgorithm) {
  std::mt19937_64 rng(0x5eed0101);
  compare(rng, 2000000, 12, 10);
}

TEST(CastOracle, WideTypesAgreeWithHeaderAlgorithm) {
  std::mt19937_64 rng(0x5eed0102);
  compare(rng, 2000000, 62, 62);
}

TEST(CastOracle, DoubleSizedSourcesAgree) {
  // The header's double constructor is the same algorithm on a 54-bit signed mantissa.
  std::mt19937_64 rng(0x5eed0103);
  compare(rng, 1000000, 54, 40);
}

}  // namespace
}  // namespace l1t::fixed
