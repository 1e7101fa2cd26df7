/// The registry's sessions: their states in the slots of an array, found by id through an
/// index, or by ``SessionHandle`` without hashing the id. The array holds each state once,
/// with no dictionary's room for a whole state per empty slot (memory per idle visitor); a
/// slot freed by an ended session is reused, with its generation moved on.
struct SessionSlots: Sendable {
    private struct Slot: Sendable {
        var generation: UInt32 = 0
        var state: SessionState?
    }

    private var slots: [Slot] = []
    private var free: [Int] = []
    private var index: [String: Int] = [:]

    /// The number of sessions.
    var count: Int { index.count }

    /// The handle of session `id`, if it exists.
    func handle(of id: String) -> SessionHandle? {
        index[id].map { SessionHandle(slot: UInt32($0), generation: slots[$0].generation) }
    }

    /// The state of session `id`, if it exists.
    subscript(id: String) -> SessionState? {
        index[id].flatMap { slots[$0].state }
    }

    /// Adds a session (its id is new).
    mutating func insert(_ state: SessionState) {
        let slot = free.popLast() ?? {
            slots.append(Slot())
            return slots.count - 1
        }()
        slots[slot].state = state
        index[state.id] = slot
    }

    /// Removes session `id`, returning its state.
    mutating func remove(_ id: String) -> SessionState? {
        guard let slot = index.removeValue(forKey: id) else { return nil }
        defer {
            slots[slot].state = nil
            slots[slot].generation &+= 1
            free.append(slot)
        }
        return slots[slot].state
    }

    /// Reads and changes session `id`'s state in place.
    mutating func withState<R>(_ id: String, _ body: (inout SessionState) -> R) -> R? {
        guard let slot = index[id] else { return nil }
        return body(&slots[slot].state!)
    }

    /// Reads and changes the state of the session `handle` names in place, if it still exists.
    /// A slot's generation moves on when its session is removed, so a handle whose generation
    /// matches names a live session (and reading the generation copies no state).
    mutating func withState<R>(_ handle: SessionHandle, _ body: (inout SessionState) -> R) -> R? {
        let slot = Int(handle.slot)
        guard slot < slots.count, slots[slot].generation == handle.generation else { return nil }
        return body(&slots[slot].state!)
    }
}
