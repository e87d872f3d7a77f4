// The Service Performance Index and canary gate (migration/spi.h): exact values on
// hand-made read sequences, the window sliding, a mismatch or a slow read
// counting as bad, and the gate holding (with its reason in words) on no or
// too little evidence, a low index, a non-empty repair queue or verifier
// differences, and advancing only when all are clear.
#include "migration/spi.h"

#include <gtest/gtest.h>

#include <string>

namespace listbench {
namespace {

constexpr double kTarget = 1000;  // µs

SpiOptions Opts(uint64_t window, uint64_t min_samples) {
  SpiOptions o;
  o.window = window;
  o.target_latency_us = kTarget;
  o.min_samples = min_samples;
  return o;
}

// Records `good` good reads then `bad` mismatched ones.
void Feed(ServicePerformanceIndex* spi, int good, int bad) {
  for (int i = 0; i < good; ++i) spi->Record(true, 10);
  for (int i = 0; i < bad; ++i) spi->Record(false, 10);
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(SpiTest, EmptyWindowHasNoValue) {
  ServicePerformanceIndex spi(Opts(10, 1));
  EXPECT_FALSE(spi.Value().has_value());
  EXPECT_EQ(spi.window_size(), 0u);
  EXPECT_FALSE(spi.has_enough_evidence());
}

TEST(SpiTest, ExactValues) {
  ServicePerformanceIndex spi(Opts(100, 1));
  Feed(&spi, 3, 1);
  EXPECT_DOUBLE_EQ(*spi.Value(), 0.75);
  EXPECT_EQ(spi.good_in_window(), 3u);
  EXPECT_EQ(spi.window_size(), 4u);
}

TEST(SpiTest, MismatchIsBadEvenWhenFastAndSlowIsBadEvenWhenMatched) {
  ServicePerformanceIndex spi(Opts(10, 1));
  spi.Record(false, 1);  // fast, mismatched
  EXPECT_EQ(*spi.Value(), 0.0);
  spi.Record(true, kTarget + 1);  // matched, slow
  EXPECT_EQ(*spi.Value(), 0.0);
  spi.Record(true, kTarget);  // exactly at the target meets it
  EXPECT_DOUBLE_EQ(*spi.Value(), 1.0 / 3.0);
}

TEST(SpiTest, WindowSlides) {
  ServicePerformanceIndex spi(Opts(4, 1));
  Feed(&spi, 0, 4);  // window: bad bad bad bad
  EXPECT_EQ(*spi.Value(), 0.0);
  Feed(&spi, 3, 0);  // bad good good good
  EXPECT_DOUBLE_EQ(*spi.Value(), 0.75);
  Feed(&spi, 1, 0);  // the last bad read falls out
  EXPECT_EQ(*spi.Value(), 1.0);
  EXPECT_EQ(spi.window_size(), 4u);
  EXPECT_EQ(spi.total_recorded(), 8u);
  Feed(&spi, 0, 2);  // good good bad bad
  EXPECT_DOUBLE_EQ(*spi.Value(), 0.5);
}

TEST(SpiTest, OptionsAreValidated) {
  EXPECT_TRUE(ValidateSpiOptions(SpiOptions{}).ok());
  EXPECT_EQ(ValidateSpiOptions(Opts(0, 0)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateSpiOptions(Opts(10, 11)).code(), StatusCode::kInvalidArgument);
  SpiOptions o;
  o.target_latency_us = 0;
  EXPECT_EQ(ValidateSpiOptions(o).code(), StatusCode::kInvalidArgument);
}

TEST(CanaryGateTest, AdvancesAtExactlyTheThresholdAndHoldsJustBelow) {
  const CanaryGate gate;  // 0.96
  ServicePerformanceIndex at(Opts(100, 100));
  Feed(&at, 96, 4);
  GateDecision d = gate.Evaluate(at, 0, 0);
  EXPECT_TRUE(d.advance()) << d.reason;

  ServicePerformanceIndex below(Opts(100, 100));
  Feed(&below, 95, 5);
  d = gate.Evaluate(below, 0, 0);
  EXPECT_FALSE(d.advance());
  EXPECT_TRUE(Contains(d.reason, "below threshold")) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "95 of 100")) << d.reason;

  // Same at the default window: 960 of 1000 advances; one more bad read
  // pushes the oldest good one out, 959 of 1000 holds.
  ServicePerformanceIndex big(SpiOptions{});
  Feed(&big, 960, 40);
  EXPECT_TRUE(gate.Evaluate(big, 0, 0).advance());
  Feed(&big, 0, 1);
  EXPECT_EQ(big.good_in_window(), 959u);
  EXPECT_FALSE(gate.Evaluate(big, 0, 0).advance());
}

TEST(CanaryGateTest, HoldsOnNoOrTooLittleEvidence) {
  const CanaryGate gate;
  ServicePerformanceIndex spi(Opts(1000, 50));
  GateDecision d = gate.Evaluate(spi, 0, 0);
  EXPECT_FALSE(d.advance());
  EXPECT_TRUE(Contains(d.reason, "no shadowed reads")) << d.reason;

  Feed(&spi, 49, 0);  // perfect, but too few
  d = gate.Evaluate(spi, 0, 0);
  EXPECT_FALSE(d.advance());
  EXPECT_TRUE(Contains(d.reason, "not enough evidence: 49 shadowed reads, need 50")) << d.reason;

  Feed(&spi, 1, 0);
  EXPECT_TRUE(gate.Evaluate(spi, 0, 0).advance());
}

TEST(CanaryGateTest, HoldsOnRepairQueueOrVerifierDifferences) {
  const CanaryGate gate;
  ServicePerformanceIndex spi(Opts(100, 10));
  Feed(&spi, 100, 0);
  GateDecision d = gate.Evaluate(spi, 3, 0);
  EXPECT_FALSE(d.advance());
  EXPECT_TRUE(Contains(d.reason, "repair queue not empty: 3")) << d.reason;

  d = gate.Evaluate(spi, 0, 2);
  EXPECT_FALSE(d.advance());
  EXPECT_TRUE(Contains(d.reason, "verifier reports 2 differences")) << d.reason;

  // Every reason is given, not just the first.
  ServicePerformanceIndex low(Opts(100, 10));
  Feed(&low, 10, 90);
  d = gate.Evaluate(low, 1, 1);
  EXPECT_FALSE(d.advance());
  EXPECT_TRUE(Contains(d.reason, "below threshold")) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "repair queue")) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "verifier")) << d.reason;

  d = gate.Evaluate(spi, 0, 0);
  EXPECT_TRUE(d.advance());
  EXPECT_TRUE(Contains(d.reason, "repair queue empty")) << d.reason;
}

TEST(CanaryGateTest, ThresholdIsASetting) {
  ServicePerformanceIndex spi(Opts(100, 10));
  Feed(&spi, 90, 10);
  EXPECT_FALSE(CanaryGate().Evaluate(spi, 0, 0).advance());
  EXPECT_TRUE(CanaryGate(0.9).Evaluate(spi, 0, 0).advance());
}

}  // namespace
}  // namespace listbench
