// Fault injection for the fault tests and for measuring what a crash costs: a named point in a
// process's work where, when the environment asks for it, the process kills itself with SIGKILL,
// as a crash or an OOM kill would, with no chance to flush, write its stats or say goodbye.
//
// L1T_KILL_AT=NAME[:N] kills the process at the N-th time (default 1) it passes the point NAME,
// e.g. "inference.swap:3" in the middle of its third weight swap. Unset (every production run),
// a point costs one branch on a cached flag.
#pragma once

#include <string_view>

namespace l1t::runtime {

inline constexpr const char* kKillAtVariable = "L1T_KILL_AT";

void fault_point(std::string_view name);

}  // namespace l1t::runtime
