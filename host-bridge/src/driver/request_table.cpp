// SPDX-License-Identifier: GPL-2.0-or-later
#include "driver/request_table.h"

#include <utility>

namespace mtb {

RequestId RequestTable::add(PendingRequest request) {
    request.id = next_id_++;
    const RequestId id = request.id;
    requests_.emplace(id, std::move(request));
    return id;
}

PendingRequest *RequestTable::find(RequestId id) {
    const auto found = requests_.find(id);
    return found == requests_.end() ? nullptr : &found->second;
}

std::optional<PendingRequest> RequestTable::take(RequestId id) {
    const auto found = requests_.find(id);
    if (found == requests_.end()) return std::nullopt;
    PendingRequest request = std::move(found->second);
    requests_.erase(found);
    return request;
}

}  // namespace mtb
