// SIGINT/SIGTERM ask a process to stop: it stops accepting, drains, flushes and exits 0.
#pragma once

namespace l1t::runtime {

void install_stop_handlers();
bool stop_requested();
void request_stop();

}  // namespace l1t::runtime
