/// Where a session lives in its ``SessionRegistry``: what the fan-out path holds instead of the
/// session's id, so that offering an event to a session hashes no string. A handle outlives
/// its session harmlessly: once the session ended, the registry answers it as it answers an
/// unknown id, even after another session took its place.
public typealias SessionHandle = SlotHandle
