#include "common/device/device.h"

#include <unistd.h>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include "common/runtime/signals.h"
#include "common/security/curve_socket.h"
#include "common/security/roles.h"

namespace l1t::device {

namespace {

// A peer's bytes in a log line: printable ASCII only, and not much of it.
std::string printable(std::string_view text, size_t max = 200) {
  std::string out;
  for (char ch : text.substr(0, max)) out.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace

Device::Device(std::string process, const runtime::ProcessOptions& options,
               const std::string& metrics_address, int metrics_port, const config::Limits& limits,
               const config::Security& security)
    : process_(std::move(process)),
      options_(options),
      metrics_(metrics_address, metrics_port),
      limits_(limits) {
  runtime::install_stop_handlers();
  if (!security.curve) {
    spdlog::warn("{}: security.curve is off: any peer that reaches a socket is believed", process_);
    return;
  }
  if (security.keys_dir.empty()) {
    throw std::runtime_error(
        "security.curve is on but security.keys_dir is empty (make keys "
        "with `l1t-keys generate DIR` and set security.keys_dir=DIR)");
  }
  auto keys = std::make_unique<security::Keyring>();
  std::string error;
  if (!security::Keyring::load(security.keys_dir, security::role_of_process(process_), keys.get(),
                               &error)) {
    throw std::runtime_error(error + " (security.keys_dir; `l1t-keys generate DIR` makes keys)");
  }
  // Before any socket binds: without a handler libzmq admits every client.
  zap_ = std::make_unique<security::ZapHandler>(ctx_, *keys);
  auth_monitor_ = std::make_unique<security::AuthMonitor>(ctx_);
  keys_ = std::move(keys);
}

void Device::secure(zmq::socket_t& socket, const std::string& channel, Method how) {
  if (!keys_) return;
  std::string error;
  const bool ok = how == Method::kBind ? security::secure_server(socket, *keys_, channel, &error)
                                       : security::secure_client(socket, *keys_, channel, &error);
  // A wiring or key mistake, found when the program starts.
  if (!ok) throw std::runtime_error(process_ + ": channel " + channel + ": " + error);
  auth_monitor_->watch(socket, channel);
  auth_counter(channel);  // at 0 from the start: a series that exists before the first refusal
}

prometheus::Counter& Device::auth_counter(const std::string& channel) {
  return metrics_.counter(
      "l1t_auth_failures_total",
      "Peers refused by CURVE authentication or sending what their role may not",
      {{"channel", channel}});
}

void Device::count_auth_failure(const std::string& channel, std::string_view reason) {
  ++auth_failures_;
  auth_counter(channel).Increment();
  uint64_t suppressed = 0;
  if (log_limiter_.allow(channel + "/auth", &suppressed)) {
    spdlog::warn("{}: refused a peer on {}: {}{}", process_, channel, reason,
                 suppressed > 0 ? fmt::format(" ({} more not logged)", suppressed) : "");
  }
}

Device::Channel& Device::add(const std::string& name, zmq::socket_t socket, zmq::socket_type type,
                             Method how, const std::string& endpoint) {
  auto c = std::make_unique<Channel>();
  c->name = name;
  c->router = type == zmq::socket_type::router;
  c->bound = how == Method::kBind;
  c->max_bytes = limits_.max_message_bytes;
  // Before bind: libzmq applies it to each connection as it is accepted. Bound sockets only:
  // libzmq 4.3 treats an oversized frame as a protocol error and does not reconnect after one,
  // so on a connecting socket a single frame would cut this process off its configured peer for
  // good; on a bound one it is the peer that reconnects (kSocketLimitFactor).
  if (c->bound) socket.set(zmq::sockopt::maxmsgsize, kSocketLimitFactor * c->max_bytes);
  secure(socket, name, how);
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
  outlet_ = std::make_unique<Outlet>(ctx_, metrics_, events_endpoint, truth_endpoint,
                                     [this](zmq::socket_t& socket, const std::string& channel) {
                                       secure(socket, channel, Method::kBind);
                                     });
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
  if (c.gaps == nullptr) {
    c.gaps = &metrics_.counter("l1t_sequence_gaps_total",
                               "Gaps in a sender's sequence numbers (messages missed before)",
                               {{"channel", c.name}});
    c.resets = &metrics_.counter("l1t_sequence_resets_total",
                                 "Senders whose sequence started again (a restart)",
                                 {{"channel", c.name}});
  }
  if (std::find(served_.begin(), served_.end(), &c) == served_.end()) served_.push_back(&c);
}

void Device::on_frames(const std::string& name, std::string_view topic,
                       std::function<void(const transport::Received&)> handler) {
  Channel& c = channel(name);
  subscribe(c, topic);
  // The payload stays as it came; its header alone is read, so that a tap too counts what it
  // missed (gaps) and whose sender restarted. Repeats are counted, not refused.
  auto book = std::make_shared<SequenceBook>(static_cast<size_t>(limits_.max_senders));
  books_.push_back(book);
  add_handler(c, topic,
              [this, &c, book, handler = std::move(handler),
               header = v1::Header()](const transport::Received& in) mutable {
                header.Clear();
                if (transport::peek_header(in.payload_view(), &header)) {
                  follow(c, *book, Sequences::kCountOnly, header, in);
                }
                handler(in);
              });
}

void Device::set_budget(const std::string& name, size_t per_turn) {
  channel(name).budget = per_turn;
}

void Device::set_max_message_bytes(const std::string& name, int64_t bytes) {
  Channel& c = channel(name);
  c.max_bytes = bytes;
  if (c.bound) c.socket.set(zmq::sockopt::maxmsgsize, kSocketLimitFactor * bytes);
}

void Device::every(std::chrono::milliseconds period, std::function<void()> task) {
  tasks_.push_back({period, std::move(task), std::chrono::steady_clock::now()});
}

void Device::reject(const std::string& channel, std::string_view reason, std::string_view detail) {
  ++rejected_;
  auto& by_channel = rejected_by_[channel];
  auto it = by_channel.find(reason);
  if (it == by_channel.end()) it = by_channel.emplace(std::string(reason), 0).first;
  ++it->second;
  metrics_.rejected(channel, std::string(reason)).Increment();
  // A flood must not flood the log: one line per second per channel and reason.
  uint64_t suppressed = 0;
  if (!log_limiter_.allow(channel + "/" + std::string(reason), &suppressed)) return;
  const std::string more =
      suppressed > 0 ? fmt::format(" ({} more like it not logged)", suppressed) : "";
  if (detail.empty()) {
    spdlog::warn("{}: rejected a message on {}: {}{}", process_, channel, reason, more);
  } else {
    spdlog::warn("{}: rejected a message on {}: {}: {}{}", process_, channel, reason,
                 printable(detail), more);
  }
}

uint64_t Device::rejected(const std::string& channel, std::string_view reason) const {
  auto c = rejected_by_.find(channel);
  if (c == rejected_by_.end()) return 0;
  auto r = c->second.find(reason);
  return r == c->second.end() ? 0 : r->second;
}

bool Device::follow(Channel& c, SequenceBook& book, Sequences sequences, const v1::Header& header,
                    const transport::Received& in) {
  std::string sender = header.sender();
  if (in.routing_id) {
    sender.push_back('\0');
    sender.append(static_cast<const char*>(in.routing_id->data()), in.routing_id->size());
  }
  uint64_t missed = 0;
  switch (book.observe(sender, header.sequence(), header.sent_unix_ns(), &missed)) {
    case SequenceVerdict::kGap:
      ++sequence_gaps_;
      sequence_missed_ += missed;
      c.gaps->Increment();
      return true;
    case SequenceVerdict::kRestart: {
      ++sequence_resets_;
      c.resets->Increment();
      uint64_t suppressed = 0;
      if (log_limiter_.allow(c.name + "/restart", &suppressed)) {
        spdlog::info("{}: {} on {} started its sequence again at {}{}", process_,
                     printable(header.sender(), 64), c.name, header.sequence(),
                     suppressed > 0 ? fmt::format(" ({} more restarts not logged)", suppressed)
                                    : std::string());
      }
      return true;
    }
    case SequenceVerdict::kRepeat:
      if (sequences == Sequences::kCountOnly) return true;
      reject(c.name, "repeat",
             "sequence " + std::to_string(header.sequence()) + " from " +
                 printable(header.sender(), 64) + " again");
      return false;
    case SequenceVerdict::kFirst:
    case SequenceVerdict::kInOrder:
      return true;
  }
  return true;
}

size_t Device::serve(Channel& c, size_t limit) {
  auto& received = metrics_.received(c.name);
  size_t n = 0;
  while (limit == 0 || n < limit) {
    auto msg = transport::receive(c.socket, c.router);
    if (!msg) break;
    ++n;
    received.Increment();
    // Before anything reads it: the bytes a peer may make this process parse.
    const size_t bytes = msg->topic.size() + msg->payload.size();
    if (c.max_bytes > 0 && bytes > static_cast<size_t>(c.max_bytes)) {
      reject(c.name, "too_large",
             std::to_string(bytes) + " bytes, the limit is " + std::to_string(c.max_bytes));
      continue;
    }
    if (!msg->well_framed) {
      reject(c.name, transport::reject_name(transport::Reject::kMalformed));
      continue;
    }
    auto it = c.topics.find(msg->topic);
    if (it == c.topics.end()) {
      reject(c.name, transport::reject_name(transport::Reject::kWrongTopic));
      continue;
    }
    // The role the ZAP handler admitted the sender as; a client hears only its server.
    if (keys_ && c.bound) {
      const std::string role = security::user_id(msg->payload);
      if (!security::may_send(c.name, msg->topic, role)) {
        count_auth_failure(c.name, "role '" + role + "' may not send " + msg->topic);
        reject(c.name, "unauthorised", role + " sent " + msg->topic);
        continue;
      }
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
  if (auth_monitor_) {
    auth_monitor_->poll([this](const std::string& channel, const char* reason) {
      count_auth_failure(channel, std::string("failed handshake (") + reason + ")");
    });
  }
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
  nlohmann::json j = {{"process", process_},
                      {"pid", static_cast<int64_t>(::getpid())},
                      {"metrics_port", metrics_.port()}};
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
  // The device's own refusals by channel and reason (a node's own come in its stats).
  if (!j.contains("messages_rejected_by_reason")) j["messages_rejected_by_reason"] = rejected_by_;
  uint64_t forgotten = 0;
  for (const auto& b : books_) forgotten += b->forgotten();
  for (const auto& [k, v] : std::initializer_list<std::pair<const char*, uint64_t>>{
           {"sequence_gaps", sequence_gaps_},
           {"sequence_missed", sequence_missed_},
           {"sequence_resets", sequence_resets_},
           {"auth_failures", auth_failures_},
           {"sequence_senders_forgotten", forgotten}}) {
    if (!j.contains(k)) j[k] = v;
  }
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
  try {
    return body(options, cfg);
  } catch (const std::exception& e) {
    // Keys that cannot be read, an endpoint that cannot be bound: the process cannot start.
    spdlog::error("{}", e.what());
    return 2;
  }
}

}  // namespace l1t::device
