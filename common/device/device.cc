#include "common/device/device.h"

#include <spdlog/spdlog.h>

#include "common/runtime/signals.h"

namespace l1t::device {

Device::Device(std::string process, const runtime::ProcessOptions& options,
               const std::string& metrics_address, int metrics_port)
    : process_(std::move(process)), options_(options), metrics_(metrics_address, metrics_port) {
  runtime::install_stop_handlers();
}

Device::Channel& Device::add(const std::string& name, zmq::socket_t socket, zmq::socket_type type,
                             Method how, const std::string& endpoint) {
  auto c = std::make_unique<Channel>();
  c->name = name;
  c->router = type == zmq::socket_type::router;
  c->bound = how == Method::kBind;
  c->endpoint = c->bound ? transport::bind(socket, endpoint) : endpoint;
  if (!c->bound) socket.connect(endpoint);
  c->socket = std::move(socket);
  channels_.push_back(std::move(c));
  return *channels_.back();
}

zmq::socket_t& Device::open(const std::string& name, zmq::socket_type type, Method how,
                            const std::string& endpoint) {
  return add(name, transport::make_socket(ctx_, type), type, how, endpoint).socket;
}

zmq::socket_t& Device::open_publisher(const std::string& name, Method how,
                                      const std::string& endpoint) {
  return add(name, transport::make_publisher(ctx_), zmq::socket_type::xpub, how, endpoint).socket;
}

Outlet& Device::open_outlet(const std::string& events_endpoint, const std::string& truth_endpoint) {
  outlet_ = std::make_unique<Outlet>(ctx_, metrics_, events_endpoint, truth_endpoint);
  return *outlet_;
}

Device::Channel& Device::channel(const std::string& name) {
  for (auto& c : channels_) {
    if (c->name == name) return *c;
  }
  // A wiring mistake in a main, found the first time the program starts: not a data-path error.
  throw std::logic_error("device " + process_ + ": no channel named " + name);
}

zmq::socket_t& Device::socket(const std::string& name) { return channel(name).socket; }

const std::string& Device::endpoint(const std::string& name) const {
  for (const auto& c : channels_) {
    if (c->name == name) return c->endpoint;
  }
  throw std::logic_error("device " + process_ + ": no channel named " + name);
}

void Device::subscribe(Channel& c, std::string_view topic) {
  if (c.socket.get(zmq::sockopt::type) == ZMQ_SUB) c.socket.set(zmq::sockopt::subscribe, topic);
}

void Device::add_handler(Channel& c, std::string_view topic, Decoder decoder) {
  c.topics.emplace(std::string(topic), std::move(decoder));
  if (std::find(served_.begin(), served_.end(), &c) == served_.end()) served_.push_back(&c);
}

void Device::on_frames(const std::string& name, std::string_view topic,
                       std::function<void(const transport::Received&)> handler) {
  Channel& c = channel(name);
  subscribe(c, topic);
  add_handler(c, topic, std::move(handler));
}

void Device::set_budget(const std::string& name, size_t per_turn) {
  channel(name).budget = per_turn;
}

void Device::every(std::chrono::milliseconds period, std::function<void()> task) {
  tasks_.push_back({period, std::move(task), std::chrono::steady_clock::now()});
}

void Device::reject(const std::string& channel, std::string_view reason) {
  ++rejected_;
  metrics_.rejected(channel, std::string(reason)).Increment();
  spdlog::warn("{}: rejected a message on {}: {}", process_, channel, reason);
}

size_t Device::serve(Channel& c, size_t limit) {
  auto& received = metrics_.received(c.name);
  size_t n = 0;
  while (limit == 0 || n < limit) {
    auto msg = transport::receive(c.socket, c.router);
    if (!msg) break;
    ++n;
    received.Increment();
    if (!msg->well_framed) {
      reject(c.name, transport::reject_name(transport::Reject::kMalformed));
      continue;
    }
    auto it = c.topics.find(msg->topic);
    if (it == c.topics.end()) {
      reject(c.name, transport::reject_name(transport::Reject::kWrongTopic));
      continue;
    }
    it->second(*msg);
  }
  return n;
}

void Device::turn(std::chrono::milliseconds poll) {
  std::vector<zmq::pollitem_t> items;
  items.reserve(served_.size());
  for (Channel* c : served_) items.push_back({c->socket.handle(), 0, ZMQ_POLLIN, 0});
  transport::poll(items.data(), items.size(), poll);
  for (Channel* c : served_) serve(*c, c->budget);
  const auto now = std::chrono::steady_clock::now();
  for (auto& t : tasks_) {
    if (now - t.last >= t.period) {
      t.last = now;
      t.run();
    }
  }
}

bool Device::run_until(const std::function<bool()>& done, std::chrono::milliseconds poll) {
  while (!done()) {
    if (runtime::stop_requested()) return false;
    turn(poll);
  }
  return true;
}

void Device::run(std::chrono::milliseconds poll) {
  while (!runtime::stop_requested()) turn(poll);
}

void Device::drain(const std::string& name) { serve(channel(name), 0); }

void Device::ready(const nlohmann::json& extra) {
  nlohmann::json j = {{"process", process_}, {"metrics_port", metrics_.port()}};
  nlohmann::json endpoints = nlohmann::json::object();
  for (const auto& c : channels_) {
    if (c->bound) endpoints[c->name] = c->endpoint;
  }
  if (outlet_) {
    endpoints["events"] = outlet_->events_endpoint();
    endpoints["truth"] = outlet_->truth_endpoint();
  }
  if (!endpoints.empty()) j["endpoints"] = endpoints;
  for (const auto& [k, v] : extra.items()) j[k] = v;
  std::string where;
  for (const auto& [name, ep] : endpoints.items())
    where += name + " on " + ep.get<std::string>() + ", ";
  for (const auto& c : channels_) {
    if (!c->bound) where += c->name + " from " + c->endpoint + ", ";
  }
  spdlog::info("{}: ready; {}metrics on :{}", process_, where, metrics_.port());
  if (!runtime::write_json_file(options_.ready_file, j)) {
    spdlog::error("{}: cannot write the ready file {}", process_, options_.ready_file);
  }
}

void Device::finish(const nlohmann::json& stats) {
  nlohmann::json j = {{"process", process_}};
  for (const auto& [k, v] : stats.items()) j[k] = v;
  if (!j.contains("messages_rejected")) j["messages_rejected"] = rejected_;
  if (!runtime::write_json_file(options_.stats_file, j)) {
    spdlog::error("{}: cannot write the stats file {}", process_, options_.stats_file);
  }
}

int run_main(
    int argc, char** argv, const std::string& about,
    const std::function<void(CLI::App&)>& add_options,
    const std::function<int(const runtime::ProcessOptions&, const config::Scenario&)>& body) {
  CLI::App app{about};
  runtime::ProcessOptions options;
  runtime::add_process_options(app, &options);
  if (add_options) add_options(app);
  CLI11_PARSE(app, argc, argv);
  config::Scenario cfg;
  if (!runtime::load_process_config(options, &cfg)) return 2;
  return body(options, cfg);
}

}  // namespace l1t::device
