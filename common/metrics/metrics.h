// Prometheus metrics of one process, served over HTTP by prometheus-cpp. Names are in base
// units with the l1t_ prefix; channel and reason are labels.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace l1t::metrics {

class Metrics {
 public:
  // Serves /metrics on address:port; port 0 picks a free port (see port()).
  Metrics(const std::string& address, int port);

  int port() const { return port_; }
  prometheus::Registry& registry() { return *registry_; }

  // Whole messages per channel (socket): received, sent, dropped at a full queue, rejected as bad.
  prometheus::Counter& received(const std::string& channel);
  prometheus::Counter& sent(const std::string& channel);
  prometheus::Counter& dropped(const std::string& channel);
  prometheus::Counter& rejected(const std::string& channel, const std::string& reason);

  prometheus::Counter& counter(const std::string& name, const std::string& help,
                               const prometheus::Labels& labels = {});
  prometheus::Gauge& gauge(const std::string& name, const std::string& help,
                           const prometheus::Labels& labels = {});
  prometheus::Histogram& histogram(const std::string& name, const std::string& help,
                                   const std::vector<double>& buckets,
                                   const prometheus::Labels& labels = {});

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counters_;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauges_;
  std::map<std::string, prometheus::Family<prometheus::Histogram>*> histograms_;
};

// Latency buckets from 10 us to 10 s.
std::vector<double> latency_buckets();

// Collects observations without a lock and hands them to a prometheus Histogram in one call,
// because prometheus::Histogram::Observe takes a mutex per observation.
class BufferedHistogram {
 public:
  BufferedHistogram(prometheus::Histogram& target, std::vector<double> buckets);
  void observe(double value);
  void flush();

 private:
  prometheus::Histogram& target_;
  std::vector<double> bounds_;
  std::vector<double> counts_;  // one more than bounds_: the +Inf bucket
  double sum_ = 0;
  bool dirty_ = false;
};

}  // namespace l1t::metrics
