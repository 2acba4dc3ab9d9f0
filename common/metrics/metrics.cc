#include "common/metrics/metrics.h"

#include <algorithm>

namespace l1t::metrics {

Metrics::Metrics(const std::string& address, int port)
    : registry_(std::make_shared<prometheus::Registry>()) {
  // civetweb throws if the port is taken; that is a start-up error, reported by the caller.
  exposer_ = std::make_unique<prometheus::Exposer>(address + ":" + std::to_string(port));
  exposer_->RegisterCollectable(registry_);
  const auto ports = exposer_->GetListeningPorts();
  port_ = ports.empty() ? port : ports.front();
}

prometheus::Counter& Metrics::counter(const std::string& name, const std::string& help,
                                      const prometheus::Labels& labels) {
  auto it = counters_.find(name);
  if (it == counters_.end()) {
    auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
    it = counters_.emplace(name, &family).first;
  }
  return it->second->Add(labels);
}

prometheus::Gauge& Metrics::gauge(const std::string& name, const std::string& help,
                                  const prometheus::Labels& labels) {
  auto it = gauges_.find(name);
  if (it == gauges_.end()) {
    auto& family = prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
    it = gauges_.emplace(name, &family).first;
  }
  return it->second->Add(labels);
}

prometheus::Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                                          const std::vector<double>& buckets,
                                          const prometheus::Labels& labels) {
  auto it = histograms_.find(name);
  if (it == histograms_.end()) {
    auto& family = prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
    it = histograms_.emplace(name, &family).first;
  }
  return it->second->Add(labels, buckets);
}

prometheus::Counter& Metrics::received(const std::string& channel) {
  return counter("l1t_messages_received_total", "Messages received, per channel",
                 {{"channel", channel}});
}
prometheus::Counter& Metrics::sent(const std::string& channel) {
  return counter("l1t_messages_sent_total", "Messages sent, per channel", {{"channel", channel}});
}
prometheus::Counter& Metrics::dropped(const std::string& channel) {
  return counter("l1t_messages_dropped_total",
                 "Messages dropped because a peer's queue was full, per channel",
                 {{"channel", channel}});
}
prometheus::Counter& Metrics::rejected(const std::string& channel, const std::string& reason) {
  return counter("l1t_messages_rejected_total",
                 "Messages rejected as bad input (malformed, wrong schema, wrong shape, ...)",
                 {{"channel", channel}, {"reason", reason}});
}

std::vector<double> latency_buckets() {
  return {1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2,
          2e-2, 5e-2, 0.1,  0.2,  0.5,  1,    2,    5,    10};
}

BufferedHistogram::BufferedHistogram(prometheus::Histogram& target, std::vector<double> buckets)
    : target_(target), bounds_(std::move(buckets)), counts_(bounds_.size() + 1, 0.0) {}

void BufferedHistogram::observe(double value) {
  const auto i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[i] += 1;
  sum_ += value;
  dirty_ = true;
}

void BufferedHistogram::flush() {
  if (!dirty_) return;
  target_.ObserveMultiple(counts_, sum_);
  std::fill(counts_.begin(), counts_.end(), 0.0);
  sum_ = 0;
  dirty_ = false;
}

}  // namespace l1t::metrics
