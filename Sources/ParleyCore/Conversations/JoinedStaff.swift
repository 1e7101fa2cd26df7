import ParleyWire

/// The staff who joined a conversation besides its assigned agent, with how they joined
/// (CONV-18), kept in join order so that listing them (which every event's fan-out does) needs
/// no sort and is still the same order on every run. The participants are kept apart too, in the
/// same order, so that what reaches only the staff who are not observers (CONV-39) is listed
/// without going through every observer.
struct JoinedStaff: Sendable, Hashable, Codable {
    /// The members, in the order they joined.
    private(set) var order: [String] = []
    /// Each member's join mode.
    private(set) var modes: [String: JoinMode] = [:]
    /// The members who joined as participants, in the order of ``order``; derived from it and
    /// ``modes``, so not part of the stored form.
    private(set) var participants: [String] = []

    /// The stored form (Spec/storage.md): the members in order and their modes.
    private enum CodingKeys: String, CodingKey { case order, modes }

    /// No one joined.
    init() {}

    /// Reads the stored form, the participants listed again from it.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        order = try container.decode([String].self, forKey: .order)
        modes = try container.decode([String: JoinMode].self, forKey: .modes)
        participants = Self.participants(of: order, modes)
    }

    /// The mode `user` joined with; setting `nil` removes them, setting a mode adds them at the
    /// end or changes their mode in place.
    subscript(user: String) -> JoinMode? {
        get { modes[user] }
        set {
            guard let newValue else { return _ = removeValue(forKey: user) }
            let old = modes.updateValue(newValue, forKey: user)
            if old == nil {
                order.append(user)
                if newValue != .observer { participants.append(user) }
            } else if (old == .observer) != (newValue == .observer) {
                participants = Self.participants(of: order, modes)
            }
        }
    }

    /// The members of `order` who did not join as observers, in that order.
    private static func participants(of order: [String], _ modes: [String: JoinMode]) -> [String] {
        order.filter { modes[$0] != .observer }
    }

    /// Removes `user`, returning the mode they had joined with.
    mutating func removeValue(forKey user: String) -> JoinMode? {
        guard let mode = modes.removeValue(forKey: user) else { return nil }
        order.removeAll { $0 == user }
        if mode != .observer { participants.removeAll { $0 == user } }
        return mode
    }
}
