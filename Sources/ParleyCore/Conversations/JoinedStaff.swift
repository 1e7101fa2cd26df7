import ParleyWire

/// The staff who joined a conversation besides its assigned agent, with how they joined
/// (CONV-18), kept in join order so that listing them (which every event's fan-out does) needs
/// no sort and is still the same order on every run.
struct JoinedStaff: Sendable, Hashable, Codable {
    /// The members, in the order they joined.
    private(set) var order: [String] = []
    /// Each member's join mode.
    private(set) var modes: [String: JoinMode] = [:]

    /// The mode `user` joined with; setting `nil` removes them, setting a mode adds them at the
    /// end or changes their mode in place.
    subscript(user: String) -> JoinMode? {
        get { modes[user] }
        set {
            if let newValue {
                if modes.updateValue(newValue, forKey: user) == nil { order.append(user) }
            } else {
                _ = removeValue(forKey: user)
            }
        }
    }

    /// Removes `user`, returning the mode they had joined with.
    mutating func removeValue(forKey user: String) -> JoinMode? {
        guard let mode = modes.removeValue(forKey: user) else { return nil }
        order.removeAll { $0 == user }
        return mode
    }
}
