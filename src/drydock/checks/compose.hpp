#pragma once
/// How the runtime checks (section 5) read on a Compose service: for each runtime check, the
/// ContainerSpec fields it is about, named as model::ComposeService::field_at names them, so that
/// a result can point at the key that set them; and the checks that need a running container.

#include <span>
#include <string_view>

namespace drydock::checks::compose {

/// The fields a runtime check reads, most decisive first; empty for a check not in the table.
std::span<const std::string_view> runtime_fields(std::string_view check_id);

/// True for the runtime checks that look at a running container (processes, exec sessions, the
/// image the container runs): they do not apply to a Compose file.
bool needs_running_container(std::string_view check_id);

/// True for the host checks that also read a Compose project's folder (its CI files): they
/// run once per project, on what the folder holds.
bool reads_project_folder(std::string_view check_id);

}  // namespace drydock::checks::compose
