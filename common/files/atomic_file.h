// Whole-file replacement that a reader (or a crash) never sees half done: the bytes go to a
// temporary file next to the target, are flushed to disk, then renamed over the target (rename is
// atomic within one file system, hence the same directory). One writer per path at a time: the
// temporary file is path + ".tmp".
#pragma once

#include <string>
#include <string_view>

namespace l1t::files {

// True when path holds exactly bytes. On failure the old file (if any) is untouched, the temporary
// file is removed and *error says which step failed and why. Never throws.
bool write_atomically(const std::string& path, std::string_view bytes, std::string* error);

}  // namespace l1t::files
