// Whole-file replacement that a reader (or a crash) never sees half done: the bytes go to a
// temporary file next to the target, are flushed to disk, then renamed over the target (rename is
// atomic within one file system, hence the same directory). One writer per path at a time: the
// temporary file is path + ".tmp".
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace l1t::files {

// True when path holds exactly bytes. On failure the old file (if any) is untouched, the temporary
// file is removed and *error says which step failed and why. Never throws. halfway, if given, is
// called once half of the bytes are in the temporary file (where the fault tests kill a writer).
bool write_atomically(const std::string& path, std::string_view bytes, std::string* error,
                      const std::function<void()>& halfway = {});

}  // namespace l1t::files
