// The machine's host name: a container's is its id (compose), its task's (swarm), its pod's
// (Kubernetes), so replicas started from one configuration get distinct names from it.
#pragma once

#include <string>

namespace l1t::runtime {

// "" if the system will not say.
std::string host_name();

}  // namespace l1t::runtime
